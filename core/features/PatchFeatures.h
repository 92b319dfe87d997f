#pragma once

#include "common/FeatureMap.h"

#include <vector>

namespace patchead {

// How encoder layers become one grid of patch embeddings
// (docs/scoring-contract.md, steps 5 to 7).
struct PatchFeatureSettings {
    // Side of the square neighbourhood each patch is averaged over before
    // resampling; 1 turns it off. PatchCore uses 3.
    int neighbourhood = 3;
};

// Averages every patch with its k x k neighbours (stride 1), counting only
// neighbours inside the grid, as avg_pool2d with count_include_pad=False.
FeatureMap averageNeighbourhood(const FeatureMap &map, int k);

// Resamples a grid to height x width by bilinear interpolation with
// half-pixel centres (align_corners=False, no antialiasing).
FeatureMap resampleBilinear(const FeatureMap &map, int height, int width);

// Scales every patch vector to unit length (norms below 1e-12 are clamped).
void normalisePatches(FeatureMap &map);

// Combines encoder layers into unit-length patch embeddings on the grid of
// the first layer.
FeatureMap combineLayers(const std::vector<FeatureMap> &layers, const PatchFeatureSettings &settings);

} // namespace patchead
