#pragma once

#include <cstddef>
#include <vector>

namespace patchead {

// A grid of patch embeddings in channel-last order: the embedding of the
// patch at row y, column x starts at data[(y * width + x) * channels].
// Channel-last keeps each patch's vector contiguous, which is the layout the
// nearest-patch matrix products read.
struct FeatureMap {
    int height = 0;
    int width = 0;
    int channels = 0;
    std::vector<float> data;

    FeatureMap() = default;
    FeatureMap(int h, int w, int c) : height(h), width(w), channels(c),
        data(static_cast<std::size_t>(h) * w * c, 0.0f) {}

    int patchCount() const { return height * width; }
    bool isEmpty() const { return data.empty(); }
    float *patch(int y, int x) { return data.data() + (static_cast<std::size_t>(y) * width + x) * channels; }
    const float *patch(int y, int x) const { return data.data() + (static_cast<std::size_t>(y) * width + x) * channels; }
    const float *patch(int index) const { return data.data() + static_cast<std::size_t>(index) * channels; }
};

// A scalar value per patch, row-major, for patch scores and mask weights.
struct PatchGrid {
    int height = 0;
    int width = 0;
    std::vector<float> values;

    PatchGrid() = default;
    PatchGrid(int h, int w, float fill = 0.0f) : height(h), width(w),
        values(static_cast<std::size_t>(h) * w, fill) {}

    int size() const { return height * width; }
    bool isEmpty() const { return values.empty(); }
    float &at(int y, int x) { return values[static_cast<std::size_t>(y) * width + x]; }
    float at(int y, int x) const { return values[static_cast<std::size_t>(y) * width + x]; }
};

} // namespace patchead
