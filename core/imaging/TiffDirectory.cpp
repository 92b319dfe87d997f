#include "imaging/TiffDirectory.h"

namespace patchead {

namespace {

// Field types from the TIFF 6.0 and BigTIFF specifications.
constexpr quint16 kTypeShort = 3;
constexpr quint16 kTypeLong = 4;
constexpr quint16 kTypeLong8 = 16;

bool isBigEndianMark(const uchar *data)
{
    return data[0] == 'M' && data[1] == 'M';
}

bool isLittleEndianMark(const uchar *data)
{
    return data[0] == 'I' && data[1] == 'I';
}

} // namespace

TiffDirectory::TiffDirectory(const uchar *data, qint64 size)
    : mReader(data, size, size >= 2 && isBigEndianMark(data))
{
    readHeader();
}

void TiffDirectory::readHeader()
{
    if (!mReader.has(0, 8)) {
        mProblem = QStringLiteral("the TIFF header is cut short");
        return;
    }
    if (!isBigEndianMark(mReader.data()) && !isLittleEndianMark(mReader.data())) {
        mProblem = QStringLiteral("the TIFF byte order mark is neither II nor MM");
        return;
    }
    const quint16 version = mReader.u16(2);
    mBigTiff = version == 43;
    if (version != 42 && !mBigTiff) {
        mProblem = QStringLiteral("the TIFF version is %1 instead of 42 or 43").arg(version);
        return;
    }

    // Classic TIFF: 4-byte IFD offset, 2-byte entry count, 12-byte entries.
    // BigTIFF: 8-byte offsets and counts, 20-byte entries.
    const quint64 ifdOffset = mBigTiff ? mReader.u64(8) : mReader.u32(4);
    const int countBytes = mBigTiff ? 8 : 2;
    const int entryBytes = mBigTiff ? 20 : 12;
    if (ifdOffset > quint64(mReader.size()) || !mReader.has(qint64(ifdOffset), countBytes)) {
        mProblem = QStringLiteral("the first TIFF directory at byte %1 lies beyond the end of the data")
                       .arg(ifdOffset);
        return;
    }
    mEntryCount = mBigTiff ? mReader.u64(qint64(ifdOffset)) : mReader.u16(qint64(ifdOffset));
    mEntriesOffset = qint64(ifdOffset) + countBytes;
    if (mEntryCount > quint64(mReader.size()) / entryBytes
        || !mReader.has(mEntriesOffset, qint64(mEntryCount) * entryBytes)) {
        mProblem = QStringLiteral("the first TIFF directory (%1 entries) is cut short").arg(mEntryCount);
    }
}

std::optional<quint64> TiffDirectory::value(quint16 tag) const
{
    if (!valid())
        return std::nullopt;
    const int entryBytes = mBigTiff ? 20 : 12;
    const int valueOffset = mBigTiff ? 12 : 8;
    for (quint64 i = 0; i < mEntryCount; ++i) {
        const qint64 entry = mEntriesOffset + qint64(i) * entryBytes;
        if (mReader.u16(entry) != tag)
            continue;
        const quint16 type = mReader.u16(entry + 2);
        if (type == kTypeShort)
            return mReader.u16(entry + valueOffset);
        if (type == kTypeLong)
            return mReader.u32(entry + valueOffset);
        if (type == kTypeLong8 && mBigTiff)
            return mReader.u64(entry + valueOffset);
        return std::nullopt;
    }
    return std::nullopt;
}

} // namespace patchead
