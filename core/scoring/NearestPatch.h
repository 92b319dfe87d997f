#pragma once

#include "scoring/MemoryBank.h"
#include "scoring/SimilarityTiles.h"

#include <vector>

namespace patchead {

// Returns, for each of the `count` query patches (unit vectors of the bank's
// channel count, row after row), the largest cosine similarity to any bank
// patch whose source image is not `excludedSource` (-1 excludes nothing).
// Where the CPU and options allow it, the cone-bound search of
// ConeBoundSearch.h computes them when the bank's search index is built, and
// the fused kernel of FusedMaxSimilarity.h when it is not. Otherwise, and
// whenever a source is excluded, sgemm tiles (forEachSimilarityTile) are
// folded into row maxima while each tile is in cache. Returns -1 for a query
// when every bank patch is excluded.
std::vector<float> maxCosineSimilarity(const float *queries, int count, const MemoryBank &bank,
                                       int excludedSource = -1, const NearestPatchOptions &options = {});

// Patch anomaly scores a(p) = (1 - max cosine) / 2: 0 for a patch identical
// to a reference patch, 1 for one opposite to all.
std::vector<float> nearestPatchScores(const FeatureMap &patches, const MemoryBank &bank,
                                      int excludedSource = -1, const NearestPatchOptions &options = {});

} // namespace patchead
