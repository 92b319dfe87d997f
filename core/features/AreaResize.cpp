#include "features/AreaResize.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

namespace patchead {

namespace {

// The source pixels each output pixel covers along one axis, padded to the
// same count `width` for every output pixel: output i sums source pixels
// first[i] .. first[i] + width - 1 with weights[i * width + t] (coverage /
// cell width; zero for padding).
struct AreaTaps {
    int width = 0;
    std::vector<int> first;
    std::vector<float> weights;
};

// Output pixel i covers [i * scale, (i + 1) * scale) of the source axis.
// Overlaps under 1e-3 pixel are dropped, as OpenCV drops them, so both sum
// the same source pixels.
AreaTaps areaTaps(int sourceLength, int outputLength)
{
    // 1 / (output / source), as OpenCV 4.6 computes the scale, so that both
    // get the same weights to the last bit.
    const double scale = 1.0 / (static_cast<double>(outputLength) / sourceLength);
    std::vector<std::vector<std::pair<int, float>>> covered(static_cast<std::size_t>(outputLength));
    AreaTaps taps;
    for (int i = 0; i < outputLength; ++i) {
        const double start = i * scale;
        const double end = std::min(start + scale, static_cast<double>(sourceLength));
        for (int j = static_cast<int>(std::floor(start)); j < sourceLength && j < end; ++j) {
            const double overlap = std::min(end, j + 1.0) - std::max(start, static_cast<double>(j));
            if (overlap > 1e-3)
                covered[static_cast<std::size_t>(i)].push_back({j, static_cast<float>(overlap / (end - start))});
        }
        taps.width = std::max(taps.width, static_cast<int>(covered[static_cast<std::size_t>(i)].size()));
    }
    taps.first.resize(static_cast<std::size_t>(outputLength));
    taps.weights.assign(static_cast<std::size_t>(outputLength) * taps.width, 0.0f);
    for (int i = 0; i < outputLength; ++i) {
        const auto &pixels = covered[static_cast<std::size_t>(i)];
        // Padding goes after the covered pixels, or before them at the end
        // of the axis, so every tap reads inside the image.
        const int first = std::min(pixels.front().first, sourceLength - taps.width);
        taps.first[static_cast<std::size_t>(i)] = first;
        for (const auto &[j, weight] : pixels)
            taps.weights[static_cast<std::size_t>(i) * taps.width + (j - first)] = weight;
    }
    return taps;
}

// Sums one source row into the output columns, in tap order from 0 as
// OpenCV does, so the sums match it bit for bit.
template <int Channels>
void shrinkRow(const float *source, const AreaTaps &columnTaps, float *__restrict out)
{
    const int outputWidth = static_cast<int>(columnTaps.first.size());
    for (int x = 0; x < outputWidth; ++x) {
        const float *in = source + static_cast<std::size_t>(columnTaps.first[static_cast<std::size_t>(x)]) * Channels;
        const float *weights = columnTaps.weights.data() + static_cast<std::size_t>(x) * columnTaps.width;
        float sum[Channels] = {};
        for (int t = 0; t < columnTaps.width; ++t) {
            for (int c = 0; c < Channels; ++c)
                sum[c] += in[t * Channels + c] * weights[t];
        }
        for (int c = 0; c < Channels; ++c)
            out[x * Channels + c] = sum[c];
    }
}

void shrinkRow(const float *source, int channels, const AreaTaps &columnTaps, float *out)
{
    switch (channels) {
    case 1: shrinkRow<1>(source, columnTaps, out); break;
    case 2: shrinkRow<2>(source, columnTaps, out); break;
    case 3: shrinkRow<3>(source, columnTaps, out); break;
    default: shrinkRow<4>(source, columnTaps, out); break;
    }
}

void addScaled(const float *__restrict values, float weight, std::size_t count, float *__restrict sum)
{
    for (std::size_t i = 0; i < count; ++i)
        sum[i] += weight * values[i];
}

} // namespace

cv::Mat shrinkByArea(const cv::Mat &image, cv::Size size)
{
    if (image.depth() != CV_8U || image.channels() > 4)
        throw std::invalid_argument("shrinkByArea needs an 8-bit image of 1 to 4 channels");
    if (size.width < 1 || size.height < 1 || size.width > image.cols || size.height > image.rows)
        throw std::invalid_argument("shrinkByArea only shrinks: the size must fit inside the image");
    if (image.cols % size.width == 0 && image.rows % size.height == 0) {
        // Whole ratios take OpenCV's integer path, which is fast already
        // and rounds halves up where the float sums here would not.
        cv::Mat result;
        cv::resize(image, result, size, 0, 0, cv::INTER_AREA);
        return result;
    }
    // Rows first, then each source row's sums are added to the output rows
    // it covers in row order, as OpenCV orders the same sums.
    const AreaTaps rowTaps = areaTaps(image.rows, size.height);
    const AreaTaps columnTaps = areaTaps(image.cols, size.width);
    const int channels = image.channels();
    const std::size_t sourceValues = static_cast<std::size_t>(image.cols) * channels;
    const std::size_t outputValues = static_cast<std::size_t>(size.width) * channels;
    std::vector<float> source(sourceValues);
    std::vector<float> rowSums(outputValues);
    std::vector<float> sum(outputValues);
    cv::Mat result(size, image.type());
    int summedRow = -1; // the source row that rowSums contains the sums of
    for (int y = 0; y < size.height; ++y) {
        std::fill(sum.begin(), sum.end(), 0.0f);
        for (int t = 0; t < rowTaps.width; ++t) {
            const float weight = rowTaps.weights[static_cast<std::size_t>(y) * rowTaps.width + t];
            const int sourceRow = rowTaps.first[static_cast<std::size_t>(y)] + t;
            if (weight == 0.0f)
                continue;
            // A row partly covered by two output rows is summed once.
            if (sourceRow != summedRow) {
                const uchar *row = image.ptr<uchar>(sourceRow);
                for (std::size_t i = 0; i < sourceValues; ++i)
                    source[i] = static_cast<float>(row[i]);
                shrinkRow(source.data(), channels, columnTaps, rowSums.data());
                summedRow = sourceRow;
            }
            addScaled(rowSums.data(), weight, outputValues, sum.data());
        }
        uchar *out = result.ptr<uchar>(y);
        for (std::size_t i = 0; i < outputValues; ++i)
            out[i] = cv::saturate_cast<uchar>(sum[i]);
    }
    return result;
}

} // namespace patchead
