// Tests of loadImage, probeImageSize and supportedImagePatterns on image
// files generated into a temporary folder.

#include "common/Error.h"
#include "imaging/ImageLoader.h"

#include <QDir>
#include <QFile>
#include <QImage>
#include <QTemporaryDir>
#include <QtTest>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <unistd.h>
#include <vector>

#ifdef PATCHEAD_TEST_HAVE_LIBJPEG
#include <cstdio>
#include <cstdlib>
#include <jpeglib.h>
#endif

using namespace patchead;

namespace {

// Appends integers in either byte order, for hand-made TIFF and EXIF data.
class ByteWriter {
public:
    explicit ByteWriter(bool bigEndian) : mBigEndian(bigEndian) {}
    void put(quint64 value, int count)
    {
        for (int i = 0; i < count; ++i) {
            const int shift = 8 * (mBigEndian ? count - 1 - i : i);
            mBytes.append(char((value >> shift) & 0xFF));
        }
    }
    void put16(quint64 value) { put(value, 2); }
    void put32(quint64 value) { put(value, 4); }
    void put64(quint64 value) { put(value, 8); }
    void append(const QByteArray &bytes) { mBytes.append(bytes); }
    const QByteArray &bytes() const { return mBytes; }

private:
    bool mBigEndian;
    QByteArray mBytes;
};

QByteArray encode(const cv::Mat &image, const char *extension)
{
    std::vector<uchar> buffer;
    if (!cv::imencode(extension, image, buffer))
        return {};
    return QByteArray(reinterpret_cast<const char *>(buffer.data()), int(buffer.size()));
}

// A horizontal ramp, so that each column has its own value.
cv::Mat greyRamp(int width, int height)
{
    cv::Mat grey(height, width, CV_8UC1);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x)
            grey.at<uchar>(y, x) = uchar((x * 255) / (width - 1));
    return grey;
}

// An uncompressed 8-bit grey TIFF with one strip (TIFF 6.0 baseline tags).
QByteArray makeGreyTiff(bool bigEndian, const cv::Mat &grey)
{
    ByteWriter writer(bigEndian);
    writer.append(bigEndian ? QByteArray("MM") : QByteArray("II"));
    writer.put16(42);
    writer.put32(8);
    const int entries = 9;
    const quint32 dataOffset = 8 + 2 + entries * 12 + 4;
    const quint32 dataBytes = quint32(grey.total());
    const quint32 tags[entries][3] = {{256, 3, quint32(grey.cols)},
                                      {257, 3, quint32(grey.rows)},
                                      {258, 3, 8},
                                      {259, 3, 1},
                                      {262, 3, 1},
                                      {273, 4, dataOffset},
                                      {277, 3, 1},
                                      {278, 3, quint32(grey.rows)},
                                      {279, 4, dataBytes}};
    writer.put16(entries);
    for (const auto &tag : tags) {
        writer.put16(tag[0]);
        writer.put16(tag[1]);
        writer.put32(1);
        if (tag[1] == 3) {
            writer.put16(tag[2]); // a SHORT is left-justified in the 4-byte field
            writer.put16(0);
        } else {
            writer.put32(tag[2]);
        }
    }
    writer.put32(0);
    writer.append(QByteArray(reinterpret_cast<const char *>(grey.data), int(dataBytes)));
    return writer.bytes();
}

// Inserts an APP1 EXIF segment containing only the orientation tag right
// after the start-of-image marker.
QByteArray withExifOrientation(const QByteArray &jpeg, int orientation, bool bigEndian)
{
    ByteWriter tiff(bigEndian);
    tiff.append(bigEndian ? QByteArray("MM") : QByteArray("II"));
    tiff.put16(42);
    tiff.put32(8);
    tiff.put16(1);
    tiff.put16(0x0112);
    tiff.put16(3);
    tiff.put32(1);
    tiff.put16(quint64(orientation));
    tiff.put16(0);
    tiff.put32(0);

    const QByteArray payload = QByteArray("Exif\0\0", 6) + tiff.bytes();
    ByteWriter segment(true);
    segment.put16(0xFFE1);
    segment.put16(quint64(payload.size() + 2));
    segment.append(payload);
    return jpeg.left(2) + segment.bytes() + jpeg.mid(2);
}

quint32 crc32(const QByteArray &bytes)
{
    quint32 crc = 0xFFFFFFFFu;
    for (const char byte : bytes) {
        crc ^= quint8(byte);
        for (int bit = 0; bit < 8; ++bit)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

QByteArray pngChunk(const QByteArray &type, const QByteArray &data)
{
    ByteWriter writer(true);
    writer.put32(quint64(data.size()));
    writer.append(type + data);
    writer.put32(crc32(type + data));
    return writer.bytes();
}

// A PNG whose IHDR claims the given size, with a few bytes of pixel data:
// the shape of a decompression bomb.
QByteArray pngClaimingSize(quint32 width, quint32 height)
{
    ByteWriter ihdr(true);
    ihdr.put32(width);
    ihdr.put32(height);
    ihdr.append(QByteArray("\x08\x02\x00\x00\x00", 5)); // 8 bits, RGB, deflate, no filter, no interlace
    return QByteArray("\x89PNG\r\n\x1a\n", 8) + pngChunk("IHDR", ihdr.bytes())
        + pngChunk("IDAT", QByteArray(16, '\0')) + pngChunk("IEND", {});
}

#ifdef PATCHEAD_TEST_HAVE_LIBJPEG
// A CMYK JPEG of one colour. Values are stored inverted (0 is full ink), as
// Adobe applications write them; libjpeg adds the Adobe APP14 marker.
QByteArray encodeCmykJpeg(int width, int height, const uchar storedCmyk[4])
{
    jpeg_compress_struct info;
    jpeg_error_mgr errors;
    info.err = jpeg_std_error(&errors);
    jpeg_create_compress(&info);
    unsigned char *output = nullptr;
    unsigned long outputSize = 0;
    jpeg_mem_dest(&info, &output, &outputSize);
    info.image_width = JDIMENSION(width);
    info.image_height = JDIMENSION(height);
    info.input_components = 4;
    info.in_color_space = JCS_CMYK;
    jpeg_set_defaults(&info);
    jpeg_set_quality(&info, 95, TRUE);
    jpeg_start_compress(&info, TRUE);
    std::vector<uchar> row(size_t(width) * 4);
    for (int x = 0; x < width; ++x)
        std::copy(storedCmyk, storedCmyk + 4, row.begin() + x * 4);
    while (info.next_scanline < info.image_height) {
        JSAMPROW rowPointer = row.data();
        jpeg_write_scanlines(&info, &rowPointer, 1);
    }
    jpeg_finish_compress(&info);
    const QByteArray bytes(reinterpret_cast<const char *>(output), int(outputSize));
    jpeg_destroy_compress(&info);
    std::free(output);
    return bytes;
}
#endif

cv::Vec3b rgbAt(const LoadedImage &image, int x, int y)
{
    return image.rgb.at<cv::Vec3b>(y, x);
}

} // namespace

class TestImageLoader : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void grey8();
    void rgb8();
    void rgba8();
    void sixteenBit_data();
    void sixteenBit();
    void palettePng();
    void floatTiff();
    void formats_data();
    void formats();
    void cmykJpeg();
    void exifOrientation_data();
    void exifOrientation();
    void failures_data();
    void failures();
    void hugeHeaderRejected();
    void fileSizeLimit();
    void mismatchedExtension();
    void unicodePath();
    void symlink();
    void danglingSymlink();
    void symlinkLoop();
    void unreadable();
    void directory();
    void probe_data();
    void probe();
    void patterns();
    void realMvtecImages();

private:
    QString write(const QString &name, const QByteArray &bytes);
    LoadedImage loadWritten(const QString &name, const QByteArray &bytes);
    void expectFailure(const QString &path, const QString &reasonWord);

    QTemporaryDir mDir;
};

void TestImageLoader::initTestCase()
{
    QVERIFY2(mDir.isValid(), qPrintable(mDir.errorString()));
}

QString TestImageLoader::write(const QString &name, const QByteArray &bytes)
{
    const QString path = mDir.filePath(name);
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
        qFatal("cannot write test file %s", qPrintable(path));
    return path;
}

LoadedImage TestImageLoader::loadWritten(const QString &name, const QByteArray &bytes)
{
    return loadImage(write(name, bytes));
}

void TestImageLoader::expectFailure(const QString &path, const QString &reasonWord)
{
    try {
        loadImage(path);
        QFAIL(qPrintable(QStringLiteral("%1 loaded but should fail with '%2'").arg(path, reasonWord)));
    } catch (const ImageError &error) {
        QVERIFY2(error.message().contains(QFileInfo(path).fileName()), qPrintable(error.message()));
        QVERIFY2(error.reason().contains(reasonWord), qPrintable(error.message()));
        QCOMPARE(error.path(), path);
    }
}

void TestImageLoader::grey8()
{
    const cv::Mat grey = greyRamp(32, 24);
    const LoadedImage image = loadWritten("grey8.png", encode(grey, ".png"));
    QCOMPARE(image.rgb.type(), CV_8UC3);
    QCOMPARE(image.rgb.cols, 32);
    QCOMPARE(image.rgb.rows, 24);
    QCOMPARE(image.sourceChannels, 1);
    QCOMPARE(image.sourceBitDepth, 8);
    QCOMPARE(image.format, QStringLiteral("png"));
    QCOMPARE(rgbAt(image, 31, 5), cv::Vec3b(255, 255, 255));
    QCOMPARE(rgbAt(image, 10, 5),
             cv::Vec3b(grey.at<uchar>(5, 10), grey.at<uchar>(5, 10), grey.at<uchar>(5, 10)));
}

void TestImageLoader::rgb8()
{
    cv::Mat bgr(16, 16, CV_8UC3, cv::Scalar(10, 20, 30)); // B, G, R
    bgr.at<cv::Vec3b>(3, 4) = cv::Vec3b(200, 100, 50);
    const LoadedImage image = loadWritten("rgb8.png", encode(bgr, ".png"));
    QCOMPARE(image.sourceChannels, 3);
    QCOMPARE(rgbAt(image, 0, 0), cv::Vec3b(30, 20, 10));
    QCOMPARE(rgbAt(image, 4, 3), cv::Vec3b(50, 100, 200));
}

void TestImageLoader::rgba8()
{
    cv::Mat bgra(16, 16, CV_8UC4, cv::Scalar(200, 100, 50, 255));
    bgra.at<cv::Vec4b>(0, 1) = cv::Vec4b(200, 100, 50, 128);
    bgra.at<cv::Vec4b>(0, 2) = cv::Vec4b(200, 100, 50, 0);
    const LoadedImage image = loadWritten("rgba8.png", encode(bgra, ".png"));
    QCOMPARE(image.sourceChannels, 4);
    QCOMPARE(image.rgb.type(), CV_8UC3);
    QCOMPARE(rgbAt(image, 0, 0), cv::Vec3b(50, 100, 200));
    // Half alpha over black: round(v * 128 / 255).
    QCOMPARE(rgbAt(image, 1, 0), cv::Vec3b(25, 50, 100));
    QCOMPARE(rgbAt(image, 2, 0), cv::Vec3b(0, 0, 0));
}

void TestImageLoader::sixteenBit_data()
{
    QTest::addColumn<int>("channels");
    QTest::newRow("grey") << 1;
    QTest::newRow("rgb") << 3;
}

void TestImageLoader::sixteenBit()
{
    QFETCH(int, channels);
    // Each sample v must become round(v / 257).
    const std::vector<quint16> samples = {0, 128, 129, 257, 1000, 32896, 65535};
    const std::vector<uchar> expected = {0, 0, 1, 1, 4, 128, 255};
    cv::Mat image(8, 8, CV_16UC(channels), cv::Scalar::all(0));
    for (size_t i = 0; i < samples.size(); ++i)
        image.at<quint16>(0, int(i) * channels) = samples[i];

    const LoadedImage loaded
        = loadWritten(QStringLiteral("sixteen_%1.png").arg(channels), encode(image, ".png"));
    QCOMPARE(loaded.sourceBitDepth, 16);
    QCOMPARE(loaded.sourceChannels, channels);
    for (size_t i = 0; i < samples.size(); ++i) {
        // The first channel of a colour file is blue, which lands in the third RGB slot.
        const int slot = channels == 1 ? 0 : 2;
        QCOMPARE(int(rgbAt(loaded, int(i), 0)[slot]), int(expected[i]));
    }
}

void TestImageLoader::palettePng()
{
    QImage indexed(12, 10, QImage::Format_Indexed8);
    indexed.setColorTable({qRgb(255, 0, 0), qRgb(0, 200, 0), qRgb(10, 20, 250)});
    indexed.fill(0);
    indexed.setPixel(3, 2, 1);
    indexed.setPixel(4, 2, 2);
    const QString path = mDir.filePath("palette.png");
    QVERIFY(indexed.save(path, "PNG"));

    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray bytes = file.readAll();
    QCOMPARE(int(quint8(bytes.at(25))), 3); // IHDR colour type 3: the file really has a palette

    const LoadedImage image = loadImage(path);
    QCOMPARE(image.rgb.cols, 12);
    QCOMPARE(rgbAt(image, 0, 0), cv::Vec3b(255, 0, 0));
    QCOMPARE(rgbAt(image, 3, 2), cv::Vec3b(0, 200, 0));
    QCOMPARE(rgbAt(image, 4, 2), cv::Vec3b(10, 20, 250));
}

void TestImageLoader::floatTiff()
{
    cv::Mat samples(10, 10, CV_32FC1, cv::Scalar(0.25));
    samples.at<float>(0, 1) = 1.0f;
    samples.at<float>(0, 2) = 1.5f; // outside [0, 1]: clipped
    const LoadedImage image = loadWritten("float.tiff", encode(samples, ".tiff"));
    QCOMPARE(image.sourceBitDepth, 32);
    QCOMPARE(image.sourceChannels, 1);
    QCOMPARE(int(rgbAt(image, 0, 0)[0]), 64); // round(0.25 * 255)
    QCOMPARE(int(rgbAt(image, 1, 0)[0]), 255);
    QCOMPARE(int(rgbAt(image, 2, 0)[0]), 255);
}

void TestImageLoader::formats_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("format");
    QTest::addColumn<int>("tolerance");

    const cv::Mat grey = greyRamp(40, 30);
    cv::Mat bgr;
    cv::cvtColor(grey, bgr, cv::COLOR_GRAY2BGR);
    QTest::newRow("jpeg") << "part.jpg" << encode(bgr, ".jpg") << "jpeg" << 6;
    QTest::newRow("bmp") << "part.bmp" << encode(bgr, ".bmp") << "bmp" << 0;
    QTest::newRow("tiff opencv") << "part.tif" << encode(bgr, ".tiff") << "tiff" << 0;
    QTest::newRow("tiff little endian") << "little.tiff" << makeGreyTiff(false, grey) << "tiff" << 0;
    QTest::newRow("tiff big endian") << "big.tiff" << makeGreyTiff(true, grey) << "tiff" << 0;
}

void TestImageLoader::formats()
{
    QFETCH(QString, name);
    QFETCH(QByteArray, bytes);
    QFETCH(QString, format);
    QFETCH(int, tolerance);
    QVERIFY(!bytes.isEmpty());

    const LoadedImage image = loadWritten(name, bytes);
    QCOMPARE(image.format, format);
    QCOMPARE(image.rgb.cols, 40);
    QCOMPARE(image.rgb.rows, 30);
    const cv::Mat expected = greyRamp(40, 30);
    for (int x : {0, 13, 39}) {
        const int want = expected.at<uchar>(7, x);
        for (int channel = 0; channel < 3; ++channel)
            QVERIFY2(qAbs(int(rgbAt(image, x, 7)[channel]) - want) <= tolerance,
                     qPrintable(QStringLiteral("x %1 channel %2: %3 instead of %4")
                                    .arg(x)
                                    .arg(channel)
                                    .arg(rgbAt(image, x, 7)[channel])
                                    .arg(want)));
    }
}

void TestImageLoader::cmykJpeg()
{
#ifdef PATCHEAD_TEST_HAVE_LIBJPEG
    const uchar storedRed[4] = {255, 0, 0, 255}; // inverted C=0, M=1, Y=1, K=0
    const LoadedImage image = loadWritten("cmyk.jpg", encodeCmykJpeg(24, 16, storedRed));
    QCOMPARE(image.format, QStringLiteral("jpeg"));
    QCOMPARE(image.rgb.type(), CV_8UC3);
    const cv::Vec3b centre = rgbAt(image, 12, 8);
    QVERIFY2(centre[0] >= 240, qPrintable(QString::number(centre[0])));
    QVERIFY2(centre[1] <= 15, qPrintable(QString::number(centre[1])));
    QVERIFY2(centre[2] <= 15, qPrintable(QString::number(centre[2])));
#else
    QSKIP("libjpeg headers were not found at configure time, so no CMYK JPEG can be written");
#endif
}

void TestImageLoader::exifOrientation_data()
{
    QTest::addColumn<int>("orientation");
    QTest::addColumn<bool>("bigEndian");
    QTest::addColumn<QSize>("size");
    QTest::addColumn<QPoint>("markerCorner"); // where the stored top-left block must appear

    // Stored image: 40 wide, 20 high, white block in the top-left corner.
    QTest::newRow("1 normal") << 1 << true << QSize(40, 20) << QPoint(0, 0);
    QTest::newRow("2 mirrored") << 2 << true << QSize(40, 20) << QPoint(1, 0);
    QTest::newRow("3 upside down") << 3 << true << QSize(40, 20) << QPoint(1, 1);
    QTest::newRow("4 flipped") << 4 << true << QSize(40, 20) << QPoint(0, 1);
    QTest::newRow("5 transposed") << 5 << true << QSize(20, 40) << QPoint(0, 0);
    QTest::newRow("6 clockwise") << 6 << true << QSize(20, 40) << QPoint(1, 0);
    QTest::newRow("6 little endian") << 6 << false << QSize(20, 40) << QPoint(1, 0);
    QTest::newRow("7 transverse") << 7 << true << QSize(20, 40) << QPoint(1, 1);
    QTest::newRow("8 anticlockwise") << 8 << true << QSize(20, 40) << QPoint(0, 1);
}

void TestImageLoader::exifOrientation()
{
    QFETCH(int, orientation);
    QFETCH(bool, bigEndian);
    QFETCH(QSize, size);
    QFETCH(QPoint, markerCorner);

    cv::Mat stored(20, 40, CV_8UC3, cv::Scalar::all(0));
    stored(cv::Rect(0, 0, 8, 8)).setTo(cv::Scalar::all(255));
    const QByteArray jpeg = withExifOrientation(encode(stored, ".jpg"), orientation, bigEndian);
    const QString path = write(QStringLiteral("exif_%1_%2.jpg").arg(orientation).arg(bigEndian), jpeg);

    QCOMPARE(probeImageSize(jpeg, path), cv::Size(size.width(), size.height()));
    const LoadedImage image = loadImage(path);
    QCOMPARE(image.rgb.cols, size.width());
    QCOMPARE(image.rgb.rows, size.height());
    const int x = markerCorner.x() ? image.rgb.cols - 3 : 2;
    const int y = markerCorner.y() ? image.rgb.rows - 3 : 2;
    QVERIFY2(rgbAt(image, x, y)[0] > 200, "the white block is not in the expected corner");
    QVERIFY2(rgbAt(image, image.rgb.cols - 1 - x, image.rgb.rows - 1 - y)[0] < 50,
             "the opposite corner is not black");
}

void TestImageLoader::failures_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("reasonWord");

    cv::Mat bgr(64, 64, CV_8UC3);
    cv::randu(bgr, 0, 255);
    const QByteArray png = encode(bgr, ".png");
    const QByteArray jpeg = encode(bgr, ".jpg");
    const QByteArray bmp = encode(bgr, ".bmp");
    QByteArray badPixels = pngClaimingSize(64, 64);

    QTest::newRow("zero bytes") << "empty.png" << QByteArray() << "empty";
    QTest::newRow("truncated png") << "cut.png" << png.left(png.size() / 2) << "truncated";
    QTest::newRow("truncated jpeg") << "cut.jpg" << jpeg.left(jpeg.size() / 2) << "truncated";
    QTest::newRow("truncated bmp") << "cut.bmp" << bmp.left(bmp.size() / 2) << "truncated";
    QTest::newRow("png header only") << "header.png" << png.left(16) << "truncated";
    QTest::newRow("corrupt pixel data") << "garbage.png" << badPixels << "decoder failed";
    QTest::newRow("text named png") << "notes.png" << QByteArray("lot 17, line 3\n") << "not an image";
    QTest::newRow("gif") << "anim.png" << QByteArray("GIF89a\x01\x00\x01\x00", 10) << "GIF is not supported";
    QTest::newRow("one pixel") << "tiny.png" << encode(cv::Mat(1, 1, CV_8UC3, cv::Scalar::all(9)), ".png")
                               << "too small";
}

void TestImageLoader::failures()
{
    QFETCH(QString, name);
    QFETCH(QByteArray, bytes);
    QFETCH(QString, reasonWord);
    expectFailure(write(name, bytes), reasonWord);
}

// A 100000 x 100000 PNG header over a few bytes of data must be rejected
// from the header alone: decoding would first allocate 30 GB. Only the
// header check words its error "too large", and the decoder's error reads
// "decoder failed".
void TestImageLoader::hugeHeaderRejected()
{
    const QString path = write("bomb.png", pngClaimingSize(100000, 100000));
    expectFailure(path, QStringLiteral("too large"));
    try {
        loadImage(path);
        QFAIL("a 100000 x 100000 header was loaded");
    } catch (const ImageError &error) {
        QVERIFY2(error.reason().contains("100000 x 100000"), qPrintable(error.message()));
        QVERIFY2(error.reason().contains("downscaled"), qPrintable(error.message()));
        QVERIFY2(!error.reason().contains("decoder failed"), qPrintable(error.message()));
    }
}

void TestImageLoader::fileSizeLimit()
{
    const QString path = write("limit.png", encode(greyRamp(64, 64), ".png"));
    ImageLoadLimits limits;
    limits.maxFileBytes = 100;
    try {
        loadImage(path, limits);
        QFAIL("a file above maxFileBytes loaded");
    } catch (const ImageError &error) {
        QVERIFY2(error.reason().contains("file too large"), qPrintable(error.message()));
        QVERIFY2(error.reason().contains("maxFileBytes"), qPrintable(error.message()));
    }
}

void TestImageLoader::mismatchedExtension()
{
    const LoadedImage image = loadWritten("really_png.jpg", encode(greyRamp(20, 20), ".png"));
    QCOMPARE(image.format, QStringLiteral("png"));
    QCOMPARE(image.rgb.cols, 20);
}

void TestImageLoader::unicodePath()
{
    const QString name = QStringLiteral("Prüfteil Ω 部品/teil 1 é.png");
    const LoadedImage image = loadWritten(name, encode(greyRamp(20, 10), ".png"));
    QCOMPARE(image.rgb.cols, 20);
    QCOMPARE(image.rgb.rows, 10);
    expectFailure(mDir.filePath(QStringLiteral("Prüfteil Ω 部品/fehlt ü.png")), QStringLiteral("not found"));
}

void TestImageLoader::symlink()
{
    const QString target = write("target.png", encode(greyRamp(20, 10), ".png"));
    const QString link = mDir.filePath("link.png");
    QVERIFY(QFile::link(target, link));
    const LoadedImage image = loadImage(link);
    QCOMPARE(image.rgb.cols, 20);
}

void TestImageLoader::danglingSymlink()
{
    const QString link = mDir.filePath("dangling.png");
    QVERIFY(QFile::link(mDir.filePath("gone.png"), link));
    expectFailure(link, QStringLiteral("not found"));
}

void TestImageLoader::symlinkLoop()
{
    const QString first = mDir.filePath("loop-a.png");
    const QString second = mDir.filePath("loop-b.png");
    QVERIFY(QFile::link(second, first));
    QVERIFY(QFile::link(first, second));
    expectFailure(first, QStringLiteral("a loop of links"));
}

void TestImageLoader::unreadable()
{
    if (geteuid() == 0)
        QSKIP("running as root, which may read any file, so a permission error cannot be provoked");
    const QString path = write("locked.png", encode(greyRamp(20, 10), ".png"));
    QVERIFY(QFile::setPermissions(path, QFileDevice::Permissions()));
    expectFailure(path, QStringLiteral("permission denied"));
    QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
}

void TestImageLoader::directory()
{
    const QString path = mDir.filePath("folder.png");
    QVERIFY(QDir().mkpath(path));
    expectFailure(path, QStringLiteral("directory"));
}

void TestImageLoader::probe_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QSize>("size");

    const cv::Mat grey = greyRamp(40, 30);
    QTest::newRow("png") << encode(grey, ".png") << QSize(40, 30);
    QTest::newRow("jpeg") << encode(grey, ".jpg") << QSize(40, 30);
    QTest::newRow("bmp") << encode(grey, ".bmp") << QSize(40, 30);
    QTest::newRow("tiff big endian") << makeGreyTiff(true, grey) << QSize(40, 30);

    ByteWriter bigTiff(false);
    bigTiff.append("II");
    bigTiff.put16(43);
    bigTiff.put16(8);
    bigTiff.put16(0);
    bigTiff.put64(16);
    bigTiff.put64(2);
    for (const quint64 tag : {256, 257}) {
        bigTiff.put16(tag);
        bigTiff.put16(16); // LONG8
        bigTiff.put64(1);
        bigTiff.put64(tag == 256 ? 70000 : 50);
    }
    bigTiff.put64(0);
    QTest::newRow("bigtiff") << bigTiff.bytes() << QSize(70000, 50);
    QTest::newRow("unknown") << QByteArray("plain text") << QSize(-1, -1);
}

void TestImageLoader::probe()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QSize, size);
    QCOMPARE(probeImageSize(bytes, "probe"), cv::Size(size.width(), size.height()));
}

void TestImageLoader::patterns()
{
    const QStringList patterns = supportedImagePatterns();
    QCOMPARE(patterns.size(), 12);
    for (const char *pattern : {"*.png", "*.PNG", "*.jpg", "*.JPG", "*.jpeg", "*.JPEG", "*.bmp", "*.BMP",
                                "*.tif", "*.TIF", "*.tiff", "*.TIFF"})
        QVERIFY2(patterns.contains(QLatin1String(pattern)), pattern);
}

void TestImageLoader::realMvtecImages()
{
    const QString root = QStringLiteral(PATCHEAD_SHARED_DATA_DIR "/mvtec_screw");
    const QString image = root + "/train/good/000.png";
    const QString mask = root + "/ground_truth/scratch_head/000_mask.png";
    if (!QFileInfo::exists(image) || !QFileInfo::exists(mask))
        QSKIP("the MVTec AD screw images are not in ../shared/data/mvtec_screw, so no real file is loaded");

    const LoadedImage screw = loadImage(image);
    QCOMPARE(screw.rgb.size(), cv::Size(1024, 1024));
    QCOMPARE(screw.sourceChannels, 1);
    QCOMPARE(screw.sourceBitDepth, 8);
    const cv::Vec3b centre = rgbAt(screw, 512, 512);
    QCOMPARE(centre[0], centre[1]);
    QCOMPARE(centre[1], centre[2]);

    QFile file(mask);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(probeImageSize(file.readAll(), mask), cv::Size(1024, 1024));
}

QTEST_GUILESS_MAIN(TestImageLoader)
#include "test_image_loader.moc"
