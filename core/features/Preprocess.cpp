#include "features/Preprocess.h"

#include "common/Error.h"

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
    else
        cv::resize(rgb, resized, cv::Size(spec.width, spec.height), 0, 0, interpolationFlag(spec.interpolation));

    InputTensor tensor;
    tensor.width = spec.width;
    tensor.height = spec.height;
    const std::size_t plane = static_cast<std::size_t>(spec.width) * spec.height;
    tensor.chw.resize(3 * plane);
    for (int c = 0; c < 3; ++c) {
        // (v / 255 - mean) / std folded into one multiply-add per pixel.
        const float scale = 1.0f / (255.0f * spec.std[c]);
        const float offset = -spec.mean[c] / spec.std[c];
        float *out = tensor.chw.data() + c * plane;
        for (int y = 0; y < spec.height; ++y) {
            const uchar *row = resized.ptr<uchar>(y);
            for (int x = 0; x < spec.width; ++x)
                out[static_cast<std::size_t>(y) * spec.width + x] = row[3 * x + c] * scale + offset;
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
