#include "store/SqliteError.h"

#include "common/Error.h"
#include "common/Logging.h"

#include <sqlite3.h>

namespace patchead {

namespace {

// The message for each primary result code: %1 is the database path, %2
// SQLite's own description and %3 the busy timeout in milliseconds.
struct CodeMessage {
    int code;
    const char *text;
};

const CodeMessage kCodeMessages[] = {
    {SQLITE_BUSY, "The lot database %1 is locked by another program writing to it and stayed "
                  "locked for %3 ms. Close the other PatchEAD window or command-line run that "
                  "uses this file, then retry."},
    {SQLITE_LOCKED, "The lot database %1 is locked by another connection of this program (%2). "
                    "Retry once the other operation has finished."},
    {SQLITE_FULL, "The disk holding the lot database %1 is full, so the last change was not "
                  "saved. Free disk space and retry. Results saved earlier are kept."},
    {SQLITE_READONLY, "The lot database %1 cannot be written because the file or its folder is "
                      "read-only (SQLite: %2). Make both writable; `patchead report` can "
                      "still export it."},
    {SQLITE_NOTADB, "%1 is not a PatchEAD lot database (it is not an SQLite file). Choose the lot "
                    "database file, or move this file away so that a new database can be "
                    "created there."},
    {SQLITE_CORRUPT, "The lot database %1 is corrupt (SQLite: %2). Restore it from a backup. The "
                     "sqlite3 command \".recover\" may save the readable rows."},
    {SQLITE_CANTOPEN, "The lot database %1 cannot be opened (SQLite: %2). Check that the file "
                      "and its folder exist and that this user may access them."},
    {SQLITE_IOERR, "Reading or writing the lot database %1 failed with an I/O error (SQLite: "
                   "%2). Check the disk and its connection, then retry."},
};

const char *const kOtherMessage =
    "The lot database %1 reported an error (SQLite: %2). Retry, and if the error persists, run the "
    "integrity check and keep a copy of the file for support.";

QString sqliteDetail(sqlite3 *db, int resultCode)
{
    const char *text = db ? sqlite3_errmsg(db) : sqlite3_errstr(resultCode);
    return QStringLiteral("%1, code %2").arg(QString::fromUtf8(text)).arg(resultCode);
}

// Replaces %1 to %3 in one pass. QString::arg() would number the values by
// the placeholders present, and a second arg() call would also replace a
// "%2" inside the path.
QString fillMessage(const char *text, const QString (&values)[3])
{
    const QString pattern = QString::fromUtf8(text);
    QString message;
    for (qsizetype i = 0; i < pattern.size(); ++i) {
        const int slot = i + 1 < pattern.size() ? pattern[i + 1].digitValue() : -1;
        if (pattern[i] == QLatin1Char('%') && slot >= 1 && slot <= 3) {
            message += values[slot - 1];
            ++i;
        } else {
            message += pattern[i];
        }
    }
    return message;
}

} // namespace

QString sqliteErrorMessage(const QString &path, sqlite3 *db, int resultCode, int busyTimeoutMs)
{
    const char *text = kOtherMessage;
    for (const CodeMessage &entry : kCodeMessages) {
        if (entry.code == (resultCode & 0xff))
            text = entry.text;
    }
    return fillMessage(text, {path, sqliteDetail(db, resultCode), QString::number(busyTimeoutMs)});
}

void throwSqliteError(const QString &path, sqlite3 *db, int resultCode, int busyTimeoutMs)
{
    throwStoreError(sqliteErrorMessage(path, db, resultCode, busyTimeoutMs));
}

void throwStoreError(const QString &message)
{
    // Debug level only: whoever catches the StoreError shows the message, and
    // a warning here printed it twice on the command line.
    qCDebug(lcStore).noquote() << message;
    throw StoreError(message);
}

} // namespace patchead
