#include "features/PatchFeatures.h"

#include "common/Error.h"

#include <algorithm>
#include <cmath>

namespace patchead {

FeatureMap averageNeighbourhood(const FeatureMap &map, int k)
{
    if (k <= 1)
        return map;
    const int radius = k / 2;
    const int channels = map.channels;
    FeatureMap result(map.height, map.width, channels);
    for (int y = 0; y < map.height; ++y) {
        const int y0 = std::max(0, y - radius);
        const int y1 = std::min(map.height - 1, y + radius);
        for (int x = 0; x < map.width; ++x) {
            const int x0 = std::max(0, x - radius);
            const int x1 = std::min(map.width - 1, x + radius);
            float *out = result.patch(y, x);
            for (int yy = y0; yy <= y1; ++yy) {
                for (int xx = x0; xx <= x1; ++xx) {
                    const float *in = map.patch(yy, xx);
                    for (int c = 0; c < channels; ++c)
                        out[c] += in[c];
                }
            }
            const float inverseCount = 1.0f / static_cast<float>((y1 - y0 + 1) * (x1 - x0 + 1));
            for (int c = 0; c < channels; ++c)
                out[c] *= inverseCount;
        }
    }
    return result;
}

namespace {

// Source position and weight of one output coordinate along one axis.
struct BilinearTap {
    int low = 0;
    int high = 0;
    float weight = 0.0f; // weight of `high`
};

std::vector<BilinearTap> bilinearTaps(int inSize, int outSize)
{
    std::vector<BilinearTap> taps(static_cast<std::size_t>(outSize));
    const float scale = static_cast<float>(inSize) / static_cast<float>(outSize);
    for (int i = 0; i < outSize; ++i) {
        const float source = std::max(0.0f, (static_cast<float>(i) + 0.5f) * scale - 0.5f);
        const int low = std::min(static_cast<int>(source), inSize - 1);
        taps[static_cast<std::size_t>(i)] = {low, std::min(low + 1, inSize - 1), source - static_cast<float>(low)};
    }
    return taps;
}

} // namespace

FeatureMap resampleBilinear(const FeatureMap &map, int height, int width)
{
    if (map.height == height && map.width == width)
        return map;
    const std::vector<BilinearTap> rows = bilinearTaps(map.height, height);
    const std::vector<BilinearTap> cols = bilinearTaps(map.width, width);
    const int channels = map.channels;
    FeatureMap result(height, width, channels);
    for (int y = 0; y < height; ++y) {
        const BilinearTap &ty = rows[static_cast<std::size_t>(y)];
        for (int x = 0; x < width; ++x) {
            const BilinearTap &tx = cols[static_cast<std::size_t>(x)];
            const float w00 = (1 - ty.weight) * (1 - tx.weight);
            const float w01 = (1 - ty.weight) * tx.weight;
            const float w10 = ty.weight * (1 - tx.weight);
            const float w11 = ty.weight * tx.weight;
            const float *p00 = map.patch(ty.low, tx.low);
            const float *p01 = map.patch(ty.low, tx.high);
            const float *p10 = map.patch(ty.high, tx.low);
            const float *p11 = map.patch(ty.high, tx.high);
            float *out = result.patch(y, x);
            for (int c = 0; c < channels; ++c)
                out[c] = w00 * p00[c] + w01 * p01[c] + w10 * p10[c] + w11 * p11[c];
        }
    }
    return result;
}

void normalisePatches(FeatureMap &map)
{
    const int channels = map.channels;
    for (int i = 0; i < map.patchCount(); ++i) {
        float *vector = map.data.data() + static_cast<std::size_t>(i) * channels;
        double sum = 0.0;
        for (int c = 0; c < channels; ++c)
            sum += static_cast<double>(vector[c]) * vector[c];
        const float inverse = 1.0f / std::max(static_cast<float>(std::sqrt(sum)), 1e-12f);
        for (int c = 0; c < channels; ++c)
            vector[c] *= inverse;
    }
}

FeatureMap combineLayers(const std::vector<FeatureMap> &layers, const PatchFeatureSettings &settings)
{
    if (layers.empty())
        throw SettingsError(QStringLiteral("No encoder layers selected; choose at least one layer."));
    const int height = layers.front().height;
    const int width = layers.front().width;
    int channels = 0;
    for (const FeatureMap &layer : layers)
        channels += layer.channels;

    FeatureMap combined(height, width, channels);
    int offset = 0;
    for (const FeatureMap &layer : layers) {
        const FeatureMap aligned = resampleBilinear(averageNeighbourhood(layer, settings.neighbourhood), height, width);
        for (int i = 0; i < combined.patchCount(); ++i)
            std::copy_n(aligned.patch(i), layer.channels,
                        combined.data.data() + static_cast<std::size_t>(i) * channels + offset);
        offset += layer.channels;
    }
    normalisePatches(combined);
    return combined;
}

} // namespace patchead
