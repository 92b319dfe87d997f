#include "scoring/MutualScoring.h"

#include "common/Error.h"
#include "scoring/PanelKernels.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <queue>

namespace patchead {

QString mutualScoringRuleName(MutualScoringRule rule)
{
    return rule == MutualScoringRule::PooledQuantileMean ? QStringLiteral("pooled-quantile") : QStringLiteral("musc");
}

MutualScoringRule mutualScoringRuleFromName(const QString &name)
{
    if (name == QLatin1String("musc"))
        return MutualScoringRule::SmallestFractionMean;
    if (name == QLatin1String("pooled-quantile"))
        return MutualScoringRule::PooledQuantileMean;
    throw SettingsError(QStringLiteral("Unknown zero-shot rule \"%1\"; use musc or pooled-quantile.").arg(name));
}

namespace {

// Rows of queries whose per-source maxima are held at once: 2 MiB for a
// batch of 500 parts, whatever the query count of a tiled image.
constexpr int kSourceMaximaRows = 1024;

// A block of query patches, row after row.
struct QueryBlock {
    const float *data;
    int count;
    int channels;
    const float *patch(int index) const { return data + static_cast<std::size_t>(index) * channels; }
};

// Mean of the smallest k of n values (k >= 1), reordering `values`.
float meanOfSmallest(float *values, int n, int k)
{
    std::nth_element(values, values + (k - 1), values + n);
    double sum = 0.0;
    for (int i = 0; i < k; ++i)
        sum += values[i];
    return static_cast<float>(sum / k);
}

std::vector<float> smallestFractionScores(const QueryBlock &patches, int target, const MemoryBank &batch,
                                          double fraction, const NearestPatchOptions &options)
{
    const int sources = batch.sourceCount();
    const int others = sources - 1;
    if (others < 1)
        throw SettingsError(QStringLiteral("Zero-shot scoring needs at least two images in the batch."));
    const int k = std::max(1, static_cast<int>(std::floor(fraction * others)));
    std::vector<float> scores(static_cast<std::size_t>(patches.count));
    std::vector<float> distances(static_cast<std::size_t>(others));
    for (int q0 = 0; q0 < patches.count; q0 += kSourceMaximaRows) {
        const int rows = std::min(kSourceMaximaRows, patches.count - q0);
        const std::vector<float> best = maxCosinePerSource(patches.patch(q0), rows, batch, target, options);
        for (int r = 0; r < rows; ++r) {
            int n = 0;
            for (int s = 0; s < sources; ++s) {
                if (s != target)
                    distances[static_cast<std::size_t>(n++)] = 1.0f - best[static_cast<std::size_t>(r) * sources + s];
            }
            scores[static_cast<std::size_t>(q0 + r)] = 0.5f * meanOfSmallest(distances.data(), n, k);
        }
    }
    return scores;
}

std::vector<float> pooledQuantileScores(const QueryBlock &patches, int target, const MemoryBank &batch,
                                        double quantile, const NearestPatchOptions &options)
{
    int pooled = 0;
    for (int i = 0; i < batch.size(); ++i)
        pooled += batch.source(i) != target ? 1 : 0;
    if (pooled == 0)
        throw SettingsError(QStringLiteral("Zero-shot scoring needs at least two images in the batch."));
    const auto k = static_cast<std::size_t>(std::max(1.0, std::ceil(quantile * pooled)));
    // Per query, a min-heap of its k largest similarities (k smallest
    // distances): count x k floats, 2.4 MiB for a 784-patch part in a batch
    // of 500 at the 0.1 % quantile. Each heap is touched by one thread only.
    using MinHeap = std::priority_queue<float, std::vector<float>, std::greater<float>>;
    std::vector<MinHeap> heaps(static_cast<std::size_t>(patches.count));
    forEachSimilarityTile(patches.data, patches.count, batch, options,
                          [&](int queryStart, int rows, int bankStart, int columns, const float *tile) {
        for (int r = 0; r < rows; ++r) {
            MinHeap &heap = heaps[static_cast<std::size_t>(queryStart + r)];
            const float *row = tile + static_cast<std::size_t>(r) * columns;
            for (int c = 0; c < columns; ++c) {
                if (batch.source(bankStart + c) == target)
                    continue;
                if (heap.size() < k)
                    heap.push(row[c]);
                else if (row[c] > heap.top()) {
                    heap.pop();
                    heap.push(row[c]);
                }
            }
        }
    });
    std::vector<float> scores(static_cast<std::size_t>(patches.count));
    for (std::size_t q = 0; q < heaps.size(); ++q) {
        double sum = 0.0;
        const std::size_t n = heaps[q].size();
        for (; !heaps[q].empty(); heaps[q].pop())
            sum += 1.0 - heaps[q].top();
        scores[q] = static_cast<float>(0.5 * sum / static_cast<double>(n));
    }
    return scores;
}

// Returns the bank's patches of each source as runs of consecutive indices
// (first, count). A batch bank has one run per image.
std::vector<std::vector<std::pair<int, int>>> sourceRuns(const MemoryBank &bank)
{
    std::vector<std::vector<std::pair<int, int>>> runs(static_cast<std::size_t>(bank.sourceCount()));
    for (int first = 0; first < bank.size();) {
        int end = first + 1;
        while (end < bank.size() && bank.source(end) == bank.source(first))
            ++end;
        runs[static_cast<std::size_t>(bank.source(first))].push_back({first, end - first});
        first = end;
    }
    return runs;
}

// Per-source maxima with the register-blocked kernel (PanelKernels.h):
// each thread takes whole sources, packs their runs and folds every query
// into them, so no similarity is stored and no patch's source is looked up.
std::vector<float> fusedMaxPerSource(const float *queries, int count, const MemoryBank &bank, int excludedSource,
                                     int threads)
{
    const int sources = bank.sourceCount();
    const int channels = bank.channels();
    std::vector<float> best(static_cast<std::size_t>(count) * sources, -1.0f);
    const std::vector<std::vector<std::pair<int, int>>> runs = sourceRuns(bank);

#pragma omp parallel num_threads(std::max(1, std::min(threads, sources)))
    {
        std::vector<float> panels;
        std::vector<float> running(static_cast<std::size_t>(count) * kFloatsPerRegister);
#pragma omp for schedule(dynamic, 1)
        for (int source = 0; source < sources; ++source) {
            if (source == excludedSource || runs[static_cast<std::size_t>(source)].empty())
                continue;
            std::fill(running.begin(), running.end(), -std::numeric_limits<float>::infinity());
            for (const auto &[first, length] : runs[static_cast<std::size_t>(source)]) {
                packPanels(bank.data(), channels, first, length, panels);
                const int panelCount = static_cast<int>(panels.size() / (static_cast<std::size_t>(kPanelWidth) * channels));
                foldAllQueries(queries, count, channels, panels.data(), panelCount, running.data());
            }
            for (int q = 0; q < count; ++q) {
                const float *lanes = running.data() + static_cast<std::size_t>(q) * kFloatsPerRegister;
                best[static_cast<std::size_t>(q) * sources + source] = *std::max_element(lanes, lanes + kFloatsPerRegister);
            }
        }
    }
    return best;
}

} // namespace

std::vector<float> maxCosinePerSource(const float *queries, int count, const MemoryBank &bank,
                                      int excludedSource, const NearestPatchOptions &options)
{
    if (options.fusedKernel && panelKernelsAvailable())
        return fusedMaxPerSource(queries, count, bank, excludedSource, searchThreadCount(options));
    const int sources = bank.sourceCount();
    std::vector<float> best(static_cast<std::size_t>(count) * sources, -1.0f);
    forEachSimilarityTile(queries, count, bank, options,
                          [&](int queryStart, int rows, int bankStart, int columns, const float *tile) {
        for (int r = 0; r < rows; ++r) {
            const float *row = tile + static_cast<std::size_t>(r) * columns;
            float *out = best.data() + static_cast<std::size_t>(queryStart + r) * sources;
            for (int c = 0; c < columns; ++c) {
                const int source = bank.source(bankStart + c);
                if (source != excludedSource)
                    out[source] = std::max(out[source], row[c]);
            }
        }
    });
    return best;
}

std::vector<float> mutualPatchScores(const float *targetPatches, int count, int target, const MemoryBank &batch,
                                     const MutualScoringSettings &settings, const NearestPatchOptions &options)
{
    if (batch.isEmpty())
        throw SettingsError(QStringLiteral("Zero-shot scoring needs at least two images in the batch."));
    const QueryBlock queries{targetPatches, count, batch.channels()};
    if (settings.rule == MutualScoringRule::PooledQuantileMean) {
        if (!(settings.pooledQuantile > 0.0 && settings.pooledQuantile <= 1.0))
            throw SettingsError(QStringLiteral("Pooled quantile %1 must be in (0, 1].").arg(settings.pooledQuantile));
        return pooledQuantileScores(queries, target, batch, settings.pooledQuantile, options);
    }
    if (!(settings.smallestFraction > 0.0 && settings.smallestFraction <= 1.0))
        throw SettingsError(QStringLiteral("Smallest fraction %1 must be in (0, 1].").arg(settings.smallestFraction));
    return smallestFractionScores(queries, target, batch, settings.smallestFraction, options);
}

} // namespace patchead
