#include "BadImages.h"

#include <QBuffer>
#include <QImage>
#include <opencv2/imgcodecs.hpp>

#include <cstdlib>
#include <vector>

#ifdef PATCHEAD_TEST_HAVE_LIBJPEG
#include <cstdio>
#include <jpeglib.h>
#endif

namespace patchead::clitest {

namespace {

void appendBigEndian(QByteArray &bytes, quint32 value, int count)
{
    for (int i = count - 1; i >= 0; --i)
        bytes.append(char((value >> (8 * i)) & 0xFF));
}

// CRC-32 of PNG chunks (ISO 3309 polynomial, as in the PNG specification, annex D).
quint32 pngCrc(const QByteArray &bytes)
{
    quint32 crc = 0xFFFFFFFFu;
    for (const char byte : bytes) {
        crc ^= quint8(byte);
        for (int bit = 0; bit < 8; ++bit)
            crc = (crc & 1u) ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
    }
    return ~crc;
}

QByteArray pngChunk(const QByteArray &type, const QByteArray &data)
{
    QByteArray chunk;
    appendBigEndian(chunk, quint32(data.size()), 4);
    chunk.append(type).append(data);
    appendBigEndian(chunk, pngCrc(type + data), 4);
    return chunk;
}

} // namespace

QByteArray encodeImage(const cv::Mat &image, const char *extension)
{
    std::vector<uchar> buffer;
    if (!cv::imencode(extension, image, buffer))
        return {};
    return QByteArray(reinterpret_cast<const char *>(buffer.data()), int(buffer.size()));
}

QByteArray pngClaimingSize(quint32 width, quint32 height)
{
    QByteArray header;
    appendBigEndian(header, width, 4);
    appendBigEndian(header, height, 4);
    header.append("\x08\x02\x00\x00\x00", 5); // 8-bit RGB, deflate, no filter, no interlace
    return QByteArray("\x89PNG\r\n\x1a\n", 8) + pngChunk("IHDR", header) + pngChunk("IDAT", QByteArray(16, '\0'))
        + pngChunk("IEND", {});
}

QByteArray withExifOrientation(const QByteArray &jpeg, int orientation)
{
    // Big-endian TIFF header, one IFD with one SHORT entry, no next IFD.
    QByteArray tiff("MM\x00\x2A\x00\x00\x00\x08", 8);
    appendBigEndian(tiff, 1, 2);
    appendBigEndian(tiff, 0x0112, 2);
    appendBigEndian(tiff, 3, 2);
    appendBigEndian(tiff, 1, 4);
    appendBigEndian(tiff, quint32(orientation), 2);
    appendBigEndian(tiff, 0, 2);
    appendBigEndian(tiff, 0, 4);
    const QByteArray payload = QByteArray("Exif\0\0", 6) + tiff;
    QByteArray segment("\xFF\xE1", 2);
    appendBigEndian(segment, quint32(payload.size() + 2), 2);
    return jpeg.left(2) + segment + payload + jpeg.mid(2);
}

QByteArray palettePng(const cv::Mat &rgb)
{
    const QImage image(rgb.data, rgb.cols, rgb.rows, int(rgb.step), QImage::Format_RGB888);
    const QImage indexed = image.convertToFormat(QImage::Format_Indexed8);
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    indexed.save(&buffer, "PNG");
    return bytes;
}

QByteArray cmykJpeg(const cv::Mat &rgb)
{
#ifdef PATCHEAD_TEST_HAVE_LIBJPEG
    jpeg_compress_struct info;
    jpeg_error_mgr errors;
    info.err = jpeg_std_error(&errors);
    jpeg_create_compress(&info);
    unsigned char *output = nullptr;
    unsigned long outputSize = 0;
    jpeg_mem_dest(&info, &output, &outputSize);
    info.image_width = JDIMENSION(rgb.cols);
    info.image_height = JDIMENSION(rgb.rows);
    info.input_components = 4;
    info.in_color_space = JCS_CMYK;
    jpeg_set_defaults(&info);
    jpeg_set_quality(&info, 95, TRUE);
    jpeg_start_compress(&info, TRUE);
    std::vector<JSAMPLE> row(std::size_t(rgb.cols) * 4);
    while (info.next_scanline < info.image_height) {
        const cv::Vec3b *pixels = rgb.ptr<cv::Vec3b>(int(info.next_scanline));
        for (int x = 0; x < rgb.cols; ++x) {
            // No black ink: C, M, Y are the complements of R, G, B, stored inverted.
            for (int c = 0; c < 3; ++c)
                row[std::size_t(x) * 4 + c] = pixels[x][c];
            row[std::size_t(x) * 4 + 3] = 255;
        }
        JSAMPROW rowPointer = row.data();
        jpeg_write_scanlines(&info, &rowPointer, 1);
    }
    jpeg_finish_compress(&info);
    const QByteArray bytes(reinterpret_cast<const char *>(output), int(outputSize));
    jpeg_destroy_compress(&info);
    std::free(output);
    return bytes;
#else
    Q_UNUSED(rgb);
    return {};
#endif
}

} // namespace patchead::clitest
