#pragma once

// Private to patchead_imaging: reads what ImageLoader needs from the raw
// bytes of a PNG, JPEG, BMP or TIFF file without decoding any pixels.

#include "common/Error.h"

#include <QByteArray>
#include <QString>
#include <opencv2/core.hpp>

namespace patchead {

// Facts read from a file header.
struct ImageHeader {
    QString format;          // "png", "jpeg", "bmp", "tiff", or empty when not recognised
    cv::Size size{-1, -1};   // as stored, before EXIF orientation is applied
    int exifOrientation = 1; // EXIF tag 0x0112, 1 to 8, read from JPEG files only
};

// Returns the ImageError for a file whose structure is cut short or broken.
// `detail` names the broken part.
ImageError corruptImageError(const QString &path, const QString &detail);

// Returns the format named by the magic bytes at the start of `bytes`, or an
// empty string. The file name extension is never consulted.
QString detectImageFormat(const QByteArray &bytes);

// Returns the name of a known image format that loadImage does not accept
// (GIF, WebP, ...), for a clearer message, or an empty string.
QString detectUnsupportedFormat(const QByteArray &bytes);

// Parses the header of a recognised format. Throws ImageError naming
// `pathForMessages` when the header is cut short or malformed. Returns an
// empty format when the magic bytes match no accepted format.
ImageHeader parseImageHeader(const QByteArray &bytes, const QString &pathForMessages);

// Returns why a whole file of a recognised format is incomplete (it ends
// before the PNG IEND chunk, the JPEG EOI marker or the BMP pixel array), or
// an empty string when the structure is complete. Some decoders accept such
// files and fill the missing rows with grey, which would look like a defect.
QString findTruncation(const QByteArray &bytes, const QString &format);

} // namespace patchead
