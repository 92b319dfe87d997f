#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QtGlobal>
#include <opencv2/core.hpp>

namespace patchead {

// Limits applied before an image is decoded, so that a decompression bomb or
// a file still being written is rejected instead of exhausting memory.
struct ImageLoadLimits {
    qint64 maxPixels = 150'000'000;           // width * height, about 12k x 12k
    qint64 maxFileBytes = 1024LL * 1024 * 1024; // 1 GiB
    int minSide = 8;                          // smaller images carry no patch grid
};

// A decoded image ready for preprocessing, plus facts about the source file
// that reports and error messages show.
struct LoadedImage {
    cv::Mat rgb;              // CV_8UC3 in R, G, B channel order
    int sourceWidth = 0;      // of rgb, so after EXIF orientation
    int sourceHeight = 0;
    int sourceChannels = 0;   // 1 grey, 3 colour, 4 with alpha
    int sourceBitDepth = 0;   // 8 or 16 (float TIFFs report 32)
    QString format;           // "png", "jpeg", "bmp", "tiff", ...
};

// Loads one image file as 8-bit RGB. Accepts PNG, JPEG, BMP and TIFF, 8 or
// 16 bits, grey, RGB and RGBA (alpha is composited over black), and applies
// EXIF orientation. Throws ImageError naming the file and the reason for
// anything unusable: missing, unreadable, empty, truncated, not an image,
// above the limits. Safe to call from several threads.
LoadedImage loadImage(const QString &path, const ImageLoadLimits &limits = {});

// Width and height read from the file header without decoding pixels, or
// (-1, -1) when the format is not recognised. Throws ImageError when the
// header is recognised but malformed or cut short. The size is the one
// loadImage returns, so a JPEG with EXIF orientation 5 to 8 has its sides
// swapped. TIFF and JPEG may store their size anywhere in the file, so pass
// the whole file for those.
cv::Size probeImageSize(const QByteArray &headerBytes, const QString &pathForMessages);

// File name patterns of the image formats loadImage accepts, for folder scans
// and file dialogs ("*.png", "*.jpg", ...).
QStringList supportedImagePatterns();

} // namespace patchead
