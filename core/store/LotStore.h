#pragma once

#include "store/LotRecords.h"

#include <QSet>
#include <QString>
#include <memory>
#include <optional>

struct sqlite3;

namespace patchead {

// The lot database: one SQLite file holding lots, their references, every
// part's result, threshold history and an append-only audit log.
//
// Durability contract: the file runs in WAL mode and every write method is
// one transaction, so a process killed at any moment loses at most the call
// in flight. Commits are synced to disk (synchronous = FULL), so on a disk
// that honours fsync a returned write also survives a power cut. Readers in
// other processes see committed parts while a writer runs. A busy database
// is retried for busyTimeoutMs before StoreError.
//
// All methods throw StoreError with a message naming the database file and
// the fix. One LotStore object must be used from one thread at a time; open
// a second LotStore on the same file for another thread.
class LotStore {
public:
    enum class Mode { ReadWrite, ReadOnly };

    static constexpr int kSchemaVersion = 1;

    // Opens or creates the database. ReadOnly never creates or migrates.
    // Rejects, without changing the file, one whose schema version is newer
    // than kSchemaVersion, one that is not a lot database, and one whose
    // header or schema is corrupt. Damage elsewhere in the file is found by
    // integrityCheck() and may make a later call raise StoreError. open()
    // does not check every page because that takes time in proportion to the
    // file size. ReadOnly also opens a file in a read-only folder.
    static std::unique_ptr<LotStore> open(const QString &path, Mode mode = Mode::ReadWrite,
                                          int busyTimeoutMs = 5000);
    ~LotStore();
    LotStore(const LotStore &) = delete;
    LotStore &operator=(const LotStore &) = delete;

    const QString &path() const { return mPath; }
    Mode mode() const { return mMode; }
    int schemaVersion() const;

    // Lots. createLot fills id and createdAt (and status "created" when the
    // status is empty) and logs "lot_created". Lot names are unique within a
    // database, so a duplicate name raises StoreError.
    qint64 createLot(LotRecord &lot);
    std::optional<LotRecord> lot(qint64 lotId) const;
    std::optional<LotRecord> findLot(const QString &name) const;
    QVector<LotRecord> lots() const;            // newest first
    void setLotStatus(qint64 lotId, const QString &status);
    void setLotSettings(qint64 lotId, const QString &settingsJson);

    // References of a lot, replaced as a whole.
    void setReferences(qint64 lotId, const QVector<ReferenceRecord> &references);
    QVector<ReferenceRecord> references(qint64 lotId) const;

    // Inserts or replaces the result of (lotId, path) in one transaction and
    // fills part.id, and part.scoredAt with the current time when it is
    // invalid. The verdict stored is the one in the record. Raises StoreError
    // for an unknown lot, an empty path, a NaN score, an anomaly map whose
    // size is not mapWidth x mapHeight, or an error text that does not match
    // the Error verdict.
    void savePart(PartRecord &part);
    QVector<PartRecord> parts(qint64 lotId, bool withMaps = false) const;
    std::optional<PartRecord> part(qint64 partId, bool withMap = true) const;
    // Paths of the lot's parts that have a stored result (scored or error).
    QSet<QString> storedPartPaths(qint64 lotId) const;
    LotCounts counts(qint64 lotId) const;

    // Changes the thresholds, re-derives every automatic verdict of the lot,
    // stores a non-empty reason as the lot's threshold rule,
    // and records the change in the threshold history and audit log, all in
    // one transaction. Returns the recorded change.
    ThresholdChange setThresholds(qint64 lotId, double rejectThreshold, double reviewThreshold,
                                  const QString &reason);
    QVector<ThresholdChange> thresholdHistory(qint64 lotId) const;

    void setOperatorVerdict(qint64 partId, OperatorVerdict verdict, const QString &operatorName);

    // lotId 0 records an event that belongs to no lot, and auditLog(0) lists
    // those events. detailsJson must be empty or a JSON object.
    void appendAudit(qint64 lotId, const QString &event, const QString &detailsJson = {});
    QVector<AuditEvent> auditLog(qint64 lotId) const;

    // Runs SQLite's integrity check; returns "ok" or the problems found.
    QString integrityCheck() const;

private:
    LotStore(const QString &path, sqlite3 *db);

    QString mPath;
    sqlite3 *mDb = nullptr;
    int mBusyTimeoutMs = 5000; // reported in the message of a lock timeout
    Mode mMode = Mode::ReadWrite;
    friend class LotStoreStatement;
};

} // namespace patchead
