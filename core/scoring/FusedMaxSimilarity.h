#pragma once

#include "scoring/MemoryBank.h"

namespace patchead {

// Whether this CPU runs fusedMaxSimilarity (x86-64 with AVX2 and FMA).
bool fusedMaxSimilarityAvailable();

// Writes to maxima[i] the largest inner product of query i (row after row,
// the bank's channel count each) with any bank patch. Unlike the sgemm tiles
// it never stores a similarity. A 6 x 16 block of products stays in
// registers until it is folded into the running maxima, which saves memory
// traffic that dominates a product with only 32 to 100 channels.
// Threads split the bank into chunks of at most 1024 patches (224 KiB at 56
// channels, so one chunk fits the L2 cache) and merge their maxima at the
// end. Sums run in another order than sgemm's, so results may differ from
// it by float rounding. Throws SettingsError unless
// fusedMaxSimilarityAvailable().
void fusedMaxSimilarity(const float *queries, int count, const MemoryBank &bank, int threads, float *maxima);

} // namespace patchead
