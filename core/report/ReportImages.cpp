#include "report/ReportImages.h"

#include "common/Error.h"
#include "common/FeatureMap.h"
#include "common/Logging.h"
#include "imaging/ImageLoader.h"
#include "scoring/AnomalyMap.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>

namespace patchead {

namespace {

cv::Size scaledToMaxSide(const cv::Size &size, int maxSide)
{
    const int longSide = std::max(size.width, size.height);
    if (maxSide <= 0 || longSide <= maxSide)
        return size;
    const double scale = static_cast<double>(maxSide) / longSide;
    return cv::Size(std::max(1, static_cast<int>(size.width * scale + 0.5)),
                    std::max(1, static_cast<int>(size.height * scale + 0.5)));
}

cv::Mat reduced(const cv::Mat &rgb, int maxSide)
{
    const cv::Size target = scaledToMaxSide(rgb.size(), maxSide);
    if (target == rgb.size())
        return rgb;
    cv::Mat small;
    cv::resize(rgb, small, target, 0, 0, cv::INTER_AREA);
    return small;
}

QImage toQImage(const cv::Mat &rgb)
{
    const cv::Mat contiguous = rgb.isContinuous() ? rgb : rgb.clone();
    const QImage view(contiguous.data, contiguous.cols, contiguous.rows, static_cast<qsizetype>(contiguous.step),
                      QImage::Format_RGB888);
    return view.convertToFormat(QImage::Format_RGB32); // deep copy
}

// Stored image size of the part, or a size from the map grid when the
// record has none (a part that failed before decoding).
cv::Size storedImageSize(const PartRecord &part)
{
    if (part.imageWidth > 0 && part.imageHeight > 0)
        return cv::Size(part.imageWidth, part.imageHeight);
    return cv::Size(std::max(1, part.mapWidth) * 16, std::max(1, part.mapHeight) * 16);
}

bool hasMap(const PartRecord &part)
{
    return part.mapWidth > 0 && part.mapHeight > 0
        && part.anomalyMap.size() == static_cast<std::size_t>(part.mapWidth) * part.mapHeight;
}

ReportPicture overlayPicture(const PartRecord &part, const cv::Mat &rgb, const HeatmapRendering &rendering)
{
    ReportPicture picture;
    if (!hasMap(part)) {
        picture.note = part.verdict == Verdict::Error ? QStringLiteral("Not scored.")
                                                      : QStringLiteral("No anomaly map stored.");
        return picture;
    }
    PatchGrid grid(part.mapHeight, part.mapWidth);
    grid.values = part.anomalyMap;
    try {
        const cv::Mat map = rendering.geometry.renderMap(grid, storedImageSize(part), rgb.size());
        const cv::Mat coloured = colouriseAnomalyMap(map, rendering.rejectThreshold);
        picture.image = toQImage(overlayHeatmap(rgb, coloured, rendering.opacity));
    } catch (const cv::Exception &error) {
        qCWarning(lcReport) << "Cannot render the anomaly map of" << part.path << ":" << error.what();
        picture.note = QStringLiteral("The stored anomaly map cannot be rendered: %1")
                           .arg(QString::fromStdString(error.msg));
    }
    return picture;
}

} // namespace

ReportPicture loadReportPicture(const QString &path, int maxSide)
{
    ReportPicture picture;
    try {
        picture.image = toQImage(reduced(loadImage(path).rgb, maxSide));
    } catch (const ImageError &error) {
        picture.note = error.reason();
    }
    return picture;
}

PartPictures renderPartPictures(const PartRecord &part, const HeatmapRendering &rendering, int maxSide)
{
    PartPictures pictures;
    cv::Mat rgb;
    try {
        rgb = reduced(loadImage(part.path).rgb, maxSide);
        pictures.image.image = toQImage(rgb);
    } catch (const ImageError &error) {
        pictures.image.note = error.reason();
        // The heatmap alone still shows where the defect was.
        rgb = cv::Mat(scaledToMaxSide(storedImageSize(part), maxSide), CV_8UC3, cv::Scalar(128, 128, 128));
    }
    pictures.overlay = overlayPicture(part, rgb, rendering);
    if (!pictures.image.note.isEmpty() && !pictures.overlay.image.isNull())
        pictures.overlay.note = QStringLiteral("Heatmap only (image missing)");
    return pictures;
}

QImage heatmapColourScale(int width, double rejectThreshold)
{
    cv::Mat ramp(1, std::max(2, width), CV_32F);
    const double top = 2.0 * rejectThreshold;
    for (int x = 0; x < ramp.cols; ++x)
        ramp.at<float>(0, x) = static_cast<float>(top * x / (ramp.cols - 1));
    return toQImage(colouriseAnomalyMap(ramp, rejectThreshold));
}

} // namespace patchead
