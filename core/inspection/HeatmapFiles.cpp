#include "inspection/HeatmapFiles.h"

#include "common/Error.h"
#include "scoring/AnomalyMap.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStorageInfo>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace patchead {

namespace {

// ext4 and most other Linux file systems allow 255 bytes per file name. A
// longer stem is cut and followed by "~" and 8 hex digits of the SHA-256 of
// the whole stem, which keeps cut names distinct.
QString fitFileName(const QString &stem, const QString &suffix)
{
    constexpr int maxNameBytes = 255;
    if ((stem + suffix).toUtf8().size() <= maxNameBytes)
        return stem + suffix;
    const QString digest = QString::fromLatin1(
        QCryptographicHash::hash(stem.toUtf8(), QCryptographicHash::Sha256).toHex().left(8));
    QString shortened = stem;
    while ((shortened + QLatin1Char('~') + digest + suffix).toUtf8().size() > maxNameBytes)
        shortened.chop(1);
    return shortened + QLatin1Char('~') + digest + suffix;
}

} // namespace

HeatmapNames::HeatmapNames(const QStringList &partPaths)
{
    QHash<QString, int> baseNameCounts;
    for (const QString &path : partPaths)
        ++baseNameCounts[QFileInfo(path).completeBaseName()];
    QHash<QString, int> stemCounts;
    QHash<QString, QString> stems;
    for (const QString &path : partPaths) {
        const QFileInfo info(path);
        const QString base = info.completeBaseName();
        const QString stem = baseNameCounts.value(base) > 1 ? info.fileName() : base;
        stems.insert(path, stem);
        ++stemCounts[stem];
    }
    const QString suffix = QStringLiteral("_heatmap.png");
    for (auto it = stems.cbegin(); it != stems.cend(); ++it) {
        QString stem = it.value();
        if (stemCounts.value(stem) > 1) {
            const QByteArray digest = QCryptographicHash::hash(it.key().toUtf8(), QCryptographicHash::Sha256).toHex();
            stem += QLatin1Char('~') + QString::fromLatin1(digest.left(8));
        }
        mNames.insert(it.key(), fitFileName(stem, suffix));
    }
}

QString HeatmapNames::fileNameFor(const QString &partPath) const
{
    const auto found = mNames.constFind(partPath);
    if (found != mNames.cend())
        return found.value();
    // A path outside the list given to the constructor.
    return fitFileName(QFileInfo(partPath).completeBaseName(), QStringLiteral("_heatmap.png"));
}

void writeHeatmap(const QString &folder, const QString &fileName, const QString &partPath, const cv::Mat &rgb,
                  const PartScore &score, const Thresholds &thresholds, double sigma, double opacity)
{
    const cv::Mat map = renderAnomalyMap(score.patchScores, score.inputSize, sigma, rgb.size());
    const cv::Mat overlay = overlayHeatmap(rgb, colouriseAnomalyMap(map, thresholds.reject), opacity);
    cv::Mat bgr;
    cv::cvtColor(overlay, bgr, cv::COLOR_RGB2BGR);
    const QString target = QDir(folder).filePath(fileName);
    std::vector<uchar> bytes;
    if (!cv::imencode(".png", bgr, bytes))
        throw Error(QStringLiteral("Cannot encode the heatmap of %1").arg(partPath));
    QFile file(target);
    const auto size = static_cast<qint64>(bytes.size());
    if (file.open(QIODevice::WriteOnly) && file.write(reinterpret_cast<const char *>(bytes.data()), size) == size
        && file.flush())
        return;
    // QFile of Qt 6.4 (Debian 12) reported a full disk as "Unknown error" in
    // a trial, so the free space is checked here. A half-written overlay is removed rather than left to
    // look like a result.
    QString reason = file.errorString();
    const QStorageInfo storage(folder);
    if (storage.isValid() && storage.bytesAvailable() < size)
        reason = QStringLiteral("the disk is full (%1 bytes free, %2 needed)").arg(storage.bytesAvailable()).arg(size);
    file.close();
    file.remove();
    throw Error(QStringLiteral("Cannot write heatmap %1: %2. Free disk space or fix the folder's permissions, "
                               "or run without heatmaps.").arg(target, reason));
}

} // namespace patchead
