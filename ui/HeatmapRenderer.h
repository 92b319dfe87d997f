#pragma once

#include "common/FeatureMap.h"

#include <QFutureWatcher>
#include <QObject>
#include <QString>
#include <optional>
#include <opencv2/core.hpp>

namespace patchead::ui {

// The inputs of one heatmap: the part image and its stored patch-score
// grid, with the lot's encoder input size and smoothing.
struct HeatmapInput {
    qint64 partId = 0;
    QString imagePath;
    PatchGrid patchScores;
    cv::Size inputSize;
    double sigma = 0.0;
    cv::Size fallbackSize;  // image size stored with the part, used when the file is gone
    int maxSide = 2048;     // larger images are reduced first: the screen shows no more
};

// An image and its anomaly map in patch-score units, at the same size.
struct HeatmapFrame {
    qint64 partId = 0;
    cv::Mat rgb;        // CV_8UC3, R, G, B; a grey field when the image is unreadable
    cv::Mat map;        // CV_32F, empty when the part has no stored map
    QString message;    // why the image or the map is missing, for the user
};

// Loads the part image and renders the anomaly map at the image's size
// (renderAnomalyMap). Image and map errors are not thrown: a missing or
// unreadable image gives a grey field and a message, so the heatmap can
// still be read.
HeatmapFrame renderHeatmapFrame(const HeatmapInput &input);

// Renders frames on the global thread pool. Only the latest request is
// delivered: results of superseded requests are dropped.
class HeatmapRenderer : public QObject {
    Q_OBJECT

public:
    explicit HeatmapRenderer(QObject *parent = nullptr);
    ~HeatmapRenderer() override;

    void request(const HeatmapInput &input);
    bool isBusy() const { return mBusy; }

signals:
    void rendered(const patchead::ui::HeatmapFrame &frame);

private:
    void startPending();
    void onFinished();

    QFutureWatcher<HeatmapFrame> mWatcher;
    std::optional<HeatmapInput> mPending;
    bool mBusy = false;
};

} // namespace patchead::ui

Q_DECLARE_METATYPE(patchead::ui::HeatmapFrame)
