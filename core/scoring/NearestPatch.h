#pragma once

#include "scoring/MemoryBank.h"

#include <vector>

namespace patchead {

// Tile sizes of the nearest-patch search. Memory in use is bounded by
// queryTile * bankTile floats (16 MB at the defaults) whatever the sizes of
// the query grid and the memory bank.
struct NearestPatchOptions {
    int queryTile = 1024;
    int bankTile = 4096;
};

// Returns, for each of the `count` query patches (unit vectors of the bank's
// channel count, row after row), the largest cosine similarity to any bank
// patch whose source image is not `excludedSource` (-1 excludes nothing).
// Computed as tiled single-precision matrix products (OpenBLAS sgemm)
// followed by a row maximum. Returns -1 for a query when every bank patch
// is excluded.
std::vector<float> maxCosineSimilarity(const float *queries, int count, const MemoryBank &bank,
                                       int excludedSource = -1, const NearestPatchOptions &options = {});

// Patch anomaly scores a(p) = (1 - max cosine) / 2: 0 for a patch identical
// to a reference patch, 1 for one opposite to all.
std::vector<float> nearestPatchScores(const FeatureMap &patches, const MemoryBank &bank,
                                      int excludedSource = -1, const NearestPatchOptions &options = {});

} // namespace patchead
