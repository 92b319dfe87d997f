// Fuzz target: loadImage on a file holding the input, so the header checks,
// the truncation checks, OpenCV's decoders (libpng, libjpeg, libtiff and
// OpenCV's BMP reader), the 16-bit and alpha conversion and the EXIF
// orientation all see it.

#include "FuzzSupport.h"

#include "common/Error.h"
#include "imaging/ImageLoader.h"

using namespace patchead;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz::silenceLogging();
    const QString path = fuzz::writeScratchFile(QStringLiteral("part.png"), fuzz::inputBytes(data, size));

    // A lower pixel limit than the default 150 megapixels keeps each decode
    // within libFuzzer's 2 GB memory limit. The limit check itself runs the
    // same code at any value.
    ImageLoadLimits limits;
    limits.maxPixels = 4'000'000;
    try {
        const LoadedImage image = loadImage(path, limits);
        fuzz::require(image.rgb.type() == CV_8UC3, "a loaded image is 8-bit RGB");
        fuzz::require(image.rgb.cols == image.sourceWidth && image.rgb.rows == image.sourceHeight,
                      "the source size is the size of the loaded image");
        fuzz::require(image.sourceChannels >= 1 && image.sourceChannels <= 4, "the channel count is 1 to 4");
    } catch (const ImageError &error) {
        fuzz::require(error.path() == path && !error.reason().isEmpty(), "an image error names the file");
    }
    return 0;
}
