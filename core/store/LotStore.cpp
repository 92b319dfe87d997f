#include "store/LotStore.h"

#include "common/Logging.h"
#include "store/LotStoreStatement.h"
#include "store/Schema.h"
#include "store/SqliteError.h"

#include <QFile>
#include <QFileInfo>
#include <QStringList>
#include <QUrl>
#include <sqlite3.h>
#include <sys/stat.h>

namespace patchead {

namespace {

void checkReadOnlyLocation(const QFileInfo &file)
{
    if (!file.exists())
        throwStoreError(QStringLiteral("The lot database %1 was not found. Check the path, or "
                                       "open it read-write to create a new database.")
                            .arg(file.filePath()));
}

void checkReadWriteLocation(const QFileInfo &file)
{
    const QFileInfo folder(file.absolutePath());
    if (!folder.isDir())
        throwStoreError(QStringLiteral("The folder %2 of the lot database %1 does not exist. "
                                       "Create the folder or choose another path.")
                            .arg(file.filePath(), folder.filePath()));
    if (!folder.isWritable() && !file.exists())
        throwStoreError(QStringLiteral("The lot database %1 cannot be created because its folder "
                                       "%2 is read-only. Make the folder writable, or choose a "
                                       "database path in a writable folder.")
                            .arg(file.filePath(), folder.filePath()));
    if (!folder.isWritable())
        throwStoreError(QStringLiteral("The lot database %1 cannot be written because its folder "
                                       "%2 is read-only, and SQLite must create the files %1-wal "
                                       "and %1-shm there. Make the folder writable, or move the "
                                       "database to a writable folder. `patchead report` can "
                                       "still export it.")
                            .arg(file.filePath(), folder.filePath()));
    if (file.exists() && !file.isWritable())
        throwStoreError(QStringLiteral("The lot database %1 is a read-only file. Make the file "
                                       "writable. `patchead report` can still export it.")
                            .arg(file.filePath()));
    // SQLite names its -wal and -shm files after the path it was given, so
    // writers that reach one file through two hard links keep two logs and
    // corrupt it (sqlite.org, "How To Corrupt An SQLite Database File",
    // section 2.5). A symbolic link is safe: SQLite resolves it.
    struct stat status {};
    if (::stat(QFile::encodeName(file.filePath()).constData(), &status) == 0 && status.st_nlink > 1)
        throwStoreError(QStringLiteral("The lot database %1 has %2 hard links. Writing to it through more "
                                       "than one name would corrupt it, because SQLite keeps its log beside "
                                       "each name. Open it by one path only: replace the other hard links "
                                       "with symbolic links.")
                            .arg(file.filePath())
                            .arg(static_cast<qulonglong>(status.st_nlink)));
}

// A read-only folder without a -wal file means no writer can change the
// database (a writer would have to create that file), so SQLite may read it
// as immutable and skip the -shm file that it could not create there.
bool canOpenImmutable(const QFileInfo &file)
{
    const QFileInfo folder(file.absolutePath());
    return !folder.isWritable() && !QFileInfo::exists(file.filePath() + QStringLiteral("-wal"));
}

QByteArray sqliteFileName(const QFileInfo &file, LotStore::Mode mode, int &flags)
{
    if (mode == LotStore::Mode::ReadWrite) {
        flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
        return file.filePath().toUtf8();
    }
    flags |= SQLITE_OPEN_READONLY;
    if (!canOpenImmutable(file))
        return file.filePath().toUtf8();
    flags |= SQLITE_OPEN_URI;
    const QUrl url = QUrl::fromLocalFile(file.absoluteFilePath());
    return url.toString(QUrl::FullyEncoded).toUtf8() + "?immutable=1";
}

sqlite3 *openConnection(const QString &path, LotStore::Mode mode, int busyTimeoutMs)
{
    // NOMUTEX: one LotStore is used by one thread at a time (see LotStore).
    int flags = SQLITE_OPEN_NOMUTEX;
    const QByteArray fileName = sqliteFileName(QFileInfo(path), mode, flags);
    sqlite3 *db = nullptr;
    const int resultCode = sqlite3_open_v2(fileName.constData(), &db, flags, nullptr);
    if (resultCode != SQLITE_OK) {
        const QString message = sqliteErrorMessage(path, db, resultCode, busyTimeoutMs);
        sqlite3_close_v2(db);
        throwStoreError(message);
    }
    sqlite3_busy_timeout(db, busyTimeoutMs);
    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_FKEY, 1, nullptr);
    return db;
}

// WAL lets readers in other processes see committed parts while a writer
// runs, and a killed writer leaves at most an uncommitted WAL tail that SQLite
// ignores. synchronous = FULL syncs the WAL at every commit: NORMAL would
// sync only at checkpoints and could lose the last committed parts on a power
// cut. The cost is one fsync per savePart.
void enableWriteAheadLog(const LotStore &store)
{
    LotStoreStatement journalMode(store, "PRAGMA journal_mode = WAL");
    const QString mode = journalMode.next() ? journalMode.text(0) : QString();
    journalMode.run();
    if (mode.compare(QLatin1String("wal"), Qt::CaseInsensitive) != 0)
        throwStoreError(QStringLiteral("The lot database %1 cannot use write-ahead logging "
                                       "(journal mode stays \"%2\"), which crash safety and "
                                       "concurrent readers need. Move the database to a local "
                                       "disk, because network shares often lack the shared "
                                       "memory it needs.")
                            .arg(store.path(), mode));
    LotStoreStatement(store, "PRAGMA synchronous = FULL").run();
}

} // namespace

LotStore::LotStore(const QString &path, sqlite3 *db) : mPath(path), mDb(db) {}

LotStore::~LotStore()
{
    if (sqlite3_close_v2(mDb) != SQLITE_OK)
        qCWarning(lcStore).noquote() << "Closing the lot database" << mPath
                                     << "failed:" << sqlite3_errmsg(mDb);
}

std::unique_ptr<LotStore> LotStore::open(const QString &path, Mode mode, int busyTimeoutMs)
{
    const QFileInfo file(path);
    if (mode == Mode::ReadOnly)
        checkReadOnlyLocation(file);
    else
        checkReadWriteLocation(file);

    std::unique_ptr<LotStore> store(new LotStore(path, openConnection(path, mode, busyTimeoutMs)));
    store->mBusyTimeoutMs = busyTimeoutMs;
    store->mMode = mode;
    if (mode == Mode::ReadWrite && sqlite3_db_readonly(store->mDb, "main") == 1)
        throwSqliteError(path, nullptr, SQLITE_READONLY, busyTimeoutMs);

    // Checked before any pragma that writes, so a rejected file stays as it was.
    checkSchemaCompatible(*store, mode);
    if (mode == Mode::ReadWrite) {
        enableWriteAheadLog(*store);
        migrateSchema(*store);
    }
    qCInfo(lcStore).noquote() << "Opened lot database" << path
                              << (mode == Mode::ReadOnly ? "read-only" : "read-write");
    return store;
}

int LotStore::schemaVersion() const
{
    return readSchemaVersion(*this);
}

QString LotStore::integrityCheck() const
{
    LotStoreStatement statement(*this, "PRAGMA integrity_check");
    QStringList problems;
    while (statement.next())
        problems << statement.text(0);
    return problems.join(QLatin1Char('\n'));
}

} // namespace patchead
