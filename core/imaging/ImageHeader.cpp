#include "imaging/ImageHeader.h"

#include "imaging/ByteReader.h"
#include "imaging/JpegLayout.h"
#include "imaging/TiffDirectory.h"

#include <cstring>
#include <limits>

namespace patchead {

namespace {

const char kPngSignature[] = "\x89PNG\r\n\x1a\n";
constexpr quint16 kTiffTagImageWidth = 256;
constexpr quint16 kTiffTagImageLength = 257;

ByteReader readerOf(const QByteArray &bytes, bool bigEndian)
{
    return ByteReader(reinterpret_cast<const uchar *>(bytes.constData()), bytes.size(), bigEndian);
}

bool startsWith(const QByteArray &bytes, const char *magic, int length)
{
    return bytes.size() >= length && std::memcmp(bytes.constData(), magic, size_t(length)) == 0;
}

[[noreturn]] void throwCorrupt(const QString &path, const QString &detail)
{
    throw corruptImageError(path, detail);
}

// The BITMAPINFOHEADER family and the OS/2 headers have these sizes. Checking
// the size keeps "BM" at the start of a text file from passing as a bitmap.
bool isKnownBmpInfoHeaderSize(quint32 size)
{
    return size == 12 || size == 16 || size == 40 || size == 52 || size == 56 || size == 64 || size == 108
        || size == 124;
}

cv::Size parsePngHeader(const QByteArray &bytes, const QString &path)
{
    // Signature (8 bytes), then the IHDR chunk: length (4), "IHDR", width (4), height (4).
    const ByteReader reader = readerOf(bytes, true);
    if (!reader.has(0, 24))
        throwCorrupt(path, QStringLiteral("the PNG header is cut short"));
    if (std::memcmp(bytes.constData() + 12, "IHDR", 4) != 0)
        throwCorrupt(path, QStringLiteral("the PNG file does not start with an IHDR chunk"));
    const quint32 width = reader.u32(16);
    const quint32 height = reader.u32(20);
    if (width == 0 || height == 0 || width > 0x7FFFFFFFu || height > 0x7FFFFFFFu)
        throwCorrupt(path,
                     QStringLiteral("the PNG header gives an invalid size %1 x %2").arg(width).arg(height));
    return cv::Size(int(width), int(height));
}

ImageHeader parseJpegHeader(const QByteArray &bytes, const QString &path)
{
    const JpegLayout layout = readJpegLayout(bytes);
    if (!layout.frameFound) {
        throwCorrupt(path,
                     layout.problem.isEmpty()
                         ? QStringLiteral("the JPEG data ends before the frame header (SOF marker)")
                         : layout.problem);
    }
    if (layout.size.width == 0 || layout.size.height == 0) {
        throwCorrupt(path,
                     QStringLiteral("the JPEG frame header gives a size of %1 x %2")
                         .arg(layout.size.width)
                         .arg(layout.size.height));
    }
    ImageHeader header;
    header.format = QStringLiteral("jpeg");
    header.size = layout.size;
    header.exifOrientation = layout.exifOrientation;
    return header;
}

cv::Size parseBmpHeader(const QByteArray &bytes, const QString &path)
{
    // File header (14 bytes), then the info header whose first field is its size.
    // The 12-byte OS/2 header has 16-bit sizes. All others have 32-bit signed
    // sizes, where a negative height marks a top-down bitmap.
    const ByteReader reader = readerOf(bytes, false);
    const quint32 infoSize = reader.u32(14);
    if (!reader.has(14, qMin<quint32>(infoSize, 16u)))
        throwCorrupt(path, QStringLiteral("the BMP header is cut short"));
    if (infoSize == 12) {
        const quint16 width = reader.u16(18);
        const quint16 height = reader.u16(20);
        if (width == 0 || height == 0)
            throwCorrupt(path, QStringLiteral("the BMP header gives an invalid size %1 x %2").arg(width).arg(height));
        return cv::Size(width, height);
    }
    const qint32 width = qint32(reader.u32(18));
    const qint32 height = qint32(reader.u32(22));
    if (width <= 0 || height == 0 || height == std::numeric_limits<qint32>::min())
        throwCorrupt(path,
                     QStringLiteral("the BMP header gives an invalid size %1 x %2").arg(width).arg(height));
    return cv::Size(width, qAbs(height));
}

cv::Size parseTiffHeader(const QByteArray &bytes, const QString &path)
{
    const TiffDirectory directory(reinterpret_cast<const uchar *>(bytes.constData()), bytes.size());
    if (!directory.valid())
        throwCorrupt(path, directory.problem());
    const auto width = directory.value(kTiffTagImageWidth);
    const auto height = directory.value(kTiffTagImageLength);
    if (!width || !height)
        throwCorrupt(path, QStringLiteral("the TIFF directory has no image width or length"));
    if (*width == 0 || *height == 0 || *width > 0x7FFFFFFFu || *height > 0x7FFFFFFFu)
        throwCorrupt(
            path,
            QStringLiteral("the TIFF directory gives an invalid size %1 x %2").arg(*width).arg(*height));
    return cv::Size(int(*width), int(*height));
}

QString findPngTruncation(const QByteArray &bytes)
{
    // Each chunk is length (4 bytes), type (4), data (length) and CRC (4). The last is IEND.
    const ByteReader reader = readerOf(bytes, true);
    qint64 pos = 8;
    while (reader.has(pos, 8)) {
        const qint64 length = reader.u32(pos);
        const QByteArray type = bytes.mid(pos + 4, 4);
        if (!reader.has(pos + 8, length + 4))
            return QStringLiteral("the file ends inside the PNG %1 chunk").arg(QString::fromLatin1(type));
        if (type == "IEND")
            return {};
        pos += 12 + length;
    }
    return QStringLiteral("the file ends before the PNG IEND chunk");
}

QString findJpegTruncation(const QByteArray &bytes)
{
    const JpegLayout layout = readJpegLayout(bytes);
    if (layout.endFound)
        return {};
    if (!layout.problem.isEmpty())
        return layout.problem;
    return QStringLiteral("the file ends before the JPEG end-of-image marker");
}

QString findBmpTruncation(const QByteArray &bytes)
{
    // Only uncompressed (BI_RGB 0, BI_BITFIELDS 3) bitmaps have a known pixel
    // array size, with rows padded to 4 bytes. The 12-byte OS/2 header has no
    // compression field and is always uncompressed.
    const ByteReader reader = readerOf(bytes, false);
    const quint32 infoSize = reader.u32(14);
    const quint32 compression = infoSize >= 20 ? reader.u32(30) : 0;
    if (compression != 0 && compression != 3)
        return {};
    const bool os2 = infoSize == 12;
    const qint64 width = os2 ? reader.u16(18) : qint32(reader.u32(18));
    const qint64 height = qAbs(os2 ? qint64(reader.u16(20)) : qint64(qint32(reader.u32(22))));
    const qint64 bitsPerPixel = os2 ? reader.u16(24) : reader.u16(28);
    const qint64 rowBytes = (bitsPerPixel * width + 31) / 32 * 4;
    const qint64 pixelOffset = reader.u32(10);
    // Compared by division, because rowBytes * height from a damaged header
    // can exceed 64 bits (a 2^31-pixel-wide row of 65535-bit pixels).
    const qint64 available = bytes.size() - pixelOffset;
    if (available >= 0 && (height == 0 || rowBytes <= available / height))
        return {};
    return QStringLiteral("the BMP pixel data needs %1 rows of %2 bytes from byte %3 but the file has %4 bytes")
        .arg(height)
        .arg(rowBytes)
        .arg(pixelOffset)
        .arg(bytes.size());
}

} // namespace

ImageError corruptImageError(const QString &path, const QString &detail)
{
    return ImageError(
        path, QStringLiteral("truncated or corrupt: %1; copy the file again from its source").arg(detail));
}

QString detectImageFormat(const QByteArray &bytes)
{
    if (startsWith(bytes, kPngSignature, 8))
        return QStringLiteral("png");
    if (startsWith(bytes, "\xFF\xD8\xFF", 3))
        return QStringLiteral("jpeg");
    if (startsWith(bytes, "II*\0", 4) || startsWith(bytes, "MM\0*", 4) || startsWith(bytes, "II+\0", 4)
        || startsWith(bytes, "MM\0+", 4))
        return QStringLiteral("tiff");
    if (startsWith(bytes, "BM", 2) && bytes.size() >= 18
        && isKnownBmpInfoHeaderSize(readerOf(bytes, false).u32(14)))
        return QStringLiteral("bmp");
    return {};
}

QString detectUnsupportedFormat(const QByteArray &bytes)
{
    if (startsWith(bytes, "GIF87a", 6) || startsWith(bytes, "GIF89a", 6))
        return QStringLiteral("GIF");
    if (startsWith(bytes, "RIFF", 4) && bytes.mid(8, 4) == "WEBP")
        return QStringLiteral("WebP");
    if (bytes.mid(4, 8) == "ftypheic" || bytes.mid(4, 8) == "ftypmif1" || bytes.mid(4, 8) == "ftypavif")
        return QStringLiteral("HEIF/AVIF");
    if (startsWith(bytes, "\0\0\0\x0CjP  ", 8))
        return QStringLiteral("JPEG 2000");
    if (startsWith(bytes, "%PDF", 4))
        return QStringLiteral("PDF");
    return {};
}

ImageHeader parseImageHeader(const QByteArray &bytes, const QString &pathForMessages)
{
    ImageHeader header;
    header.format = detectImageFormat(bytes);
    if (header.format == QLatin1String("png"))
        header.size = parsePngHeader(bytes, pathForMessages);
    else if (header.format == QLatin1String("jpeg"))
        header = parseJpegHeader(bytes, pathForMessages);
    else if (header.format == QLatin1String("bmp"))
        header.size = parseBmpHeader(bytes, pathForMessages);
    else if (header.format == QLatin1String("tiff"))
        header.size = parseTiffHeader(bytes, pathForMessages);
    return header;
}

QString findTruncation(const QByteArray &bytes, const QString &format)
{
    if (format == QLatin1String("png"))
        return findPngTruncation(bytes);
    if (format == QLatin1String("jpeg"))
        return findJpegTruncation(bytes);
    if (format == QLatin1String("bmp"))
        return findBmpTruncation(bytes);
    return {}; // TIFF: libtiff itself fails on strips that lie beyond the end of the file
}

} // namespace patchead
