#include "imaging/ImageLoader.h"

#include "common/Error.h"
#include "common/Logging.h"
#include "imaging/ImageHeader.h"

#include <QFile>
#include <QFileInfo>
#include <QSet>
#include <QStringList>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <limits>
#include <vector>

namespace patchead {

namespace {

const QString kAcceptedFormats = QStringLiteral("accepted formats are PNG, JPEG, BMP and TIFF");

QString mebibytes(qint64 bytes)
{
    return QString::number(double(bytes) / (1024.0 * 1024.0), 'f', 1);
}

// Whether following `link` one link at a time comes back to a link already
// passed, or is still on a link after 40 steps (Linux's limit).
bool isLinkLoop(const QFileInfo &link)
{
    QSet<QString> passed;
    QFileInfo current = link;
    for (int step = 0; step < 40 && current.isSymLink(); ++step) {
        if (passed.contains(current.absoluteFilePath()))
            return true;
        passed.insert(current.absoluteFilePath());
        current = QFileInfo(current.symLinkTarget());
    }
    return current.isSymLink();
}

void checkFileType(const QString &path, const QFileInfo &info)
{
    if (!info.exists()) {
        if (info.isSymLink() && isLinkLoop(info)) {
            throw ImageError(path,
                             QStringLiteral("file not found: the symbolic link leads through %1 to a link "
                                            "that never resolves (a loop of links); fix or remove the links")
                                 .arg(info.symLinkTarget()));
        }
        if (info.isSymLink()) {
            throw ImageError(path,
                             QStringLiteral("file not found: the symbolic link points to %1, which "
                                            "does not exist; fix or remove the link")
                                 .arg(info.symLinkTarget()));
        }
        throw ImageError(path,
                         QStringLiteral("file not found; check the path and that its drive or "
                                        "network share is mounted"));
    }
    if (info.isDir()) {
        throw ImageError(path,
                         QStringLiteral("is a directory, not an image file; choose the image files "
                                        "inside it or open it as a lot folder"));
    }
    if (!info.isFile()) {
        throw ImageError(
            path, QStringLiteral("is not a regular file (a device, pipe or socket); choose an image file"));
    }
    if (!info.isReadable()) {
        throw ImageError(path,
                         QStringLiteral("permission denied; make the file readable for this user, "
                                        "for example with chmod a+r"));
    }
}

void checkFileSize(const QString &path, const QFileInfo &info, const ImageLoadLimits &limits)
{
    if (info.size() == 0) {
        throw ImageError(path,
                         QStringLiteral("file is empty (0 bytes); the copy or the camera transfer "
                                        "probably failed, so copy it again"));
    }
    // cv::imdecode takes the buffer as a cv::Mat, whose column count is an int.
    const qint64 maxBytes = qMin<qint64>(limits.maxFileBytes, std::numeric_limits<int>::max());
    if (info.size() > maxBytes) {
        throw ImageError(path,
                         QStringLiteral("file too large: %1 MiB is above the limit of %2 MiB; raise "
                                        "the file size limit (ImageLoadLimits::maxFileBytes, at most 2 GiB)")
                             .arg(mebibytes(info.size()), mebibytes(maxBytes)));
    }
}

QByteArray readImageFile(const QString &path, const ImageLoadLimits &limits)
{
    const QFileInfo info(path);
    checkFileType(path, info);
    checkFileSize(path, info, limits);
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw ImageError(path, QStringLiteral("cannot be opened: %1").arg(file.errorString()));
    QByteArray bytes = file.readAll();
    if (file.error() != QFileDevice::NoError)
        throw ImageError(path, QStringLiteral("read failed: %1").arg(file.errorString()));
    if (bytes.isEmpty())
        throw ImageError(path, QStringLiteral("file is empty (0 bytes); copy it again"));
    return bytes;
}

ImageError notAnImageError(const QString &path, const QByteArray &bytes)
{
    const QString unsupported = detectUnsupportedFormat(bytes);
    if (!unsupported.isEmpty()) {
        return ImageError(path,
                          QStringLiteral("not an image in an accepted format: %1 is not supported, so "
                                         "convert it to PNG; %2")
                              .arg(unsupported, kAcceptedFormats));
    }
    const QString firstBytes = QString::fromLatin1(bytes.left(8).toHex(' ').toUpper());
    return ImageError(path,
                      QStringLiteral("not an image: the format is not recognised from the first "
                                     "bytes (%1); %2")
                          .arg(firstBytes, kAcceptedFormats));
}

QString formatForSuffix(const QString &suffix)
{
    const QString lower = suffix.toLower();
    if (lower == QLatin1String("png"))
        return QStringLiteral("png");
    if (lower == QLatin1String("jpg") || lower == QLatin1String("jpeg") || lower == QLatin1String("jpe"))
        return QStringLiteral("jpeg");
    if (lower == QLatin1String("bmp") || lower == QLatin1String("dib"))
        return QStringLiteral("bmp");
    if (lower == QLatin1String("tif") || lower == QLatin1String("tiff"))
        return QStringLiteral("tiff");
    return {};
}

// The magic bytes decide the format; a mismatched extension is only noted.
void noteExtensionMismatch(const QString &path, const QString &format)
{
    const QString suffix = QFileInfo(path).suffix();
    if (formatForSuffix(suffix) == format)
        return;
    qCInfo(lcImaging).noquote() << "note:" << path << "has the extension"
                                << (suffix.isEmpty() ? "(none)" : suffix) << "but its content is"
                                << format.toUpper() << "; loading it as" << format.toUpper();
}

void checkDimensions(const QString &path, const cv::Size &size, const ImageLoadLimits &limits)
{
    const qint64 pixels = qint64(size.width) * size.height;
    if (pixels > limits.maxPixels) {
        throw ImageError(path,
                         QStringLiteral("image too large: %1 x %2 pixels (%3 megapixels) is above the "
                                        "limit of %4 megapixels; save the image downscaled to at most "
                                        "that size and add it again")
                             .arg(size.width)
                             .arg(size.height)
                             .arg(double(pixels) / 1e6, 0, 'f', 1)
                             .arg(double(limits.maxPixels) / 1e6, 0, 'f', 1));
    }
    if (qMin(size.width, size.height) < limits.minSide) {
        throw ImageError(path,
                         QStringLiteral("image too small: %1 x %2 pixels; each side needs at least %3 "
                                        "pixels for a patch grid")
                             .arg(size.width)
                             .arg(size.height)
                             .arg(limits.minSide));
    }
}

cv::Mat decodeBytes(const QByteArray &bytes, const QString &path, const QString &format)
{
    // IMREAD_UNCHANGED keeps 16-bit samples and alpha. OpenCV 4.6 then skips
    // EXIF orientation (imdecode applies it for every other flag value), so
    // loadImage applies it itself. OpenCV also rejects images above its own
    // pixel limit (CV_IO_MAX_IMAGE_PIXELS, 2^30 unless the environment
    // variable OPENCV_IO_MAX_IMAGE_PIXELS sets another), regardless of maxPixels.
    const cv::Mat buffer(1, int(bytes.size()), CV_8UC1, const_cast<char *>(bytes.constData()));
    cv::Mat decoded;
    QString detail;
    try {
        decoded = cv::imdecode(buffer, cv::IMREAD_UNCHANGED);
    } catch (const cv::Exception &error) {
        detail = QStringLiteral(" (%1)").arg(QString::fromStdString(error.err));
    }
    if (decoded.empty())
        throw corruptImageError(path,
                                QStringLiteral("the %1 decoder failed%2").arg(format.toUpper(), detail));
    return decoded;
}

double maxSampleValue(int depth, const QString &path)
{
    switch (depth) {
    case CV_8U:
        return 255.0;
    case CV_16U:
        return 65535.0;
    case CV_32F:
        return 1.0; // NOTE: float TIFF samples are assumed to lie in [0, 1], and others are clipped.
    default:
        throw ImageError(path,
                         QStringLiteral("unsupported sample type (signed, 32-bit integer or 64-bit "
                                        "samples); convert the image to 8- or 16-bit unsigned"));
    }
}

// Returns the colour planes (grey or BGR) with the last plane, alpha, applied
// over black, as CV_32F in the input's sample scale.
cv::Mat compositeOverBlack(const cv::Mat &image, double maxValue)
{
    std::vector<cv::Mat> planes;
    cv::split(image, planes);
    cv::Mat alpha;
    planes.back().convertTo(alpha, CV_32F, 1.0 / maxValue);
    planes.pop_back();
    for (cv::Mat &plane : planes) {
        plane.convertTo(plane, CV_32F);
        cv::multiply(plane, alpha, plane);
    }
    cv::Mat colour;
    cv::merge(planes, colour);
    return colour;
}

cv::Mat toRgb8(const cv::Mat &decoded, const QString &path)
{
    const double maxValue = maxSampleValue(decoded.depth(), path);
    const int channels = decoded.channels();
    if (channels < 1 || channels > 4)
        throw ImageError(
            path,
            QStringLiteral("unsupported channel count %1; convert the image to grey, RGB or RGBA")
                .arg(channels));
    const cv::Mat colour = (channels == 2 || channels == 4) ? compositeOverBlack(decoded, maxValue) : decoded;

    // convertTo rounds to nearest, so a 16-bit sample v becomes round(v / 257).
    cv::Mat eightBit;
    colour.convertTo(eightBit, CV_8U, 255.0 / maxValue);
    cv::Mat rgb;
    cv::cvtColor(eightBit, rgb, eightBit.channels() == 1 ? cv::COLOR_GRAY2RGB : cv::COLOR_BGR2RGB);
    return rgb;
}

// EXIF orientation gives where the stored first row and column belong: 2 and
// 4 are mirrored, 3 is upside down, 6 and 8 are turned by 90 degrees, 5 and 7
// are turned and mirrored (EXIF 2.3, tag 0x0112).
cv::Mat applyExifOrientation(const cv::Mat &image, int orientation)
{
    cv::Mat oriented;
    switch (orientation) {
    case 2:
        cv::flip(image, oriented, 1);
        break;
    case 3:
        cv::rotate(image, oriented, cv::ROTATE_180);
        break;
    case 4:
        cv::flip(image, oriented, 0);
        break;
    case 5:
        cv::transpose(image, oriented);
        break;
    case 6:
        cv::rotate(image, oriented, cv::ROTATE_90_CLOCKWISE);
        break;
    case 7:
        cv::transpose(image, oriented);
        cv::flip(oriented, oriented, -1);
        break;
    case 8:
        cv::rotate(image, oriented, cv::ROTATE_90_COUNTERCLOCKWISE);
        break;
    default:
        oriented = image;
    }
    return oriented;
}

int bitDepthOf(const cv::Mat &image)
{
    return int(CV_ELEM_SIZE1(image.depth())) * 8;
}

} // namespace

LoadedImage loadImage(const QString &path, const ImageLoadLimits &limits)
{
    const QByteArray bytes = readImageFile(path, limits);
    const ImageHeader header = parseImageHeader(bytes, path);
    if (header.format.isEmpty())
        throw notAnImageError(path, bytes);
    noteExtensionMismatch(path, header.format);

    // Checked on the header alone, before the decoder allocates anything.
    checkDimensions(path, header.size, limits);
    const QString truncation = findTruncation(bytes, header.format);
    if (!truncation.isEmpty())
        throw corruptImageError(path, truncation);

    const cv::Mat decoded = decodeBytes(bytes, path, header.format);
    if (decoded.size() != header.size) {
        qCWarning(lcImaging).noquote()
            << path << "decoded to" << decoded.cols << "x" << decoded.rows << "but its header gives"
            << header.size.width << "x" << header.size.height;
    }
    LoadedImage image;
    image.rgb = applyExifOrientation(toRgb8(decoded, path), header.exifOrientation);
    image.sourceWidth = image.rgb.cols;
    image.sourceHeight = image.rgb.rows;
    image.sourceChannels = decoded.channels();
    image.sourceBitDepth = bitDepthOf(decoded);
    image.format = header.format;
    qCDebug(lcImaging).noquote() << "loaded" << path << header.format << image.sourceWidth << "x"
                                 << image.sourceHeight << "channels" << image.sourceChannels << "bits"
                                 << image.sourceBitDepth << "EXIF orientation" << header.exifOrientation;
    return image;
}

cv::Size probeImageSize(const QByteArray &headerBytes, const QString &pathForMessages)
{
    const ImageHeader header = parseImageHeader(headerBytes, pathForMessages);
    if (header.format.isEmpty())
        return cv::Size(-1, -1);
    const bool turned = header.exifOrientation >= 5;
    return turned ? cv::Size(header.size.height, header.size.width) : header.size;
}

QStringList supportedImagePatterns()
{
    QStringList patterns;
    for (const char *suffix : {"png", "jpg", "jpeg", "bmp", "tif", "tiff"}) {
        const QString lower = QString::fromLatin1(suffix);
        patterns << QStringLiteral("*.") + lower << QStringLiteral("*.") + lower.toUpper();
    }
    return patterns;
}

} // namespace patchead
