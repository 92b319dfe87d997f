#include "dataset/MvtecLayout.h"

#include "common/Error.h"
#include "common/Logging.h"
#include "dataset/ImageFolderScan.h"

#include <QDir>
#include <QFileInfo>

#include <algorithm>

namespace patchead {

namespace {

const char *const kLayoutHint =
    "An MVTec AD category needs train/good, test/<type> and ground_truth/<type> folders.";

QString requireFolder(const QDir &category, const QString &relativePath, const QString &datasetName)
{
    const QString path = category.filePath(relativePath);
    if (!QFileInfo(path).isDir())
        throw Error(QStringLiteral("%1: folder %2 not found in %3. %4")
                        .arg(datasetName, relativePath, category.path(), QLatin1String(kLayoutHint)));
    return path;
}

QStringList readTrainImages(const QDir &category, const MvtecLayoutOptions &options,
                            const QString &datasetName)
{
    const QString relativePath = QStringLiteral("train/") + options.goodFolder;
    const QStringList images = listImageFiles(requireFolder(category, relativePath, datasetName));
    if (images.isEmpty())
        throw Error(QStringLiteral("%1: folder %2 in %3 contains no images. Add known-good images (%4).")
                        .arg(datasetName, relativePath, category.path(),
                             supportedPatternsText()));
    return images;
}

std::vector<TestSample> readTestType(const QDir &category, const QString &type,
                                     const MvtecLayoutOptions &options, const QString &datasetName)
{
    const QStringList images = listImageFiles(category.filePath(QStringLiteral("test/") + type));
    std::vector<TestSample> samples;
    if (type == options.goodFolder) {
        for (const QString &image : images)
            samples.push_back(TestSample{image, false, type, QString()});
        return samples;
    }
    if (images.isEmpty())
        return samples;

    const QString maskFolder = requireFolder(category, QStringLiteral("ground_truth/") + type, datasetName);
    const QHash<QString, QStringList> maskIndex = indexImagesByStem(maskFolder);
    for (const QString &image : images)
        samples.push_back(TestSample{image, true, type,
                                     requireMask(maskIndex, maskFolder, image, options.maskSuffix, datasetName)});
    return samples;
}

} // namespace

QStringList listMvtecCategories(const QString &root, const MvtecLayoutOptions &options)
{
    const QDir rootDir(root);
    if (!QFileInfo(root).isDir())
        throw Error(QStringLiteral("Dataset folder %1 not found. Choose the folder that contains the "
                                   "category folders.")
                        .arg(root));

    QStringList categories;
    const QString trainGood = QStringLiteral("train/") + options.goodFolder;
    for (const QString &name : rootDir.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::NoSort)) {
        const QDir category(rootDir.filePath(name));
        if (QFileInfo(category.filePath(trainGood)).isDir() &&
            QFileInfo(category.filePath(QStringLiteral("test"))).isDir())
            categories.append(name);
    }
    sortPaths(categories);
    return categories;
}

DatasetCategory readMvtecCategory(const QString &categoryPath, const MvtecLayoutOptions &options)
{
    if (!QFileInfo(categoryPath).isDir())
        throw Error(QStringLiteral("MVTec category folder %1 not found. %2")
                        .arg(categoryPath, QLatin1String(kLayoutHint)));

    DatasetCategory result;
    result.rootPath = QDir::cleanPath(categoryPath);
    result.name = QFileInfo(result.rootPath).fileName();
    const QDir category(result.rootPath);
    const QString datasetName = QStringLiteral("MVTec category '%1'").arg(result.name);

    result.trainImages = readTrainImages(category, options, datasetName);
    QStringList types = QDir(requireFolder(category, QStringLiteral("test"), datasetName))
                            .entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::NoSort);
    sortPaths(types);
    for (const QString &type : types) {
        std::vector<TestSample> samples = readTestType(category, type, options, datasetName);
        result.testSamples.insert(result.testSamples.end(), samples.begin(), samples.end());
    }
    if (result.testSamples.empty())
        throw Error(QStringLiteral("%1: folder test in %2 contains no images. Put test images in "
                                   "test/<type> folders.")
                        .arg(datasetName, result.rootPath));
    sortTestSamples(result.testSamples);

    qCInfo(lcDataset).noquote() << QStringLiteral("%1 read from %2: %3 train images, %4 good and %5 defective "
                                                  "test images")
                                       .arg(datasetName, result.rootPath)
                                       .arg(result.trainImages.size())
                                       .arg(result.normalCount())
                                       .arg(result.anomalousCount());
    return result;
}

} // namespace patchead
