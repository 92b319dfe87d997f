// The sgemm throughput of the machine and the share of it the nearest-patch
// search reaches.
#include "Cases.h"

#include "features/PatchFeatures.h"
#include "inspection/ThreadSettings.h"
#include "scoring/FusedMaxSimilarity.h"
#include "scoring/NearestPatch.h"

#include <QJsonArray>
#include <cblas.h>

#include <cmath>
#include <random>

namespace patchead::bench {

namespace {

// Random unit vectors: their values do not change the time of a product.
FeatureMap randomPatches(int count, int channels, std::mt19937 &generator)
{
    FeatureMap map(1, count, channels);
    std::normal_distribution<float> normal;
    for (float &value : map.data)
        value = normal(generator);
    normalisePatches(map);
    return map;
}

// Median GFLOP/s of `repeats` runs of `work`, which performs `flops` operations.
template<typename Work>
double medianGflops(double flops, int repeats, Work work)
{
    work(); // warm-up: thread start and page faults
    std::vector<double> rates;
    for (int i = 0; i < repeats; ++i) {
        const double start = monotonicSeconds();
        work();
        rates.push_back(flops / (monotonicSeconds() - start) / 1e9);
    }
    return median(rates);
}

double squareSgemmGflops(int n, int repeats)
{
    std::vector<float> a(static_cast<std::size_t>(n) * n, 0.5f), b(a.size(), 0.25f), c(a.size());
    return medianGflops(2.0 * n * n * n, repeats, [&] {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a.data(), n, b.data(), n, 0.0f,
                    c.data(), n);
    });
}

// The search of one part (queries x bank patches) on a bank of `bankImages`
// patch grids, as the few-shot pipeline runs it.
QJsonObject searchThroughput(int queries, int channels, int bankImages, int repeats, std::mt19937 &generator,
                             const NearestPatchOptions &options = {})
{
    const FeatureMap partPatches = randomPatches(queries, channels, generator);
    MemoryBank bank(channels);
    for (int i = 0; i < bankImages; ++i)
        bank.add(randomPatches(queries, channels, generator), i);
    const double flops = 2.0 * queries * bank.size() * channels;
    const double search = medianGflops(flops, repeats, [&] { nearestPatchScores(partPatches, bank, -1, options); });
    NearestPatchOptions sgemmTiles = options;
    sgemmTiles.fusedKernel = false;
    const double tiled = medianGflops(flops, repeats, [&] { nearestPatchScores(partPatches, bank, -1, sgemmTiles); });
    // The bare product of the same shape in one call, for what the BLAS
    // reaches on these thin matrices without tiling or the row maximum.
    std::vector<float> product(static_cast<std::size_t>(queries) * bank.size());
    const double bare = medianGflops(flops, repeats, [&] {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, queries, bank.size(), channels, 1.0f,
                    partPatches.data.data(), channels, bank.data(), channels, 0.0f, product.data(), bank.size());
    });
    QJsonObject result;
    result[QStringLiteral("query_tile")] = options.queryTile;
    result[QStringLiteral("bank_tile")] = options.bankTile;
    result[QStringLiteral("bank_images")] = bankImages;
    result[QStringLiteral("bank_patches")] = bank.size();
    result[QStringLiteral("gflop_per_part")] = flops / 1e9;
    result[QStringLiteral("search_gflops")] = search;
    result[QStringLiteral("kernel")] = options.fusedKernel && fusedMaxSimilarityAvailable() ? QStringLiteral("fused")
                                                                                            : QStringLiteral("sgemm tiles");
    result[QStringLiteral("sgemm_tiles_gflops")] = tiled;
    result[QStringLiteral("bare_sgemm_gflops")] = bare;
    return result;
}

} // namespace

void runGemmCase(const CaseParameters &parameters)
{
    configureThreads(parameters.integer(QStringLiteral("threads"), 0));
    const int repeats = parameters.integer(QStringLiteral("repeats"), 5);
    const int size = parameters.integer(QStringLiteral("size"), 1024);
    // The default encoder's grid at 224 px: 28 x 28 patches of 24 + 32 channels.
    const int queries = parameters.integer(QStringLiteral("queries"), 784);
    const int channels = parameters.integer(QStringLiteral("channels"), 56);
    std::mt19937 generator(7);

    QJsonObject result;
    result[QStringLiteral("square_size")] = size;
    result[QStringLiteral("square_sgemm_gflops")] = squareSgemmGflops(size, repeats);
    QJsonArray searches;
    // 8 references without copies, and with 8 rotations each.
    for (int bankImages : {8, 64})
        searches.append(searchThroughput(queries, channels, bankImages, repeats, generator));
    result[QStringLiteral("searches")] = searches;
    // Tile sizes of the sgemm search on the 64-image bank: the similarity tile
    // is queryTile x bankTile floats, and whether it stays in cache decides
    // the speed.
    QJsonArray tiles;
    for (const auto &[queryTile, bankTile] : {std::pair{1024, 4096}, std::pair{1024, 512}, std::pair{256, 1024},
                                              std::pair{128, 2048}}) {
        NearestPatchOptions options;
        options.fusedKernel = false;
        options.queryTile = queryTile;
        options.bankTile = bankTile;
        tiles.append(searchThroughput(queries, channels, 64, repeats, generator, options));
    }
    result[QStringLiteral("tiles")] = tiles;
    result[QStringLiteral("peak_mib")] = peakResidentMiB();
    emitResult(result);
}

} // namespace patchead::bench
