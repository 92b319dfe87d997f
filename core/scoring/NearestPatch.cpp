#include "scoring/NearestPatch.h"

#include "common/Error.h"
#include "scoring/ConeBoundSearch.h"
#include "scoring/FusedMaxSimilarity.h"

#include <algorithm>
#include <limits>

namespace patchead {

namespace {

// Whether any bank patch of [bankStart, bankStart + columns) comes from the
// excluded source; most tiles hold none and take the plain row maximum.
bool tileHasSource(const MemoryBank &bank, int bankStart, int columns, int source)
{
    if (source < 0)
        return false;
    for (int c = 0; c < columns; ++c) {
        if (bank.source(bankStart + c) == source)
            return true;
    }
    return false;
}

// Folds one similarity tile into the running maxima of its query rows.
void foldTileMaxima(const float *tile, int rows, int columns, int bankStart, const MemoryBank &bank,
                    int excludedSource, float *maxima)
{
    const bool excluding = tileHasSource(bank, bankStart, columns, excludedSource);
    for (int r = 0; r < rows; ++r) {
        const float *row = tile + static_cast<std::size_t>(r) * columns;
        float best = maxima[r];
        if (!excluding) {
            for (int c = 0; c < columns; ++c)
                best = std::max(best, row[c]);
        } else {
            for (int c = 0; c < columns; ++c) {
                if (row[c] > best && bank.source(bankStart + c) != excludedSource)
                    best = row[c];
            }
        }
        maxima[r] = best;
    }
}

// maxCosineSimilarity for queries that form a row-major grid gridWidth
// patches wide (0: no grid), which the cone-bound search blocks by.
std::vector<float> maxCosineOnGrid(const float *queries, int count, int gridWidth, const MemoryBank &bank,
                                   int excludedSource, const NearestPatchOptions &options)
{
    if (bank.isEmpty())
        throw SettingsError(QStringLiteral("The memory bank is empty: add at least one reference image."));
    std::vector<float> maxima(static_cast<std::size_t>(count), -std::numeric_limits<float>::infinity());
    if (options.fusedKernel && excludedSource < 0 && fusedMaxSimilarityAvailable()) {
        if (options.coneBounds && bank.searchIndex())
            coneBoundMaxSimilarity(queries, count, *bank.searchIndex(), searchThreadCount(options), maxima.data(),
                                   nullptr, gridWidth);
        else
            fusedMaxSimilarity(queries, count, bank, searchThreadCount(options), maxima.data());
        return maxima;
    }
    forEachSimilarityTile(queries, count, bank, options,
                          [&](int queryStart, int rows, int bankStart, int columns, const float *tile) {
        foldTileMaxima(tile, rows, columns, bankStart, bank, excludedSource, maxima.data() + queryStart);
    });
    for (float &value : maxima) {
        if (value == -std::numeric_limits<float>::infinity())
            value = -1.0f;
    }
    return maxima;
}

} // namespace

std::vector<float> maxCosineSimilarity(const float *queries, int count, const MemoryBank &bank,
                                       int excludedSource, const NearestPatchOptions &options)
{
    return maxCosineOnGrid(queries, count, 0, bank, excludedSource, options);
}

std::vector<float> nearestPatchScores(const FeatureMap &patches, const MemoryBank &bank,
                                      int excludedSource, const NearestPatchOptions &options)
{
    if (patches.channels != bank.channels())
        throw SettingsError(QStringLiteral("Test patches have %1 channels but the memory bank holds %2; "
                                           "score with the encoder and layers the references used.")
                                .arg(patches.channels).arg(bank.channels()));
    std::vector<float> scores = maxCosineOnGrid(patches.data.data(), patches.patchCount(), patches.width, bank,
                                                excludedSource, options);
    for (float &value : scores)
        value = (1.0f - value) * 0.5f;
    return scores;
}

} // namespace patchead
