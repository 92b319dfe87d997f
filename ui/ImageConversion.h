#pragma once

#include <QImage>
#include <opencv2/core.hpp>

namespace patchead::ui {

// Copies an 8-bit RGB matrix (CV_8UC3, R, G, B order, as core's image
// functions return) into a QImage that owns its pixels.
QImage imageFromRgb(const cv::Mat &rgb);

// Copies a QImage into a CV_8UC3 matrix in R, G, B order.
cv::Mat rgbFromImage(const QImage &image);

} // namespace patchead::ui
