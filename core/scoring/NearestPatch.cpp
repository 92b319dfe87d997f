#include "scoring/NearestPatch.h"

#include "common/Error.h"

#include <cblas.h>

#include <algorithm>
#include <limits>

namespace patchead {

namespace {

// Folds one tile of similarities (rows x columns, row-major) into the
// running row maxima, skipping bank columns of the excluded source.
void foldTileMaxima(const std::vector<float> &tile, int rows, int columns, int bankStart,
                    const MemoryBank &bank, int excludedSource, float *maxima)
{
    for (int r = 0; r < rows; ++r) {
        const float *row = tile.data() + static_cast<std::size_t>(r) * columns;
        float best = maxima[r];
        if (excludedSource < 0) {
            best = std::max(best, *std::max_element(row, row + columns));
        } else {
            for (int c = 0; c < columns; ++c) {
                if (row[c] > best && bank.source(bankStart + c) != excludedSource)
                    best = row[c];
            }
        }
        maxima[r] = best;
    }
}

} // namespace

std::vector<float> maxCosineSimilarity(const float *queries, int count, const MemoryBank &bank,
                                       int excludedSource, const NearestPatchOptions &options)
{
    if (bank.isEmpty())
        throw SettingsError(QStringLiteral("The memory bank is empty: add at least one reference image."));
    const int channels = bank.channels();
    std::vector<float> maxima(static_cast<std::size_t>(count), -std::numeric_limits<float>::infinity());
    std::vector<float> tile(static_cast<std::size_t>(options.queryTile) * options.bankTile);

    for (int q0 = 0; q0 < count; q0 += options.queryTile) {
        const int rows = std::min(options.queryTile, count - q0);
        for (int b0 = 0; b0 < bank.size(); b0 += options.bankTile) {
            const int columns = std::min(options.bankTile, bank.size() - b0);
            // tile = queries[q0 : q0 + rows] * bank[b0 : b0 + columns]^T
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, columns, channels, 1.0f,
                        queries + static_cast<std::size_t>(q0) * channels, channels,
                        bank.patch(b0), channels, 0.0f, tile.data(), columns);
            foldTileMaxima(tile, rows, columns, b0, bank, excludedSource, maxima.data() + q0);
        }
    }
    for (float &value : maxima) {
        if (value == -std::numeric_limits<float>::infinity())
            value = -1.0f;
    }
    return maxima;
}

std::vector<float> nearestPatchScores(const FeatureMap &patches, const MemoryBank &bank,
                                      int excludedSource, const NearestPatchOptions &options)
{
    if (patches.channels != bank.channels())
        throw SettingsError(QStringLiteral("Test patches have %1 channels but the memory bank holds %2; "
                                           "score with the encoder and layers the references used.")
                                .arg(patches.channels).arg(bank.channels()));
    std::vector<float> scores = maxCosineSimilarity(patches.data.data(), patches.patchCount(), bank,
                                                    excludedSource, options);
    for (float &value : scores)
        value = (1.0f - value) * 0.5f;
    return scores;
}

} // namespace patchead
