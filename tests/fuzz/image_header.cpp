// Fuzz target: the image header prober (format detection, PNG, JPEG with
// EXIF, BMP and TIFF headers, truncation checks) on bytes that arrive from
// cameras and shared folders. No pixels are decoded.

#include "FuzzSupport.h"

#include "common/Error.h"
#include "imaging/ImageHeader.h"
#include "imaging/ImageLoader.h"

using namespace patchead;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz::silenceLogging();
    const QByteArray bytes = fuzz::inputBytes(data, size);
    const QString path = QStringLiteral("fuzz-input");
    (void)detectUnsupportedFormat(bytes);
    try {
        const ImageHeader header = parseImageHeader(bytes, path);
        if (header.format.isEmpty())
            return 0;
        fuzz::require(header.size.width > 0 && header.size.height > 0, "a parsed header has a positive size");
        fuzz::require(header.exifOrientation >= 1 && header.exifOrientation <= 8,
                      "the EXIF orientation is 1 to 8");
        (void)findTruncation(bytes, header.format);

        const cv::Size probed = probeImageSize(bytes, path);
        const bool same = probed == header.size;
        const bool swapped = probed == cv::Size(header.size.height, header.size.width);
        fuzz::require(same || swapped, "the probed size is the header size, turned or not");
    } catch (const ImageError &error) {
        fuzz::require(error.path() == path && !error.reason().isEmpty(), "an image error names the input");
    }
    return 0;
}
