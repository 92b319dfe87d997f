#pragma once

#include <QString>
#include <memory>

class QLockFile;

namespace patchead {

// Keeps a second run, in this process or another, from inspecting the same
// lot of the same database at the same time, which would score every part
// twice and race on its rows. The lock is a file beside the database file,
// with symbolic links resolved, so that every path to it shares the lock
// ("<database>.lot-<12 hex digits of the lot name's SHA-256>.lock"). It
// contains the process id and host. A lock left by a process that no longer
// runs is taken over. Lots of a database in memory are not locked.
class LotRunLock {
public:
    // Throws SettingsError naming the lot, the process that holds it and the
    // lock file when another run holds the lot. When the lock file cannot be
    // created (a read-only folder), the run goes on unlocked with a warning:
    // the database then reports the folder itself.
    LotRunLock(const QString &databasePath, const QString &lotName);
    ~LotRunLock();
    LotRunLock(const LotRunLock &) = delete;
    LotRunLock &operator=(const LotRunLock &) = delete;

    // The lock file's path; empty for a database in memory.
    static QString lockFilePath(const QString &databasePath, const QString &lotName);

private:
    std::unique_ptr<QLockFile> mLock;
};

} // namespace patchead
