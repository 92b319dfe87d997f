#include "HeatmapRenderer.h"

#include "UiLogging.h"
#include "common/Error.h"
#include "imaging/ImageLoader.h"
#include "scoring/AnomalyMap.h"

#include <QCoreApplication>
#include <QtConcurrent>
#include <opencv2/imgproc.hpp>

namespace patchead::ui {

namespace {

cv::Mat reducedToMaxSide(const cv::Mat &rgb, int maxSide)
{
    const int longSide = std::max(rgb.cols, rgb.rows);
    if (maxSide <= 0 || longSide <= maxSide)
        return rgb;
    const double scale = static_cast<double>(maxSide) / longSide;
    cv::Mat reduced;
    cv::resize(rgb, reduced, cv::Size(), scale, scale, cv::INTER_AREA);
    return reduced;
}

cv::Mat greyField(const cv::Size &stored, const PatchGrid &grid)
{
    cv::Size size = stored;
    if (size.width <= 0 || size.height <= 0)
        size = cv::Size(std::max(1, grid.width) * 16, std::max(1, grid.height) * 16);
    return cv::Mat(size, CV_8UC3, cv::Scalar(96, 96, 96));
}

} // namespace

HeatmapFrame renderHeatmapFrame(const HeatmapInput &input)
{
    HeatmapFrame frame;
    frame.partId = input.partId;
    try {
        frame.rgb = reducedToMaxSide(loadImage(input.imagePath).rgb, input.maxSide);
    } catch (const Error &error) {
        frame.message = error.message();
        frame.rgb = reducedToMaxSide(greyField(input.fallbackSize, input.patchScores), input.maxSide);
    }

    const PatchGrid &grid = input.patchScores;
    if (grid.isEmpty() || grid.size() != static_cast<int>(grid.values.size())) {
        if (frame.message.isEmpty())
            frame.message = QCoreApplication::translate("HeatmapRenderer", "This part has no stored anomaly map.");
        return frame;
    }
    try {
        frame.map = renderAnomalyMap(grid, input.inputSize, input.sigma, frame.rgb.size());
    } catch (const cv::Exception &error) {
        qCWarning(lcUi) << "Cannot render the anomaly map of" << input.imagePath << ":" << error.what();
        frame.message = QCoreApplication::translate("HeatmapRenderer", "Rendering the stored anomaly map failed: %1")
                            .arg(QString::fromStdString(error.msg));
    }
    return frame;
}

HeatmapRenderer::HeatmapRenderer(QObject *parent) : QObject(parent)
{
    qRegisterMetaType<HeatmapFrame>();
    connect(&mWatcher, &QFutureWatcher<HeatmapFrame>::finished, this, &HeatmapRenderer::onFinished);
}

HeatmapRenderer::~HeatmapRenderer()
{
    mWatcher.waitForFinished();
}

void HeatmapRenderer::request(const HeatmapInput &input)
{
    mPending = input;
    if (!mBusy)
        startPending();
}

void HeatmapRenderer::startPending()
{
    if (!mPending)
        return;
    const HeatmapInput input = std::move(*mPending);
    mPending.reset();
    mBusy = true;
    mWatcher.setFuture(QtConcurrent::run(renderHeatmapFrame, input));
}

void HeatmapRenderer::onFinished()
{
    mBusy = false;
    if (mPending) {
        // A newer request arrived while this one ran, so its result is stale.
        startPending();
        return;
    }
    emit rendered(mWatcher.result());
}

} // namespace patchead::ui
