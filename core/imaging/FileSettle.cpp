#include "imaging/FileSettle.h"

#include "common/Error.h"
#include "common/Logging.h"

#include <QFileInfo>
#include <QThread>

namespace patchead {

namespace {

ImageError stillBeingWritten(const QString &path, const FileSnapshot &before, const FileSnapshot &after)
{
    return ImageError(path,
                      QStringLiteral("still being written (its size went from %1 to %2 bytes or its "
                                     "modification time changed while it was checked); it is retried on "
                                     "the next run of the lot, so run the same command again once the "
                                     "copy has finished")
                          .arg(before.size)
                          .arg(after.size));
}

} // namespace

FileSnapshot snapshotFile(const QString &path)
{
    const QFileInfo info(path);
    if (!info.exists())
        return {};
    return {info.size(), info.fileTime(QFileDevice::FileModificationTime)};
}

FileSnapshot waitUntilSettled(const QString &path, int settleMs)
{
    const FileSnapshot before = snapshotFile(path);
    if (before.size < 0 || settleMs <= 0)
        return before;
    // A modification time in the future (clock skew on a network share)
    // gives a negative age, so the wait is capped at settleMs.
    const qint64 ageMs = before.modified.msecsTo(QDateTime::currentDateTime());
    if (ageMs >= settleMs)
        return before;
    const qint64 waitMs = qBound<qint64>(1, qint64(settleMs) - ageMs, qint64(settleMs));
    qCDebug(lcImaging).noquote() << path << "was modified" << ageMs << "ms ago; waiting" << waitMs
                                 << "ms for it to settle";
    QThread::msleep(static_cast<unsigned long>(waitMs));
    // A file removed meanwhile is left to the loader, which reports it as not found.
    const FileSnapshot after = snapshotFile(path);
    if (after.size >= 0 && after != before)
        throw stillBeingWritten(path, before, after);
    return after;
}

void requireUnchanged(const QString &path, const FileSnapshot &before)
{
    const FileSnapshot now = snapshotFile(path);
    if (now.size >= 0 && now != before)
        throw stillBeingWritten(path, before, now);
}

} // namespace patchead
