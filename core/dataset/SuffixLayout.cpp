#include "dataset/SuffixLayout.h"

#include "common/Error.h"
#include "common/Logging.h"
#include "dataset/ImageFolderScan.h"

#include <QDir>
#include <QFileInfo>
#include <QSet>

namespace patchead {

namespace {

bool isMask(const QString &path, const QString &maskSuffix)
{
    return fileStem(path).endsWith(maskSuffix);
}

// Returns the images of a folder that are not masks. Throws Error when the
// folder is missing or has none. role names the folder list in messages.
QStringList readImages(const QString &folder, const QString &role, const QString &maskSuffix,
                       const QString &datasetName)
{
    if (!QFileInfo(folder).isDir())
        throw Error(QStringLiteral("%1: %2 folder %3 not found. Correct the path in the dataset description.")
                        .arg(datasetName, role, folder));
    QStringList images;
    for (const QString &path : listImageFiles(folder)) {
        if (!isMask(path, maskSuffix))
            images.append(path);
    }
    if (images.isEmpty())
        throw Error(QStringLiteral("%1: %2 folder %3 contains no images (%4, not counting files ending in "
                                   "\"%5\"). Add images or remove the folder from the description.")
                        .arg(datasetName, role, folder, supportedPatternsText(), maskSuffix));
    return images;
}

int countMasksWithoutImage(const QString &folder, const QStringList &images, const QString &maskSuffix)
{
    QSet<QString> imageStems;
    for (const QString &image : images)
        imageStems.insert(fileStem(image));
    int orphans = 0;
    for (const QString &path : listImageFiles(folder)) {
        const QString stem = fileStem(path);
        if (isMask(path, maskSuffix) && !imageStems.contains(stem.chopped(maskSuffix.size())))
            ++orphans;
    }
    return orphans;
}

void appendDefectFolder(const QString &folder, const SuffixLayout &layout, const QString &datasetName,
                        std::vector<TestSample> &samples)
{
    const QStringList images =
        readImages(folder, QStringLiteral("defect"), layout.maskSuffix, datasetName);
    const QHash<QString, QStringList> maskIndex = indexImagesByStem(folder);
    const QString defectType = QFileInfo(QDir::cleanPath(folder)).fileName();
    for (const QString &image : images)
        samples.push_back(TestSample{image, true, defectType,
                                     requireMask(maskIndex, folder, image, layout.maskSuffix, datasetName)});

    const int orphans = countMasksWithoutImage(folder, images, layout.maskSuffix);
    if (orphans > 0)
        qCWarning(lcDataset).noquote() << QStringLiteral("%1: folder %2 has %3 masks without a matching "
                                                         "image. They are ignored.")
                                              .arg(datasetName, folder)
                                              .arg(orphans);
}

void checkLayout(const SuffixLayout &layout, const QString &datasetName)
{
    if (layout.maskSuffix.isEmpty())
        throw SettingsError(QStringLiteral("%1: the mask suffix is empty, so masks cannot be distinguished "
                                           "from images in the same folder. Set it, for example to \"_mask\".")
                                .arg(datasetName));
    if (layout.testGoodFolders.isEmpty() && layout.defectFolders.isEmpty())
        throw SettingsError(QStringLiteral("%1: no test folders given. List good and/or defect folders.")
                                .arg(datasetName));
}

} // namespace

DatasetCategory readSuffixLayout(const SuffixLayout &layout)
{
    const QString datasetName = layout.name.isEmpty()
                                    ? QStringLiteral("Suffix-layout dataset")
                                    : QStringLiteral("Dataset '%1'").arg(layout.name);
    checkLayout(layout, datasetName);

    DatasetCategory result;
    result.name = layout.name;
    for (const QString &folder : layout.trainGoodFolders)
        result.trainImages += readImages(folder, QStringLiteral("train good"), layout.maskSuffix, datasetName);
    sortPaths(result.trainImages);

    for (const QString &folder : layout.testGoodFolders) {
        for (const QString &image : readImages(folder, QStringLiteral("test good"), layout.maskSuffix, datasetName))
            result.testSamples.push_back(TestSample{image, false, QStringLiteral("good"), QString()});
    }
    for (const QString &folder : layout.defectFolders)
        appendDefectFolder(folder, layout, datasetName, result.testSamples);
    sortTestSamples(result.testSamples);

    qCInfo(lcDataset).noquote() << QStringLiteral("%1 read: %2 train images, %3 good and %4 defective test images")
                                       .arg(datasetName)
                                       .arg(result.trainImages.size())
                                       .arg(result.normalCount())
                                       .arg(result.anomalousCount());
    return result;
}

} // namespace patchead
