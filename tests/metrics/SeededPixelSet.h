#pragma once

#include <QtGlobal>
#include <opencv2/core.hpp>

namespace patchead::test {

// One image of the seeded pixel sets in pixel_seeded.json. The recipe is
// seeded_pixel_set() in tools/fixtures/make_metric_fixtures.py, and both must
// change together.
struct SeededImage {
    cv::Mat anomalyMap; // CV_32FC1, every value exact in float32
    cv::Mat mask;       // CV_8UC1, 0 or 255
};

// SplitMix64 output for one counter: mix(seed + counter * 0x9E3779B97F4A7C15),
// modulo 2^64.
quint64 splitMix64(quint64 seed, quint64 counter);

SeededImage makeSeededImage(quint64 seed, int image, int height, int width, int bits);

} // namespace patchead::test
