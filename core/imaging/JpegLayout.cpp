#include "imaging/JpegLayout.h"

#include "imaging/ByteReader.h"
#include "imaging/TiffDirectory.h"

#include <cstring>

namespace patchead {

namespace {

constexpr quint8 kMarkerEoi = 0xD9;
constexpr quint8 kMarkerSos = 0xDA;
constexpr quint8 kMarkerApp1 = 0xE1;
constexpr quint16 kTagOrientation = 0x0112;

// Markers without a length field: TEM, RST0 to RST7 and SOI.
bool isStandaloneMarker(quint8 marker)
{
    return marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8);
}

// Start-of-frame markers SOF0 to SOF15 are C0 to CF, except C4 (DHT), C8
// (JPG) and CC (DAC), which ITU-T T.81 table B.1 assigns to other segments.
bool isFrameMarker(quint8 marker)
{
    return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
}

// Returns the offset of the FF that starts the marker ending a scan, or the
// data size. Inside a scan, FF 00 is a stuffed data byte and FF D0 to FF D7
// are restart markers, so neither ends it.
qint64 skipEntropyCodedData(const ByteReader &reader, qint64 pos)
{
    const uchar *data = reader.data();
    while (pos < reader.size()) {
        const void *found = std::memchr(data + pos, 0xFF, size_t(reader.size() - pos));
        if (!found)
            return reader.size();
        pos = static_cast<const uchar *>(found) - data;
        if (!reader.has(pos, 2))
            return reader.size();
        const quint8 next = reader.u8(pos + 1);
        if (next == 0x00 || (next >= 0xD0 && next <= 0xD7)) {
            pos += 2;
            continue;
        }
        if (next == 0xFF) {
            pos += 1; // fill byte before a marker
            continue;
        }
        return pos;
    }
    return reader.size();
}

void readFrameHeader(const ByteReader &reader, qint64 payload, qint64 payloadSize, JpegLayout &layout)
{
    if (payloadSize < 6) {
        layout.problem = QStringLiteral("the JPEG frame header is %1 bytes, too short").arg(payloadSize);
        return;
    }
    // Payload: sample precision (1 byte), height (2), width (2), components (1).
    layout.size = cv::Size(reader.u16(payload + 3), reader.u16(payload + 1));
    layout.components = reader.u8(payload + 5);
    layout.frameFound = true;
}

// Returns false when the APP1 segment contains something other than EXIF,
// such as XMP. A malformed EXIF block leaves the orientation at 1.
bool readExifOrientation(const ByteReader &reader, qint64 payload, qint64 payloadSize, JpegLayout &layout)
{
    static const char kExifId[] = {'E', 'x', 'i', 'f', 0, 0};
    if (payloadSize < 6 || std::memcmp(reader.data() + payload, kExifId, 6) != 0)
        return false;
    const TiffDirectory exif(reader.data() + payload + 6, payloadSize - 6);
    const auto orientation = exif.value(kTagOrientation);
    if (orientation && *orientation >= 1 && *orientation <= 8)
        layout.exifOrientation = int(*orientation);
    return true;
}

// Reads the segment whose length field starts at `pos` and returns the
// offset after it, past any scan data that follows. Returns the data size
// when the segment is cut short.
qint64 readSegment(const ByteReader &reader, quint8 marker, qint64 pos, JpegLayout &layout, bool &exifSeen)
{
    if (!reader.has(pos, 2))
        return reader.size();
    const qint64 length = reader.u16(pos); // includes the 2 length bytes
    if (length < 2) {
        layout.problem = QStringLiteral("a JPEG segment at byte %1 has length %2").arg(pos).arg(length);
        return reader.size();
    }
    if (!reader.has(pos, length))
        return reader.size();
    if (isFrameMarker(marker) && !layout.frameFound)
        readFrameHeader(reader, pos + 2, length - 2, layout);
    if (marker == kMarkerApp1 && !exifSeen)
        exifSeen = readExifOrientation(reader, pos + 2, length - 2, layout);
    return marker == kMarkerSos ? skipEntropyCodedData(reader, pos + length) : pos + length;
}

} // namespace

JpegLayout readJpegLayout(const QByteArray &bytes)
{
    const ByteReader reader(reinterpret_cast<const uchar *>(bytes.constData()), bytes.size(), true);
    JpegLayout layout;
    bool exifSeen = false;
    qint64 pos = 2; // after SOI
    while (reader.has(pos, 1) && layout.problem.isEmpty()) {
        if (reader.u8(pos) != 0xFF) {
            layout.problem = QStringLiteral("no JPEG marker at byte %1").arg(pos);
            break;
        }
        while (reader.has(pos, 1) && reader.u8(pos) == 0xFF)
            ++pos; // fill bytes
        if (!reader.has(pos, 1))
            break;
        const quint8 marker = reader.u8(pos++);
        if (marker == kMarkerEoi) {
            layout.endFound = true;
            break;
        }
        if (!isStandaloneMarker(marker))
            pos = readSegment(reader, marker, pos, layout, exifSeen);
    }
    return layout;
}

} // namespace patchead
