#include "SeededPixelSet.h"

namespace patchead::test {

namespace {

constexpr quint64 kMaskCounterBase = quint64(1) << 40;

quint64 maskDraw(quint64 seed, int image, int rectangle, int field)
{
    const quint64 counter = kMaskCounterBase + quint64(image) * 64 + quint64(rectangle) * 8 + quint64(field);
    return splitMix64(seed, counter);
}

// 0 to 3 rectangles, 2 to 25 pixels a side; touching ones merge into one region.
cv::Mat makeSeededMask(quint64 seed, int image, int height, int width)
{
    cv::Mat mask = cv::Mat::zeros(height, width, CV_8UC1);
    const int rectangles = int(maskDraw(seed, image, 0, 0) % 4);
    for (int rectangle = 1; rectangle <= rectangles; ++rectangle) {
        const int w = 2 + int(maskDraw(seed, image, rectangle, 1) % 24);
        const int h = 2 + int(maskDraw(seed, image, rectangle, 2) % 24);
        const int x = int(maskDraw(seed, image, rectangle, 3) % quint64(width - w + 1));
        const int y = int(maskDraw(seed, image, rectangle, 4) % quint64(height - h + 1));
        mask(cv::Rect(x, y, w, h)).setTo(255);
    }
    return mask;
}

} // namespace

quint64 splitMix64(quint64 seed, quint64 counter)
{
    quint64 z = seed + counter * 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

// Each score is (a + b * hot) / 2^(bits + 1). Here a and b are the top `bits`
// bits of the pixel's first two outputs. A pixel is hot when it is anomalous
// or its third output is a multiple of 32.
SeededImage makeSeededImage(quint64 seed, int image, int height, int width, int bits)
{
    SeededImage result;
    result.mask = makeSeededMask(seed, image, height, width);
    result.anomalyMap.create(height, width, CV_32FC1);
    const quint64 firstPixel = quint64(image) * quint64(height) * quint64(width);
    const double scale = double(quint64(1) << (bits + 1));
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            const quint64 counter = 3 * (firstPixel + quint64(y) * quint64(width) + quint64(x));
            const quint64 a = splitMix64(seed, counter) >> (64 - bits);
            const quint64 b = splitMix64(seed, counter + 1) >> (64 - bits);
            const bool hot = result.mask.at<uchar>(y, x) != 0 || splitMix64(seed, counter + 2) % 32 == 0;
            result.anomalyMap.at<float>(y, x) = float(double(a + (hot ? b : 0)) / scale);
        }
    }
    return result;
}

} // namespace patchead::test
