#pragma once

#include "features/PatchFeatures.h"
#include "inspection/Tiling.h"
#include "scoring/ForegroundMask.h"
#include "scoring/ImageScore.h"
#include "scoring/MutualScoring.h"
#include "scoring/NearestPatch.h"
#include "scoring/Threshold.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QVector>

#include <optional>

namespace patchead {

// Transformed reference copies that the alignment module may add.
enum class AlignmentMode {
    Off,    // references as they are
    Auto,   // decide from the good samples (PatchEAD+ alignment module)
    Always, // always add the copies (AnomalyDINO's fixed augmentation)
};

struct AlignmentSettings {
    AlignmentMode mode = AlignmentMode::Auto;
    // 45-degree copies cost twice the search of 90-degree ones; with them the
    // default layers reached the best MVTec screw scores measured
    // (docs/benchmarks.md). Mirrors are off by default because the mirror
    // image of a chiral part (a thread, a printed label) is itself a defect.
    int rotationStepDegrees = 45;    // 45 or 90
    bool allowFlips = false;
    // Tolerances of the auto decision: rotations are allowed when
    // mu_rot * (1 + tolerance) >= mu (PatchEAD release values).
    double rotationTolerance = 0.017;
    double flipTolerance = 0.003;
};

// Batch zero-shot: parts are scored against the other parts of their lot
// (and against references when there are any).
struct ZeroShotSettings {
    bool enabled = false;
    MutualScoringSettings scoring;
    // Neighbourhood sizes whose scores are averaged (MuSc uses 1, 3 and 5).
    // Memory: parts x patches x channels x 4 bytes per entry.
    QVector<int> neighbourhoods{3};
    // Thresholds from the lot's own score distribution when none are fixed:
    // review at median + reviewSpread robust standard deviations
    // (1.4826 x median absolute deviation), reject at median + rejectSpread.
    double reviewSpread = 3.0;
    double rejectSpread = 5.0;
};

// Every setting that changes a score. Stored with each lot as JSON so a lot
// can be resumed only with the settings it started with.
struct InspectionSettings {
    QStringList layers;       // empty: the manifest's default layers
    int resolution = 0;       // long side of the encoder input in pixels; 0: the manifest's size
    PatchFeatureSettings features;
    ImageScoreSettings imageScore;
    AlignmentSettings alignment;
    double mapSigma = 4.0;    // Gaussian sigma of the anomaly map, in encoder input pixels
    ThresholdSettings threshold;
    double fixedRejectThreshold = 0.0; // > 0 replaces the threshold from good samples
    double fixedReviewThreshold = 0.0; // > 0 with a fixed reject threshold sets a review band
    NearestPatchOptions search;
    MaskSettings mask;
    ZeroShotSettings zeroShot;
    // Resize to the input size with the image's aspect ratio (long side =
    // resolution) instead of squashing it to a square.
    bool keepAspect = false;
    // Overlapping square tiles instead of one resize of the whole image
    // (inspection/Tiling.h); references are tiled the same way.
    TilingSettings tiling;

    QJsonObject toJson() const;
    // Reads settings written by toJson; absent keys keep their defaults.
    // Throws SettingsError for values out of range.
    static InspectionSettings fromJson(const QJsonObject &json);
    // Throws SettingsError naming the first setting out of range.
    void validate() const;
};

// The thresholds the user fixed in the settings, when a reject threshold is
// set; otherwise they come from good samples or from the lot.
std::optional<Thresholds> userThresholds(const InspectionSettings &settings);

QString alignmentModeName(AlignmentMode mode);
AlignmentMode alignmentModeFromName(const QString &name);

} // namespace patchead
