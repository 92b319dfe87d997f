#pragma once

#include "dataset/DatasetCategory.h"
#include "inspection/Alignment.h"
#include "inspection/FeatureExtractor.h"
#include "metrics/PixelMetrics.h"

#include <QJsonObject>
#include <atomic>
#include <functional>

namespace patchead {

// One evaluation run: a labelled category, K references drawn with a seed,
// and the settings every score is computed with.
struct EvaluationRequest {
    DatasetCategory category;
    int shots = 8;
    quint32 seed = 0;
    InspectionSettings settings;
    int pixelResolution = 256; // maps and masks are resized to this square size for pixel metrics
    // When set, pictures of the overlayCount worst good and defective test
    // images are written here (evaluation/EvaluationOverlays.h).
    QString overlayFolder;
    int overlayCount = 5;
};

struct EvaluatedImage {
    QString path;
    QString defectType;
    bool anomalous = false;
    double score = 0.0;
};

// A picture written for a badly scored test image.
struct EvaluationOverlay {
    QString kind;   // false_positive, highest_good, false_negative or lowest_defect (at the F1-max threshold)
    QString path;   // the test image
    double score = 0.0;
    QString file;   // the picture written
};

struct EvaluationResult {
    QString category;
    int shots = 0;
    quint32 seed = 0;
    QStringList references;
    AlignmentDecision alignment;
    double imageAuroc = 0.0;
    double imageAp = 0.0;
    double imageF1Max = 0.0;
    PixelMetrics pixel;
    double secondsPerImage = 0.0; // scoring of test images, encoder included
    std::vector<EvaluatedImage> images;
    double f1Threshold = 0.0;     // image score threshold of the F1 maximum
    std::vector<EvaluationOverlay> overlays;

    QJsonObject toJson(bool withImages) const;
};

// (done, total) after each test image.
using EvaluationProgress = std::function<void(int, int)>;

// Scores every test image of the category against K references and computes
// image and pixel metrics. Unreadable images throw (a data set must be
// complete). Throws SettingsError when cancelled.
EvaluationResult evaluateCategory(FeatureExtractor &extractor, const EvaluationRequest &request,
                                  const EvaluationProgress &progress = {},
                                  const std::atomic<bool> *cancel = nullptr);

} // namespace patchead
