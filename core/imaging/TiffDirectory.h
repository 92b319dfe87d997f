#pragma once

// Private to patchead_imaging: the first image file directory (IFD) of a TIFF
// structure, which is both a TIFF file and the payload of an EXIF segment.

#include "imaging/ByteReader.h"

#include <QString>
#include <optional>

namespace patchead {

// Reads the byte order ("II" little endian, "MM" big endian), the classic
// (version 42) or BigTIFF (version 43) header and the entries of the first IFD.
class TiffDirectory {
public:
    TiffDirectory(const uchar *data, qint64 size);

    // False when the header or the first IFD is malformed or cut short.
    // problem() then describes the fault.
    bool valid() const { return mProblem.isEmpty(); }
    const QString &problem() const { return mProblem; }

    // Returns the first value of a SHORT, LONG or LONG8 entry, or nothing
    // when the tag is absent or has another type.
    std::optional<quint64> value(quint16 tag) const;

private:
    void readHeader();

    ByteReader mReader;
    bool mBigTiff = false;
    qint64 mEntriesOffset = 0;
    quint64 mEntryCount = 0;
    QString mProblem;
};

} // namespace patchead
