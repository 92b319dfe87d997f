#pragma once

#include "inspection/FeatureExtractor.h"
#include "inspection/ReferenceSet.h"

namespace patchead {

// The score of one image.
struct PartScore {
    PatchGrid patchScores;   // patch scores after mask weighting, on the patch grid
    PatchGrid foreground;    // 1 = foreground; empty when no mask is used
    double imageScore = 0.0;
    cv::Size inputSize;      // encoder input size, for rendering the map
};

// The foreground of an image under test on its patch grid (empty for
// MaskSource::None). The PCA and attention masks are intersected with the
// user's region of interest, ignore regions and mask image when any is set.
// Throws SettingsError for the attention mask without an attention grid and
// ImageError for an unreadable mask image. Masks apply to images under
// test, never to references, because masked references cause false alarms
// at object borders.
PatchGrid foregroundFor(const ImageFeatures &features, const MaskSettings &mask);

// Multiplies patch scores by the mask weights (no-op for an empty foreground).
void applyForeground(PatchGrid &patchScores, const PatchGrid &foreground, const MaskSettings &mask);

// Scores an 8-bit RGB image few-shot: features, nearest-patch scores against
// the memory bank, mask weighting, image score (docs/scoring-contract.md).
PartScore scorePartImage(FeatureExtractor &extractor, const ReferenceSet &references,
                         const cv::Mat &rgb, const InspectionSettings &settings);

} // namespace patchead
