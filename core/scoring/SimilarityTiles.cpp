#include "scoring/SimilarityTiles.h"

#include "common/Error.h"
#include "scoring/BlasThreads.h"

#include <cblas.h>

#include <algorithm>
#include <vector>

namespace patchead {

namespace {

// Returns the rows of one query block. The block count is a multiple of the
// thread count so that the threads finish together.
int queryBlockRows(int count, int threads, int queryTile)
{
    const int perThread = (count + threads - 1) / threads;
    const int blocksPerThread = (perThread + queryTile - 1) / queryTile;
    return std::max(1, (count + threads * blocksPerThread - 1) / (threads * blocksPerThread));
}

} // namespace

int searchThreadCount(const NearestPatchOptions &options)
{
    return options.threads > 0 ? options.threads : blasThreadCount();
}

void forEachSimilarityTile(const float *queries, int count, const MemoryBank &bank,
                           const NearestPatchOptions &options, const SimilarityTileVisitor &visit)
{
    if (options.queryTile < 1 || options.bankTile < 1)
        throw SettingsError(QStringLiteral("Search tiles of %1 x %2 patches are invalid. Give a positive size for both sides.")
                                .arg(options.queryTile).arg(options.bankTile));
    if (count <= 0 || bank.isEmpty())
        return;
    // The BLAS count is global, unlike OpenMP's per-thread default, so a
    // search started on a worker thread uses the configured threads too.
    // NOTE: with options.threads = 1 the team has one thread, which OpenBLAS
    // does not count as a parallel region, so its sgemm may still start its
    // own threads. Part lanes mostly take the fused kernel instead.
    const int threads = searchThreadCount(options);
    const int blockRows = queryBlockRows(count, threads, options.queryTile);
    const int blocks = (count + blockRows - 1) / blockRows;
    const int channels = bank.channels();

#pragma omp parallel num_threads(std::min(threads, blocks))
    {
        std::vector<float> tile(static_cast<std::size_t>(blockRows) * options.bankTile);
#pragma omp for schedule(static)
        for (int block = 0; block < blocks; ++block) {
            const int queryStart = block * blockRows;
            const int rows = std::min(blockRows, count - queryStart);
            for (int bankStart = 0; bankStart < bank.size(); bankStart += options.bankTile) {
                const int columns = std::min(options.bankTile, bank.size() - bankStart);
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, columns, channels, 1.0f,
                            queries + static_cast<std::size_t>(queryStart) * channels, channels,
                            bank.patch(bankStart), channels, 0.0f, tile.data(), columns);
                visit(queryStart, rows, bankStart, columns, tile.data());
            }
        }
    }
}

} // namespace patchead
