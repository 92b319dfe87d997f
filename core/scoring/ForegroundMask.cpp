#include "scoring/ForegroundMask.h"

#include "common/Error.h"
#include "imaging/ImageLoader.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>

namespace patchead {

QString maskSourceName(MaskSource source)
{
    switch (source) {
    case MaskSource::None: return QStringLiteral("none");
    case MaskSource::Pca: return QStringLiteral("pca");
    case MaskSource::Attention: return QStringLiteral("attention");
    case MaskSource::Region: return QStringLiteral("region");
    }
    return QStringLiteral("none");
}

MaskSource maskSourceFromName(const QString &name)
{
    for (MaskSource source : {MaskSource::None, MaskSource::Pca, MaskSource::Attention, MaskSource::Region}) {
        if (maskSourceName(source) == name)
            return source;
    }
    throw SettingsError(QStringLiteral("Unknown mask source \"%1\"; use none, pca, attention or region.").arg(name));
}

namespace {

PatchGrid fromMat(const cv::Mat &binary)
{
    PatchGrid grid(binary.rows, binary.cols);
    for (int y = 0; y < binary.rows; ++y) {
        for (int x = 0; x < binary.cols; ++x)
            grid.at(y, x) = binary.at<uchar>(y, x) ? 1.0f : 0.0f;
    }
    return grid;
}

// Mean foreground of the central half of the grid (both axes).
double centreForeground(const cv::Mat &binary)
{
    const cv::Rect centre(binary.cols / 4, binary.rows / 4, std::max(1, binary.cols / 2), std::max(1, binary.rows / 2));
    return cv::mean(binary(centre))[0];
}

} // namespace

PatchGrid pcaForeground(const FeatureMap &patches, double threshold)
{
    const cv::Mat data(patches.patchCount(), patches.channels, CV_32F, const_cast<float *>(patches.data.data()));
    const cv::PCA pca(data, cv::noArray(), cv::PCA::DATA_AS_ROW, 1);
    cv::Mat projection = pca.project(data).reshape(1, patches.height);
    cv::Scalar mean;
    cv::Scalar deviation;
    cv::meanStdDev(projection, mean, deviation);
    const double cut = mean[0] + threshold * std::max(deviation[0], 1e-12);

    cv::Mat binary = projection > cut;
    // The component's sign is arbitrary: parts sit in the middle of the frame,
    // so the side that covers most of the centre is the foreground.
    if (centreForeground(binary) < 127.5)
        binary = projection <= cut;
    const cv::Mat kernel = cv::getStructuringElement(cv::MORPH_RECT, cv::Size(3, 3));
    cv::dilate(binary, binary, kernel);
    cv::morphologyEx(binary, binary, cv::MORPH_CLOSE, kernel);
    return fromMat(binary);
}

PatchGrid attentionForeground(const PatchGrid &attention, double threshold)
{
    if (attention.isEmpty())
        throw SettingsError(QStringLiteral("This encoder provides no attention map; use the pca or region mask instead."));
    const auto [low, high] = std::minmax_element(attention.values.begin(), attention.values.end());
    const float range = std::max(*high - *low, 1e-12f);
    PatchGrid foreground(attention.height, attention.width);
    for (std::size_t i = 0; i < attention.values.size(); ++i)
        foreground.values[i] = (attention.values[i] - *low) / range > threshold ? 1.0f : 0.0f;
    return foreground;
}

PatchGrid regionForeground(const MaskSettings &settings, int gridHeight, int gridWidth)
{
    // Drawn at 8 pixels per patch, then averaged down, so a patch counts as
    // foreground when more than half of its area is.
    const int scale = 8;
    const cv::Size canvasSize(gridWidth * scale, gridHeight * scale);
    auto toPixels = [&](const QRectF &r) {
        return cv::Rect(cv::Point(qRound(r.left() * canvasSize.width), qRound(r.top() * canvasSize.height)),
                        cv::Point(qRound(r.right() * canvasSize.width), qRound(r.bottom() * canvasSize.height)));
    };
    cv::Mat canvas(canvasSize, CV_8U, cv::Scalar(255));
    if (!settings.regionOfInterest.isEmpty()) {
        canvas.setTo(0);
        cv::rectangle(canvas, toPixels(settings.regionOfInterest), cv::Scalar(255), cv::FILLED);
    }
    for (const QRectF &ignore : settings.ignoreRegions)
        cv::rectangle(canvas, toPixels(ignore), cv::Scalar(0), cv::FILLED);
    if (!settings.maskImagePath.isEmpty()) {
        const LoadedImage mask = loadImage(settings.maskImagePath);
        cv::Mat grey;
        cv::cvtColor(mask.rgb, grey, cv::COLOR_RGB2GRAY);
        cv::resize(grey, grey, canvasSize, 0, 0, cv::INTER_AREA);
        cv::min(canvas, grey, canvas);
    }
    cv::Mat grid;
    cv::resize(canvas, grid, cv::Size(gridWidth, gridHeight), 0, 0, cv::INTER_AREA);
    return fromMat(grid > 127);
}

PatchGrid maskWeights(const PatchGrid &foreground, double backgroundWeight)
{
    PatchGrid weights(foreground.height, foreground.width);
    for (std::size_t i = 0; i < foreground.values.size(); ++i)
        weights.values[i] = foreground.values[i] > 0.5f ? 1.0f : static_cast<float>(backgroundWeight);
    return weights;
}

} // namespace patchead
