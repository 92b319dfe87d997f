#pragma once

#include "common/FeatureMap.h"

#include <opencv2/core.hpp>

namespace patchead {

// Turns a patch-score grid into a pixel map (docs/scoring-contract.md):
// bilinear to the encoder input size, Gaussian smoothing with sigma in input
// pixels (0 = none; 4 in AnomalyDINO and PatchCore), then bilinear to the
// output size. Returns CV_32F in patch-score units.
cv::Mat renderAnomalyMap(const PatchGrid &patchScores, const cv::Size &inputSize, double sigma,
                         const cv::Size &outputSize);

// Colours a map for display: value / (2 * rejectThreshold) clamped to [0, 1]
// through the turbo colour map, so 0.5 (green-yellow) is "at threshold" and
// colours mean the same on every part of a lot. Returns CV_8UC3 in RGB order.
cv::Mat colouriseAnomalyMap(const cv::Mat &map, double rejectThreshold);

// Blends a colourised map over an 8-bit RGB image; opacity in [0, 1].
cv::Mat overlayHeatmap(const cv::Mat &rgb, const cv::Mat &colouredMap, double opacity);

} // namespace patchead
