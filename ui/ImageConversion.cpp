#include "ImageConversion.h"

#include "common/Error.h"

namespace patchead::ui {

QImage imageFromRgb(const cv::Mat &rgb)
{
    if (rgb.empty())
        return QImage();
    if (rgb.type() != CV_8UC3)
        throw Error(QStringLiteral("Cannot display an image of OpenCV type %1, because only 8-bit RGB (CV_8UC3) is supported.").arg(rgb.type()));
    const QImage view(rgb.data, rgb.cols, rgb.rows, static_cast<qsizetype>(rgb.step), QImage::Format_RGB888);
    return view.copy();
}

cv::Mat rgbFromImage(const QImage &image)
{
    const QImage converted = image.convertToFormat(QImage::Format_RGB888);
    const cv::Mat view(converted.height(), converted.width(), CV_8UC3, const_cast<uchar *>(converted.constBits()),
                       static_cast<size_t>(converted.bytesPerLine()));
    return view.clone();
}

} // namespace patchead::ui
