#include "scoring/FusedMaxSimilarity.h"

#include "common/Error.h"
#include "scoring/PanelKernels.h"

#include <algorithm>
#include <limits>
#include <vector>

namespace patchead {

namespace {

constexpr int kMaxChunk = 1024; // bank patches per chunk, so that a packed chunk fits the L2 cache

// Chunk length for `threads` threads: equal chunks, a multiple of the panel
// width, at most kMaxChunk patches.
int chunkLength(int bankSize, int threads)
{
    const int perThread = (bankSize + threads - 1) / threads;
    const int chunksPerThread = (perThread + kMaxChunk - 1) / kMaxChunk;
    const int length = (bankSize + threads * chunksPerThread - 1) / (threads * chunksPerThread);
    return (length + kPanelWidth - 1) / kPanelWidth * kPanelWidth;
}

// Folds one packed chunk into the running maxima of all queries.
void foldChunk(const float *queries, int count, int channels, const std::vector<float> &panels, float *running)
{
    const int panelCount = static_cast<int>(panels.size() / (static_cast<std::size_t>(kPanelWidth) * channels));
    foldAllQueries(queries, count, channels, panels.data(), panelCount, running);
}

} // namespace

bool fusedMaxSimilarityAvailable()
{
    return panelKernelsAvailable();
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
            packPanels(bank.data(), channels, first, std::min(length, bank.size() - first), panels);
            foldChunk(queries, count, channels, panels, running.data());
        }
#pragma omp critical(patchead_fused_max_similarity)
        for (int i = 0; i < count; ++i) {
            const float *values = running.data() + static_cast<std::size_t>(i) * kFloatsPerRegister;
            maxima[i] = std::max(maxima[i], *std::max_element(values, values + kFloatsPerRegister));
        }
    }
}

} // namespace patchead
