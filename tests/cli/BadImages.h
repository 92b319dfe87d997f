#pragma once

// Image files that a camera, a copy or a person may leave in a lot folder,
// written byte by byte for the command-line tests.

#include <QByteArray>
#include <opencv2/core.hpp>

namespace patchead::clitest {

// Encodes an image with OpenCV for an extension such as ".png" or ".jpg".
QByteArray encodeImage(const cv::Mat &image, const char *extension);

// A PNG whose header claims width x height pixels but holds a few bytes of
// pixel data: the shape of a decompression bomb.
QByteArray pngClaimingSize(quint32 width, quint32 height);

// A JPEG with an EXIF APP1 segment holding only the orientation tag
// (EXIF 2.3, tag 0x0112), inserted after the start-of-image marker.
QByteArray withExifOrientation(const QByteArray &jpeg, int orientation);

// A PNG with an 8-bit colour palette (colour type 3), written by QImage.
QByteArray palettePng(const cv::Mat &rgb);

// A CMYK JPEG with inverted samples, as Adobe applications write it, or an
// empty array when the test was built without libjpeg.
QByteArray cmykJpeg(const cv::Mat &rgb);

} // namespace patchead::clitest
