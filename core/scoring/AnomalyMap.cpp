#include "scoring/AnomalyMap.h"

#include <opencv2/imgproc.hpp>

#include <cmath>

namespace patchead {

cv::Mat renderAnomalyMap(const PatchGrid &patchScores, const cv::Size &inputSize, double sigma,
                         const cv::Size &outputSize)
{
    const cv::Mat grid(patchScores.height, patchScores.width, CV_32F,
                       const_cast<float *>(patchScores.values.data()));
    cv::Mat map;
    cv::resize(grid, map, inputSize, 0, 0, cv::INTER_LINEAR);
    if (sigma > 0.0) {
        const int kernel = 2 * static_cast<int>(std::ceil(4.0 * sigma)) + 1;
        cv::GaussianBlur(map, map, cv::Size(kernel, kernel), sigma, sigma, cv::BORDER_REFLECT_101);
    }
    if (outputSize != inputSize)
        cv::resize(map, map, outputSize, 0, 0, cv::INTER_LINEAR);
    return map;
}

cv::Mat colouriseAnomalyMap(const cv::Mat &map, double rejectThreshold)
{
    const double scale = rejectThreshold > 0.0 ? 255.0 / (2.0 * rejectThreshold) : 255.0;
    cv::Mat scaled;
    map.convertTo(scaled, CV_8U, scale); // saturates at 0 and 255
    cv::Mat bgr;
    cv::applyColorMap(scaled, bgr, cv::COLORMAP_TURBO);
    cv::Mat rgb;
    cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
    return rgb;
}

cv::Mat overlayHeatmap(const cv::Mat &rgb, const cv::Mat &colouredMap, double opacity)
{
    cv::Mat resized = colouredMap;
    if (colouredMap.size() != rgb.size())
        cv::resize(colouredMap, resized, rgb.size(), 0, 0, cv::INTER_LINEAR);
    cv::Mat blended;
    cv::addWeighted(rgb, 1.0 - opacity, resized, opacity, 0.0, blended);
    return blended;
}

} // namespace patchead
