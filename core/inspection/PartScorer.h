#pragma once

#include "inspection/FeatureExtractor.h"
#include "inspection/ReferenceSet.h"

namespace patchead {

// The few-shot score of one image against a reference set.
struct PartScore {
    PatchGrid patchScores;   // raw patch scores on the patch grid
    double imageScore = 0.0;
    cv::Size inputSize;      // encoder input size, for rendering the map
};

// Scores an 8-bit RGB image: features, nearest-patch scores against the
// memory bank, image score (docs/scoring-contract.md).
PartScore scorePartImage(FeatureExtractor &extractor, const ReferenceSet &references,
                         const cv::Mat &rgb, const InspectionSettings &settings);

} // namespace patchead
