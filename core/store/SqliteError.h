#pragma once

#include <QString>

struct sqlite3;

namespace patchead {

// Builds the user-facing message for an SQLite result code, naming the
// database file and the next step for the user. With a null db only the code
// is described. busyTimeoutMs is how long SQLite waited on a lock.
QString sqliteErrorMessage(const QString &path, sqlite3 *db, int resultCode, int busyTimeoutMs);

// Logs and throws StoreError with sqliteErrorMessage().
[[noreturn]] void throwSqliteError(const QString &path, sqlite3 *db, int resultCode,
                                   int busyTimeoutMs);

// Logs and throws StoreError with a message that the caller wrote.
[[noreturn]] void throwStoreError(const QString &message);

} // namespace patchead
