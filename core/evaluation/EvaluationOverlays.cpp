#include "evaluation/EvaluationOverlays.h"

#include "common/Error.h"
#include "common/Logging.h"
#include "imaging/ImageLoader.h"
#include "scoring/AnomalyMap.h"

#include <QDir>
#include <QFileInfo>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <numeric>

namespace patchead {

namespace {

// Long side of each half of an overlay picture, in pixels.
constexpr int kOverlaySide = 512;

cv::Mat scaledTo(const cv::Mat &image, const cv::Size &size, int interpolation)
{
    cv::Mat scaled;
    cv::resize(image, scaled, size, 0, 0, interpolation);
    return scaled;
}

// The image beside its heatmap, with the ground truth outlined in white and
// the score written in the corner. Returns BGR for imwrite.
cv::Mat overlayPicture(const TestSample &sample, const PartScore &part, const InspectionSettings &settings,
                       double threshold)
{
    const cv::Mat rgb = loadImage(sample.imagePath).rgb;
    const double scale = static_cast<double>(kOverlaySide) / std::max(rgb.cols, rgb.rows);
    const cv::Size size(std::max(1, static_cast<int>(rgb.cols * scale)), std::max(1, static_cast<int>(rgb.rows * scale)));
    const cv::Mat image = scaledTo(rgb, size, cv::INTER_AREA);
    const cv::Mat map = renderAnomalyMap(part.patchScores, part.inputSize, settings.mapSigma, size);
    cv::Mat heat = overlayHeatmap(image, colouriseAnomalyMap(map, threshold), 0.5);
    if (!sample.maskPath.isEmpty()) {
        cv::Mat grey;
        cv::cvtColor(loadImage(sample.maskPath).rgb, grey, cv::COLOR_RGB2GRAY);
        std::vector<std::vector<cv::Point>> outline;
        cv::findContours(scaledTo(grey, size, cv::INTER_NEAREST) > 127, outline, cv::RETR_EXTERNAL,
                         cv::CHAIN_APPROX_SIMPLE);
        cv::drawContours(heat, outline, -1, cv::Scalar(255, 255, 255), 2);
    }
    cv::Mat pair;
    cv::hconcat(image, heat, pair);
    const std::string label = QStringLiteral("score %1 / threshold %2").arg(part.imageScore, 0, 'f', 4)
                                  .arg(threshold, 0, 'f', 4).toStdString();
    cv::putText(pair, label, cv::Point(8, 24), cv::FONT_HERSHEY_SIMPLEX, 0.6, cv::Scalar(0, 0, 0), 3, cv::LINE_AA);
    cv::putText(pair, label, cv::Point(8, 24), cv::FONT_HERSHEY_SIMPLEX, 0.6, cv::Scalar(255, 255, 255), 1, cv::LINE_AA);
    cv::Mat bgr;
    cv::cvtColor(pair, bgr, cv::COLOR_RGB2BGR);
    return bgr;
}

// Indices of the test samples with the given label, worst first: good images
// by falling score, defective ones by rising score.
std::vector<std::size_t> worstOf(const std::vector<EvaluatedImage> &images, bool anomalous, int count)
{
    std::vector<std::size_t> indices;
    for (std::size_t i = 0; i < images.size(); ++i) {
        if (images[i].anomalous == anomalous)
            indices.push_back(i);
    }
    std::stable_sort(indices.begin(), indices.end(), [&](std::size_t a, std::size_t b) {
        return anomalous ? images[a].score < images[b].score : images[a].score > images[b].score;
    });
    indices.resize(std::min<std::size_t>(indices.size(), static_cast<std::size_t>(std::max(0, count))));
    return indices;
}

QString overlayKind(const EvaluatedImage &image, double threshold)
{
    if (image.anomalous)
        return image.score < threshold ? QStringLiteral("false_negative") : QStringLiteral("lowest_defect");
    return image.score >= threshold ? QStringLiteral("false_positive") : QStringLiteral("highest_good");
}

} // namespace

void writeWorstOverlays(const EvaluationRequest &request, const std::vector<PartScore> &parts, double threshold,
                        EvaluationResult &result)
{
    QDir folder(request.overlayFolder);
    if (!folder.mkpath(QStringLiteral(".")))
        throw Error(QStringLiteral("Cannot create the overlay folder %1; check the path and permissions.")
                        .arg(request.overlayFolder));
    const double colourThreshold = threshold > 0.0 ? threshold : 1.0;
    for (bool anomalous : {false, true}) {
        const std::vector<std::size_t> worst = worstOf(result.images, anomalous, request.overlayCount);
        for (std::size_t rank = 0; rank < worst.size(); ++rank) {
            const std::size_t i = worst[rank];
            const EvaluatedImage &image = result.images[i];
            const QString kind = overlayKind(image, threshold);
            const QString name = QStringLiteral("%1_seed%2_%3_%4_%5.png")
                                     .arg(result.category).arg(result.seed)
                                     .arg(anomalous ? QStringLiteral("defect") : QStringLiteral("good"))
                                     .arg(rank + 1)
                                     .arg(QFileInfo(image.path).completeBaseName());
            const QString target = folder.filePath(name);
            const cv::Mat picture = overlayPicture(request.category.testSamples[i], parts[i], request.settings,
                                                   colourThreshold);
            if (!cv::imwrite(QFile::encodeName(target).toStdString(), picture))
                throw Error(QStringLiteral("Cannot write %1; check free space and permissions.").arg(target));
            result.overlays.push_back({kind, image.path, image.score, target});
        }
    }
    qCInfo(lcMetrics) << "Wrote" << result.overlays.size() << "overlays of" << result.category << "to"
                      << request.overlayFolder;
}

} // namespace patchead
