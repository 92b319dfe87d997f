#include "features/Preprocess.h"

#include "common/Error.h"
#include "features/AreaResize.h"

#include <opencv2/imgproc.hpp>

#include <cmath>

namespace patchead {

int interpolationFlag(const QString &name)
{
    if (name == QLatin1String("area"))
        return cv::INTER_AREA;
    if (name == QLatin1String("bilinear"))
        return cv::INTER_LINEAR;
    if (name == QLatin1String("bicubic"))
        return cv::INTER_CUBIC;
    throw SettingsError(QStringLiteral("Unknown interpolation \"%1\"; expected area, bilinear or bicubic.")
                            .arg(name));
}

InputTensor preprocessImage(const cv::Mat &rgb, const InputSpec &spec)
{
    if (rgb.empty() || rgb.type() != CV_8UC3)
        throw SettingsError(QStringLiteral("preprocessImage needs an 8-bit, 3-channel image"));
    cv::Mat resized;
    if (rgb.cols == spec.width && rgb.rows == spec.height)
        resized = rgb;
    else if (interpolationFlag(spec.interpolation) == cv::INTER_AREA && spec.width <= rgb.cols && spec.height <= rgb.rows)
        resized = shrinkByArea(rgb, cv::Size(spec.width, spec.height));
    else
        cv::resize(rgb, resized, cv::Size(spec.width, spec.height), 0, 0, interpolationFlag(spec.interpolation));

    InputTensor tensor;
    tensor.width = spec.width;
    tensor.height = spec.height;
    const std::size_t plane = static_cast<std::size_t>(spec.width) * spec.height;
    tensor.chw.resize(3 * plane);
    // (v / 255 - mean) / std for each of the 256 values of each channel.
    float lookup[3][256];
    for (int c = 0; c < 3; ++c) {
        for (int v = 0; v < 256; ++v)
            lookup[c][v] = (static_cast<float>(v) / 255.0f - spec.mean[c]) / spec.std[c];
    }
    float *red = tensor.chw.data();
    float *green = red + plane;
    float *blue = green + plane;
    for (int y = 0; y < spec.height; ++y) {
        const uchar *row = resized.ptr<uchar>(y);
        const std::size_t offset = static_cast<std::size_t>(y) * spec.width;
        for (int x = 0; x < spec.width; ++x) {
            red[offset + x] = lookup[0][row[3 * x]];
            green[offset + x] = lookup[1][row[3 * x + 1]];
            blue[offset + x] = lookup[2][row[3 * x + 2]];
        }
    }
    return tensor;
}

cv::Size inputSizeFor(const InputSpec &spec, int resolution, const cv::Size &imageSize, bool keepAspect)
{
    if (resolution <= 0 && !keepAspect)
        return cv::Size(spec.width, spec.height);
    const int longSide = resolution > 0 ? resolution : std::max(spec.width, spec.height);
    const int multiple = std::max(1, spec.sizeMultiple);
    auto roundToMultiple = [multiple](double value) {
        return std::max(multiple, static_cast<int>(std::lround(value / multiple)) * multiple);
    };
    if (!keepAspect || imageSize.width <= 0 || imageSize.height <= 0)
        return cv::Size(roundToMultiple(longSide), roundToMultiple(longSide));
    const double scale = static_cast<double>(longSide) / std::max(imageSize.width, imageSize.height);
    return cv::Size(roundToMultiple(imageSize.width * scale), roundToMultiple(imageSize.height * scale));
}

} // namespace patchead
