#pragma once

#include <QDateTime>
#include <QString>
#include <QtGlobal>

namespace patchead {

// Size and modification time of a file, compared to tell whether a camera
// or a copy is still writing it.
struct FileSnapshot {
    qint64 size = -1;
    QDateTime modified;

    bool operator==(const FileSnapshot &other) const { return size == other.size && modified == other.modified; }
    bool operator!=(const FileSnapshot &other) const { return !(*this == other); }
};

// Returns the file's current size and modification time (size -1 when the
// file is missing).
FileSnapshot snapshotFile(const QString &path);

// Waits until the file was last modified at least settleMs ago, sleeping at
// most settleMs, and returns its snapshot. Throws ImageError with the reason
// "still being written" when its size or modification time changed during
// the wait. Files older than settleMs return at once, so only files that
// arrived moments ago cost time.
FileSnapshot waitUntilSettled(const QString &path, int settleMs);

// Throws ImageError "still being written" when the file no longer matches
// `before` (taken before it was read), because the bytes read may then mix
// two versions of the file.
void requireUnchanged(const QString &path, const FileSnapshot &before);

} // namespace patchead
