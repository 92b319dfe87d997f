// Fuzz target: the data set readers (MVTec layout and suffix layout), which
// pair images with masks by parsing file names. The input is text: the first
// line is the mask suffix, and every other line is one file to create, its
// first character choosing the folder and the rest giving the file name.
// Suffix layout: t = train good, g = test good, d = defect. MVTec layout:
// t = train/good, g = test/good, d = test/crack, m = ground_truth/crack. The
// files are empty, because the readers never open them.

#include "FuzzSupport.h"

#include "common/Error.h"
#include "dataset/MvtecLayout.h"
#include "dataset/SuffixLayout.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

using namespace patchead;

namespace {

constexpr int kMaxFiles = 32;

struct FolderChoice {
    QChar code;
    QString suffixFolder;
    QString mvtecFolder;
};

const FolderChoice kFolders[] = {
    {QLatin1Char('t'), QStringLiteral("train"), QStringLiteral("cat/train/good")},
    {QLatin1Char('g'), QStringLiteral("good"), QStringLiteral("cat/test/good")},
    {QLatin1Char('d'), QStringLiteral("defect"), QStringLiteral("cat/test/crack")},
    {QLatin1Char('m'), QStringLiteral("defect"), QStringLiteral("cat/ground_truth/crack")},
};

bool isPlainFileName(const QString &name)
{
    return !name.isEmpty() && name != QLatin1String(".") && name != QLatin1String("..")
        && !name.contains(QLatin1Char('/')) && !name.contains(QChar(0)) && name.toUtf8().size() < 200;
}

// Creates the files the input lines name under root and returns how many.
int createFiles(const QString &root, const QStringList &lines, bool mvtec)
{
    for (const FolderChoice &folder : kFolders)
        QDir(root).mkpath(mvtec ? folder.mvtecFolder : folder.suffixFolder);
    int created = 0;
    for (const QString &line : lines) {
        if (created == kMaxFiles || line.isEmpty())
            break;
        const QString name = line.mid(1);
        if (!isPlainFileName(name))
            continue;
        for (const FolderChoice &folder : kFolders) {
            if (folder.code != line.front())
                continue;
            QFile file(root + QLatin1Char('/') + (mvtec ? folder.mvtecFolder : folder.suffixFolder)
                       + QLatin1Char('/') + name);
            created += file.open(QIODevice::WriteOnly) ? 1 : 0;
        }
    }
    return created;
}

void checkCategory(const DatasetCategory &category)
{
    for (const TestSample &sample : category.testSamples) {
        fuzz::require(QFileInfo(sample.imagePath).isFile(), "every test image exists");
        fuzz::require(sample.anomalous != sample.maskPath.isEmpty(), "exactly the defective images have masks");
        if (sample.anomalous)
            fuzz::require(QFileInfo(sample.maskPath).isFile(), "every mask exists");
    }
    for (const QString &image : category.trainImages)
        fuzz::require(QFileInfo(image).isFile(), "every train image exists");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz::silenceLogging();
    if (size == 0)
        return 0;
    const bool mvtec = (data[0] & 1) != 0;
    QStringList lines = QString::fromUtf8(fuzz::inputBytes(data + 1, size - 1)).split(QLatin1Char('\n'));
    const QString maskSuffix = lines.takeFirst();

    const QString root = fuzz::scratchFolder() + QStringLiteral("/dataset");
    QDir(root).removeRecursively();
    createFiles(root, lines, mvtec);
    try {
        if (mvtec) {
            MvtecLayoutOptions options;
            options.maskSuffix = maskSuffix;
            checkCategory(readMvtecCategory(root + QStringLiteral("/cat"), options));
            (void)listMvtecCategories(root, options);
        } else {
            SuffixLayout layout;
            layout.name = QStringLiteral("fuzz");
            layout.trainGoodFolders = {root + QStringLiteral("/train")};
            layout.testGoodFolders = {root + QStringLiteral("/good")};
            layout.defectFolders = {root + QStringLiteral("/defect")};
            layout.maskSuffix = maskSuffix;
            checkCategory(readSuffixLayout(layout));
        }
    } catch (const Error &error) {
        fuzz::require(!error.message().isEmpty(), "a data set error has a message");
    }
    return 0;
}
