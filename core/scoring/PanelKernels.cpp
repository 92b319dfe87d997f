#include "scoring/PanelKernels.h"

#include "common/Error.h"

#include <algorithm>
#include <stdexcept>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define PATCHEAD_PANEL_KERNELS 1
#endif

namespace patchead {

namespace {

template <typename PatchAt>
void packWith(int channels, int count, std::vector<float> &panels, PatchAt patchAt)
{
    const int panelCount = (count + kPanelWidth - 1) / kPanelWidth;
    panels.resize(static_cast<std::size_t>(panelCount) * kPanelWidth * channels);
    for (int p = 0; p < panelCount; ++p) {
        float *panel = panels.data() + static_cast<std::size_t>(p) * kPanelWidth * channels;
        for (int j = 0; j < kPanelWidth; ++j) {
            const float *patch = patchAt(std::min(p * kPanelWidth + j, count - 1));
            for (int k = 0; k < channels; ++k)
                panel[k * kPanelWidth + j] = patch[k];
        }
    }
}

#ifdef PATCHEAD_PANEL_KERNELS

// Accumulates the 6 x 16 (or Rows x 16) products of one panel in registers.
template <int Rows>
__attribute__((target("avx2,fma"), always_inline)) inline void
multiplyPanel(const float *queries, int channels, const float *panel, __m256 (&low)[Rows], __m256 (&high)[Rows])
{
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
}

template <int Rows>
__attribute__((target("avx2,fma"))) void foldRows(const float *queries, int channels, const float *panels,
                                                  int panelCount, float *running)
{
    __m256 best[Rows];
#pragma GCC unroll 6
    for (int r = 0; r < Rows; ++r)
        best[r] = _mm256_loadu_ps(running + r * kFloatsPerRegister);
    for (int p = 0; p < panelCount; ++p) {
        __m256 low[Rows];
        __m256 high[Rows];
        multiplyPanel<Rows>(queries, channels, panels + static_cast<std::size_t>(p) * kPanelWidth * channels, low, high);
#pragma GCC unroll 6
        for (int r = 0; r < Rows; ++r)
            best[r] = _mm256_max_ps(best[r], _mm256_max_ps(low[r], high[r]));
    }
#pragma GCC unroll 6
    for (int r = 0; r < Rows; ++r)
        _mm256_storeu_ps(running + r * kFloatsPerRegister, best[r]);
}

template <int Rows>
__attribute__((target("avx2,fma"))) void productRows(const float *queries, int channels, const float *panels,
                                                     int panelCount, float *products, int stride)
{
    for (int p = 0; p < panelCount; ++p) {
        __m256 low[Rows];
        __m256 high[Rows];
        multiplyPanel<Rows>(queries, channels, panels + static_cast<std::size_t>(p) * kPanelWidth * channels, low, high);
#pragma GCC unroll 6
        for (int r = 0; r < Rows; ++r) {
            float *out = products + static_cast<std::size_t>(r) * stride + p * kPanelWidth;
            _mm256_storeu_ps(out, low[r]);
            _mm256_storeu_ps(out + kFloatsPerRegister, high[r]);
        }
    }
}

__attribute__((target("avx2,fma"))) void maxIntoAvx(float *target, const float *values, int count)
{
    int i = 0;
    for (; i + kFloatsPerRegister <= count; i += kFloatsPerRegister)
        _mm256_storeu_ps(target + i, _mm256_max_ps(_mm256_loadu_ps(target + i), _mm256_loadu_ps(values + i)));
    for (; i < count; ++i)
        target[i] = std::max(target[i], values[i]);
}

float coneReach(float product, float cosRadius, float sinRadius, float best, float bestSine, float margin)
{
    return std::max(product - (cosRadius * best - sinRadius * bestSine - margin), -cosRadius - best);
}

__attribute__((target("avx2,fma"))) void foldConeReachAvx(const float *products, const float *cosRadii,
                                                          const float *sinRadii, int groups, float best,
                                                          float bestSine, float margin, float *reach)
{
    const __m256 bestVector = _mm256_set1_ps(best);
    const __m256 sineVector = _mm256_set1_ps(bestSine);
    const __m256 marginVector = _mm256_set1_ps(margin);
    const __m256 zero = _mm256_setzero_ps();
    int g = 0;
    for (; g + kFloatsPerRegister <= groups; g += kFloatsPerRegister) {
        const __m256 cosines = _mm256_loadu_ps(cosRadii + g);
        const __m256 sines = _mm256_loadu_ps(sinRadii + g);
        // cos best - (sin bestSine + margin)
        const __m256 bound = _mm256_fmsub_ps(cosines, bestVector, _mm256_fmadd_ps(sines, sineVector, marginVector));
        const __m256 aboveBound = _mm256_sub_ps(_mm256_loadu_ps(products + g), bound);
        const __m256 pastPi = _mm256_sub_ps(_mm256_sub_ps(zero, cosines), bestVector);
        _mm256_storeu_ps(reach + g, _mm256_max_ps(_mm256_loadu_ps(reach + g), _mm256_max_ps(aboveBound, pastPi)));
    }
    for (; g < groups; ++g)
        reach[g] = std::max(reach[g], coneReach(products[g], cosRadii[g], sinRadii[g], best, bestSine, margin));
}

#endif

void requireKernels()
{
    if (!panelKernelsAvailable())
        throw SettingsError(QStringLiteral("The register-blocked search kernels need a CPU with AVX2 and FMA; "
                                           "this one lacks them. maxCosineSimilarity falls back to sgemm tiles."));
}

} // namespace

bool panelKernelsAvailable()
{
#ifdef PATCHEAD_PANEL_KERNELS
    static const bool available = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return available;
#else
    return false;
#endif
}

void packPanels(const float *patches, int channels, int first, int count, std::vector<float> &panels)
{
    packWith(channels, count, panels,
             [&](int i) { return patches + static_cast<std::size_t>(first + i) * channels; });
}

void packPanels(const float *patches, int channels, const int *indices, int count, std::vector<float> &panels)
{
    packWith(channels, count, panels,
             [&](int i) { return patches + static_cast<std::size_t>(indices[i]) * channels; });
}

void foldPanels(const float *queries, int rows, int channels, const float *panels, int panelCount, float *running)
{
    requireKernels();
#ifdef PATCHEAD_PANEL_KERNELS
    switch (rows) {
    case 1: foldRows<1>(queries, channels, panels, panelCount, running); break;
    case 2: foldRows<2>(queries, channels, panels, panelCount, running); break;
    case 3: foldRows<3>(queries, channels, panels, panelCount, running); break;
    case 4: foldRows<4>(queries, channels, panels, panelCount, running); break;
    case 5: foldRows<5>(queries, channels, panels, panelCount, running); break;
    case kBlockRows: foldRows<kBlockRows>(queries, channels, panels, panelCount, running); break;
    default: throw std::invalid_argument("foldPanels takes 1 to 6 query rows");
    }
#endif
}

void foldAllQueries(const float *queries, int count, int channels, const float *panels, int panelCount,
                    float *running)
{
    for (int row = 0; row < count; row += kBlockRows)
        foldPanels(queries + static_cast<std::size_t>(row) * channels, std::min(kBlockRows, count - row), channels,
                   panels, panelCount, running + static_cast<std::size_t>(row) * kFloatsPerRegister);
}

void panelProducts(const float *queries, int rows, int channels, const float *panels, int panelCount,
                   float *products, int stride)
{
    requireKernels();
#ifdef PATCHEAD_PANEL_KERNELS
    switch (rows) {
    case 1: productRows<1>(queries, channels, panels, panelCount, products, stride); break;
    case 2: productRows<2>(queries, channels, panels, panelCount, products, stride); break;
    case 3: productRows<3>(queries, channels, panels, panelCount, products, stride); break;
    case 4: productRows<4>(queries, channels, panels, panelCount, products, stride); break;
    case 5: productRows<5>(queries, channels, panels, panelCount, products, stride); break;
    case kBlockRows: productRows<kBlockRows>(queries, channels, panels, panelCount, products, stride); break;
    default: throw std::invalid_argument("panelProducts takes 1 to 6 query rows");
    }
#endif
}

void maxInto(float *target, const float *values, int count)
{
    requireKernels();
#ifdef PATCHEAD_PANEL_KERNELS
    maxIntoAvx(target, values, count);
#endif
}

void foldConeReach(const float *products, const float *cosRadii, const float *sinRadii, int groups, float best,
                   float bestSine, float margin, float *reach)
{
    requireKernels();
#ifdef PATCHEAD_PANEL_KERNELS
    foldConeReachAvx(products, cosRadii, sinRadii, groups, best, bestSine, margin, reach);
#endif
}

} // namespace patchead
