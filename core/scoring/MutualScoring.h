#pragma once

#include "scoring/MemoryBank.h"
#include "scoring/NearestPatch.h"

#include <QString>
#include <vector>

namespace patchead {

// Batch zero-shot scoring: each image of a lot is scored against the other
// images of the same lot, because in a real lot most parts are good.
enum class MutualScoringRule {
    // MuSc (Li et al., ICLR 2024): per other image v, the distance of patch p
    // to its nearest patch in v, d_v(p) = min_q (1 - cos(p, q)); the patch
    // score is the mean of the smallest `smallestFraction` of {d_v(p)}.
    SmallestFractionMean,
    // AnomalyDINO's batched variant (Damm et al., WACV 2025): pool the
    // patches of all other images and average the distances at or below
    // their `pooledQuantile` quantile.
    PooledQuantileMean,
};

struct MutualScoringSettings {
    MutualScoringRule rule = MutualScoringRule::SmallestFractionMean;
    double smallestFraction = 0.3;  // MuSc's 30 %
    double pooledQuantile = 0.001;  // AnomalyDINO's 0.1 %
};

QString mutualScoringRuleName(MutualScoringRule rule);          // "musc" or "pooled-quantile"
MutualScoringRule mutualScoringRuleFromName(const QString &name); // throws SettingsError

// Patch scores of the `count` patches of image `target` (unit vectors of the
// bank's channel count; `target` is the bank's source id of that image)
// against every other source in the bank. The bank holds the patches of the
// whole batch (and of any reference images, which then count as further
// batch members). Returns (1 - cos)-scale distances halved to the few-shot
// scale, a(p) = d(p) / 2, so zero-shot and few-shot scores share one range.
//
// Memory per search thread: under the MuSc rule, one source's patches
// packed for the kernel of PanelKernels.h (175 KiB for 784 patches of 56
// channels). Under the pooled rule and on CPUs without AVX2, one
// query-tile x bank-tile similarity tile (NearestPatchOptions). On top of
// that, min(count, 1024) x sources floats of per-source maxima (MuSc) or
// count x k floats of heaps (pooled quantile).
//
// Nothing grows with the square of the batch size; time does.
std::vector<float> mutualPatchScores(const float *targetPatches, int count, int target, const MemoryBank &batch,
                                     const MutualScoringSettings &settings,
                                     const NearestPatchOptions &options = {});

// Per-source maximum cosine similarity: result[q * sourceCount + s] is the
// best similarity of query q to any patch of source s (-1 when s has no
// patches or is `excludedSource`). Uses the register-blocked kernel where
// the CPU has AVX2 and FMA and options.fusedKernel is set, else sgemm tiles.
std::vector<float> maxCosinePerSource(const float *queries, int count, const MemoryBank &bank,
                                      int excludedSource, const NearestPatchOptions &options = {});

} // namespace patchead
