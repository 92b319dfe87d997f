#pragma once

// Private to patchead_imaging: a walk over the marker segments of a JPEG file.

#include <QByteArray>
#include <QString>
#include <opencv2/core.hpp>

namespace patchead {

// Facts found by the walk. Marker codes follow ITU-T T.81 table B.1, and the
// orientation is EXIF tag 0x0112 in the first IFD of the APP1 segment.
struct JpegLayout {
    bool frameFound = false; // a start-of-frame (SOFn) segment was read
    cv::Size size{-1, -1};   // from the first SOFn segment
    int components = 0;      // 1 grey, 3 YCbCr or RGB, 4 CMYK or YCCK
    int exifOrientation = 1; // 1 to 8, 1 when there is no EXIF orientation
    bool endFound = false;   // the end-of-image (EOI) marker was reached
    QString problem;         // why the walk stopped before EOI, empty when the data just ended
};

// Walks the segments of `bytes` (which start with the FF D8 start-of-image
// marker) up to EOI, skipping entropy-coded scan data.
JpegLayout readJpegLayout(const QByteArray &bytes);

} // namespace patchead
