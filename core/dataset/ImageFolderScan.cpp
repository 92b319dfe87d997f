#include "dataset/ImageFolderScan.h"

#include "common/Error.h"
#include "imaging/ImageLoader.h"

#include <QDir>
#include <QFileInfo>

#include <algorithm>

namespace patchead {

QStringList listImageFiles(const QString &folder)
{
    const QDir dir(folder);
    // QDir name filters ignore case unless QDir::CaseSensitive is set.
    const QStringList names =
        dir.entryList(supportedImagePatterns(), QDir::Files, QDir::NoSort);
    QStringList paths;
    paths.reserve(names.size());
    // Joined by hand: QDir::filePath returns a name that starts with ':'
    // unchanged, as a Qt resource path, so ":part.png" would lose its folder.
    const QString prefix = dir.path().endsWith(QLatin1Char('/')) ? dir.path() : dir.path() + QLatin1Char('/');
    for (const QString &name : names)
        paths.append(prefix + name);
    sortPaths(paths);
    return paths;
}

QHash<QString, QStringList> indexImagesByStem(const QString &folder)
{
    QHash<QString, QStringList> index;
    for (const QString &path : listImageFiles(folder))
        index[fileStem(path)].append(path);
    return index;
}

QString requireMask(const QHash<QString, QStringList> &maskIndex, const QString &maskFolder,
                    const QString &imagePath, const QString &maskSuffix, const QString &datasetName)
{
    const QString maskStem = fileStem(imagePath) + maskSuffix;
    const QStringList matches = maskIndex.value(maskStem);
    if (matches.size() == 1)
        return matches.first();
    if (matches.isEmpty())
        throw Error(QStringLiteral("%1: defective image %2 has no mask. Expected %3/%4.png (or another "
                                   "image format). Add the mask or remove the image.")
                        .arg(datasetName, imagePath, maskFolder, maskStem));
    throw Error(QStringLiteral("%1: defective image %2 has %3 masks (%4). Keep exactly one.")
                    .arg(datasetName, imagePath)
                    .arg(matches.size())
                    .arg(matches.join(QStringLiteral(", "))));
}

QString fileStem(const QString &path)
{
    return QFileInfo(path).completeBaseName();
}

QString supportedPatternsText()
{
    return supportedImagePatterns().join(QStringLiteral(", "));
}

void sortPaths(QStringList &paths)
{
    std::sort(paths.begin(), paths.end(), [](const QString &a, const QString &b) { return a < b; });
}

} // namespace patchead
