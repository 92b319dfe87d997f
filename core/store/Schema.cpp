#include "store/Schema.h"

#include "common/Logging.h"
#include "store/LotStoreStatement.h"
#include "store/SqliteError.h"

#include <iterator>

namespace patchead {

namespace {

// Times are UTC text in ISO 8601 with milliseconds. anomaly_map holds
// map_height * map_width float32 values, row-major, each stored little-endian
// whatever the host byte order, or NULL when the part has no map. The UNIQUE
// (lot_id, path) index also serves every lookup of parts by lot. The audit
// triggers make audit_log append-only for every program that opens the file:
// the third one catches INSERT OR REPLACE, which deletes the old row without
// firing delete triggers unless recursive_triggers is on.
const char *const kSchemaVersion1 = R"sql(
CREATE TABLE lots (
    id               INTEGER PRIMARY KEY,
    name             TEXT NOT NULL UNIQUE,
    folder           TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    operator_name    TEXT NOT NULL,
    settings_json    TEXT NOT NULL,
    model_name       TEXT NOT NULL,
    model_hash       TEXT NOT NULL,
    reject_threshold REAL NOT NULL,
    review_threshold REAL NOT NULL,
    threshold_rule   TEXT NOT NULL,
    status           TEXT NOT NULL
);
CREATE TABLE reference_images (
    id                  INTEGER PRIMARY KEY,
    lot_id              INTEGER NOT NULL REFERENCES lots(id),
    path                TEXT NOT NULL,
    sha256              TEXT NOT NULL,
    leave_one_out_score REAL NOT NULL
);
CREATE INDEX reference_images_by_lot ON reference_images(lot_id);
CREATE TABLE parts (
    id               INTEGER PRIMARY KEY,
    lot_id           INTEGER NOT NULL REFERENCES lots(id),
    path             TEXT NOT NULL,
    sha256           TEXT NOT NULL,
    image_width      INTEGER NOT NULL,
    image_height     INTEGER NOT NULL,
    image_score      REAL NOT NULL,
    verdict          TEXT NOT NULL CHECK (verdict IN ('pass', 'review', 'fail', 'error')),
    operator_verdict TEXT NOT NULL CHECK (operator_verdict IN ('', 'accepted', 'rejected')),
    operator_name    TEXT NOT NULL,
    error            TEXT NOT NULL,
    map_width        INTEGER NOT NULL,
    map_height       INTEGER NOT NULL,
    anomaly_map      BLOB,
    scored_at        TEXT NOT NULL,
    duration_ms      REAL NOT NULL,
    UNIQUE (lot_id, path)
);
CREATE INDEX parts_by_lot_score ON parts(lot_id, image_score);
CREATE TABLE threshold_changes (
    id          INTEGER PRIMARY KEY,
    lot_id      INTEGER NOT NULL REFERENCES lots(id),
    changed_at  TEXT NOT NULL,
    old_reject  REAL NOT NULL,
    new_reject  REAL NOT NULL,
    old_review  REAL NOT NULL,
    new_review  REAL NOT NULL,
    reason      TEXT NOT NULL
);
CREATE INDEX threshold_changes_by_lot ON threshold_changes(lot_id);
CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,
    lot_id       INTEGER REFERENCES lots(id),
    at           TEXT NOT NULL,
    event        TEXT NOT NULL,
    details_json TEXT NOT NULL
);
CREATE INDEX audit_log_by_lot ON audit_log(lot_id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only: rows cannot be updated');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only: rows cannot be deleted');
END;
CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log
WHEN EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only: rows cannot be replaced');
END;
)sql";

void createVersion1(const LotStore &store)
{
    LotStoreStatement::execScript(store, kSchemaVersion1);
}

// kMigrations[i] upgrades a file from schema version i to i + 1. A new
// version appends its step here and raises LotStore::kSchemaVersion.
using Migration = void (*)(const LotStore &store);
const Migration kMigrations[] = {&createVersion1};
static_assert(std::size(kMigrations) == LotStore::kSchemaVersion,
              "every schema version needs exactly one migration step");

qint64 readPragma(const LotStore &store, const char *sql)
{
    LotStoreStatement statement(store, sql);
    return statement.next() ? statement.int64(0) : 0;
}

void rejectForeignFile(const LotStore &store, int version)
{
    const qint64 applicationId = readPragma(store, "PRAGMA application_id");
    const qint64 tableCount = readPragma(store, "SELECT count(*) FROM sqlite_master");
    const bool foreignId = applicationId != 0 && applicationId != kLotStoreApplicationId;
    const bool unmarked = applicationId == 0 && (version > 0 || tableCount > 0);
    if (foreignId || unmarked)
        throwStoreError(QStringLiteral("%1 is an SQLite database of another program, not a "
                                       "PatchEAD lot database. Choose the lot database file, or "
                                       "another path to create a new one.")
                            .arg(store.path()));
}

void rejectNewerVersion(const LotStore &store, int version)
{
    if (version > LotStore::kSchemaVersion)
        throwStoreError(QStringLiteral("The lot database %1 was written by a newer PatchEAD "
                                       "version (schema version %2, but this program supports up "
                                       "to %3). Update the program to open it. The file was "
                                       "not changed.")
                            .arg(store.path(), QString::number(version),
                                 QString::number(LotStore::kSchemaVersion)));
}

void rejectReadOnlyUpgrade(const LotStore &store, int version)
{
    if (version == 0)
        throwStoreError(QStringLiteral("%1 contains no lot database yet. Open it read-write to "
                                       "create one, or choose an existing lot database.")
                            .arg(store.path()));
    if (version < LotStore::kSchemaVersion)
        throwStoreError(QStringLiteral("The lot database %1 has the older schema version %2. "
                                       "Open it read-write once to upgrade it to version %3.")
                            .arg(store.path(), QString::number(version),
                                 QString::number(LotStore::kSchemaVersion)));
}

} // namespace

int readSchemaVersion(const LotStore &store)
{
    return int(readPragma(store, "PRAGMA user_version"));
}

void checkSchemaCompatible(const LotStore &store, LotStore::Mode mode)
{
    const int version = readSchemaVersion(store);
    rejectForeignFile(store, version);
    rejectNewerVersion(store, version);
    if (mode == LotStore::Mode::ReadOnly)
        rejectReadOnlyUpgrade(store, version);
}

void migrateSchema(const LotStore &store)
{
    // Most opens find the current version and skip the write lock, so they
    // neither wait for nor block a writer in another process.
    if (readSchemaVersion(store) == LotStore::kSchemaVersion)
        return;

    LotStoreTransaction transaction(store);
    const int from = readSchemaVersion(store);
    rejectNewerVersion(store, from);
    if (from == LotStore::kSchemaVersion)
        return;

    for (int version = from; version < LotStore::kSchemaVersion; ++version)
        kMigrations[version](store);
    // PRAGMA takes no bound parameters, so the numbers are formatted in.
    const QByteArray pragmas =
        QStringLiteral("PRAGMA application_id = %1; PRAGMA user_version = %2")
            .arg(kLotStoreApplicationId)
            .arg(LotStore::kSchemaVersion)
            .toUtf8();
    LotStoreStatement::execScript(store, pragmas.constData());
    transaction.commit();
    // Version 0 is a database without tables, because checkSchemaCompatible
    // rejects any other file of version 0, so this open created it.
    if (from == 0)
        qCInfo(lcStore).noquote() << "Created lot database" << store.path() << "with schema version"
                                  << LotStore::kSchemaVersion;
    else
        qCInfo(lcStore).noquote() << "Upgraded lot database" << store.path() << "from schema version"
                                  << from << "to" << LotStore::kSchemaVersion;
}

} // namespace patchead

