#include "scoring/FusedMaxSimilarity.h"

#include "common/Error.h"

#include <algorithm>
#include <limits>
#include <vector>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define PATCHEAD_FUSED_KERNEL 1
#endif

namespace patchead {

namespace {

constexpr int kPanelWidth = 16;   // bank patches per panel: two 8-float AVX registers
constexpr int kBlockRows = 6;     // queries per block: 12 accumulators, 2 bank loads and 1 broadcast use 15 of 16 registers
constexpr int kMaxChunk = 1024;   // bank patches per chunk, so that a packed chunk fits the L2 cache
constexpr int kFloatsPerRegister = 8; // one AVX register

// Copies bank patches [first, first + count) into panels of 16, channel by
// channel inside a panel (panel[k * 16 + j] is channel k of patch j).
// Columns past the end repeat the chunk's last patch, which leaves every
// maximum as it is.
void packChunk(const MemoryBank &bank, int first, int count, std::vector<float> &panels)
{
    const int channels = bank.channels();
    const int panelCount = (count + kPanelWidth - 1) / kPanelWidth;
    panels.resize(static_cast<std::size_t>(panelCount) * kPanelWidth * channels);
    for (int p = 0; p < panelCount; ++p) {
        float *panel = panels.data() + static_cast<std::size_t>(p) * kPanelWidth * channels;
        for (int j = 0; j < kPanelWidth; ++j) {
            const float *patch = bank.patch(first + std::min(p * kPanelWidth + j, count - 1));
            for (int k = 0; k < channels; ++k)
                panel[k * kPanelWidth + j] = patch[k];
        }
    }
}

// Chunk length for `threads` threads: equal chunks, a multiple of the panel
// width, at most kMaxChunk patches.
int chunkLength(int bankSize, int threads)
{
    const int perThread = (bankSize + threads - 1) / threads;
    const int chunksPerThread = (perThread + kMaxChunk - 1) / kMaxChunk;
    const int length = (bankSize + threads * chunksPerThread - 1) / (threads * chunksPerThread);
    return (length + kPanelWidth - 1) / kPanelWidth * kPanelWidth;
}

#ifdef PATCHEAD_FUSED_KERNEL

// Folds the products of `Rows` queries with every panel into their running
// maxima (one register of 8 per query, reduced to one value at the end).
template <int Rows>
__attribute__((target("avx2,fma"))) void foldBlock(const float *queries, int channels, const float *panels,
                                                   int panelCount, float *running)
{
    __m256 best[Rows];
#pragma GCC unroll 6
    for (int r = 0; r < Rows; ++r)
        best[r] = _mm256_loadu_ps(running + r * kFloatsPerRegister);
    for (int p = 0; p < panelCount; ++p) {
        const float *panel = panels + static_cast<std::size_t>(p) * kPanelWidth * channels;
        __m256 low[Rows];
        __m256 high[Rows];
#pragma GCC unroll 6
        for (int r = 0; r < Rows; ++r) {
            low[r] = _mm256_setzero_ps();
            high[r] = _mm256_setzero_ps();
        }
        for (int k = 0; k < channels; ++k) {
            const __m256 bankLow = _mm256_loadu_ps(panel + k * kPanelWidth);
            const __m256 bankHigh = _mm256_loadu_ps(panel + k * kPanelWidth + kFloatsPerRegister);
#pragma GCC unroll 6
            for (int r = 0; r < Rows; ++r) {
                const __m256 query = _mm256_broadcast_ss(queries + r * channels + k);
                low[r] = _mm256_fmadd_ps(query, bankLow, low[r]);
                high[r] = _mm256_fmadd_ps(query, bankHigh, high[r]);
            }
        }
#pragma GCC unroll 6
        for (int r = 0; r < Rows; ++r)
            best[r] = _mm256_max_ps(best[r], _mm256_max_ps(low[r], high[r]));
    }
#pragma GCC unroll 6
    for (int r = 0; r < Rows; ++r)
        _mm256_storeu_ps(running + r * kFloatsPerRegister, best[r]);
}

// Folds one packed chunk into the running maxima of all queries.
void foldChunk(const float *queries, int count, int channels, const std::vector<float> &panels, float *running)
{
    const int panelCount = static_cast<int>(panels.size() / (static_cast<std::size_t>(kPanelWidth) * channels));
    int row = 0;
    for (; row + kBlockRows <= count; row += kBlockRows)
        foldBlock<kBlockRows>(queries + static_cast<std::size_t>(row) * channels, channels, panels.data(),
                              panelCount, running + static_cast<std::size_t>(row) * kFloatsPerRegister);
    for (; row < count; ++row)
        foldBlock<1>(queries + static_cast<std::size_t>(row) * channels, channels, panels.data(), panelCount,
                     running + static_cast<std::size_t>(row) * kFloatsPerRegister);
}

#endif

} // namespace

bool fusedMaxSimilarityAvailable()
{
#ifdef PATCHEAD_FUSED_KERNEL
    static const bool available = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return available;
#else
    return false;
#endif
}

void fusedMaxSimilarity(const float *queries, int count, const MemoryBank &bank, int threads, float *maxima)
{
    if (!fusedMaxSimilarityAvailable())
        throw SettingsError(QStringLiteral("The fused nearest-patch search needs a CPU with AVX2 and FMA. "
                                           "Call maxCosineSimilarity, which uses the sgemm tiles on this CPU."));
    constexpr float lowest = -std::numeric_limits<float>::infinity();
    std::fill(maxima, maxima + count, lowest);
    if (count <= 0 || bank.isEmpty())
        return;
#ifdef PATCHEAD_FUSED_KERNEL
    threads = std::max(1, threads);
    const int length = chunkLength(bank.size(), threads);
    const int chunks = (bank.size() + length - 1) / length;
    const int channels = bank.channels();

#pragma omp parallel num_threads(std::min(threads, chunks))
    {
        std::vector<float> panels;
        std::vector<float> running(static_cast<std::size_t>(count) * kFloatsPerRegister, lowest);
#pragma omp for schedule(static)
        for (int chunk = 0; chunk < chunks; ++chunk) {
            const int first = chunk * length;
            packChunk(bank, first, std::min(length, bank.size() - first), panels);
            foldChunk(queries, count, channels, panels, running.data());
        }
#pragma omp critical(patchead_fused_max_similarity)
        for (int i = 0; i < count; ++i) {
            const float *values = running.data() + static_cast<std::size_t>(i) * kFloatsPerRegister;
            maxima[i] = std::max(maxima[i], *std::max_element(values, values + kFloatsPerRegister));
        }
    }
#endif
}

} // namespace patchead
