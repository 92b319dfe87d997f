#pragma once

// Private to patchead_imaging: bounds-checked reads of integers from a byte
// buffer, shared by the PNG, JPEG, BMP, TIFF and EXIF header parsers.

#include <QtGlobal>

namespace patchead {

// A view of bytes that the caller keeps alive. Every read must be preceded by
// has() for the same range; reads outside the range return 0.
class ByteReader {
public:
    ByteReader(const uchar *data, qint64 size, bool bigEndian)
        : mData(data), mSize(size), mBigEndian(bigEndian)
    {
    }

    qint64 size() const { return mSize; }
    const uchar *data() const { return mData; }
    bool bigEndian() const { return mBigEndian; }

    bool has(qint64 offset, qint64 count) const
    {
        return offset >= 0 && count >= 0 && offset <= mSize && count <= mSize - offset;
    }

    quint8 u8(qint64 offset) const { return has(offset, 1) ? mData[offset] : 0; }
    quint16 u16(qint64 offset) const { return quint16(read(offset, 2)); }
    quint32 u32(qint64 offset) const { return quint32(read(offset, 4)); }
    quint64 u64(qint64 offset) const { return read(offset, 8); }

private:
    quint64 read(qint64 offset, int count) const
    {
        if (!has(offset, count))
            return 0;
        quint64 value = 0;
        for (int i = 0; i < count; ++i) {
            const int index = mBigEndian ? i : count - 1 - i;
            value = (value << 8) | mData[offset + index];
        }
        return value;
    }

    const uchar *mData;
    qint64 mSize;
    bool mBigEndian;
};

} // namespace patchead
