// LotStore methods for lots, their reference images and the audit log.

#include "store/LotStore.h"

#include "common/Logging.h"
#include "store/LotStoreStatement.h"
#include "store/LotStoreSupport.h"
#include "store/SqliteError.h"

#include <QJsonObject>

namespace patchead {

namespace {

const char *const kSelectLot =
    "SELECT id, name, folder, created_at, operator_name, settings_json, model_name, "
    "model_hash, reject_threshold, review_threshold, threshold_rule, status FROM lots ";

LotRecord readLot(const LotStoreStatement &statement)
{
    LotRecord lot;
    lot.id = statement.int64(0);
    lot.name = statement.text(1);
    lot.folder = statement.text(2);
    lot.createdAt = statement.time(3);
    lot.operatorName = statement.text(4);
    lot.settingsJson = statement.text(5);
    lot.modelName = statement.text(6);
    lot.modelHash = statement.text(7);
    lot.rejectThreshold = statement.real(8);
    lot.reviewThreshold = statement.real(9);
    lot.thresholdRule = statement.text(10);
    lot.status = statement.text(11);
    return lot;
}

std::optional<LotRecord> firstLot(LotStoreStatement &statement)
{
    if (!statement.next())
        return std::nullopt;
    return readLot(statement);
}

void validateNewLot(const LotStore &store, const LotRecord &lot)
{
    if (lot.name.trimmed().isEmpty())
        throwStoreError(QStringLiteral("A lot needs a name before it is stored in the lot "
                                       "database %1. Enter a lot name.")
                            .arg(store.path()));
    requireThresholds(store, lot.rejectThreshold, lot.reviewThreshold);
    const QString settingsName = QStringLiteral("settings of lot \"%1\"").arg(lot.name);
    requireJsonObject(store, lot.settingsJson, settingsName);
    if (store.findLot(lot.name))
        throwStoreError(QStringLiteral("A lot named \"%1\" already exists in the lot database "
                                       "%2. Choose another name, or open the existing lot to "
                                       "resume it.")
                            .arg(lot.name, store.path()));
}

qint64 insertLot(const LotStore &store, const LotRecord &lot)
{
    LotStoreStatement statement(
        store, "INSERT INTO lots (name, folder, created_at, operator_name, settings_json, "
               "model_name, model_hash, reject_threshold, review_threshold, threshold_rule, "
               "status) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) RETURNING id");
    statement.bindText(1, lot.name).bindText(2, lot.folder).bindTime(3, lot.createdAt);
    statement.bindText(4, lot.operatorName).bindText(5, lot.settingsJson);
    statement.bindText(6, lot.modelName).bindText(7, lot.modelHash);
    statement.bindDouble(8, lot.rejectThreshold).bindDouble(9, lot.reviewThreshold);
    statement.bindText(10, lot.thresholdRule).bindText(11, lot.status);
    return returnedId(statement);
}

QJsonObject lotCreatedDetails(const LotRecord &lot)
{
    return QJsonObject{{QStringLiteral("name"), lot.name},
                       {QStringLiteral("folder"), lot.folder},
                       {QStringLiteral("operator"), lot.operatorName},
                       {QStringLiteral("model_name"), lot.modelName},
                       {QStringLiteral("model_hash"), lot.modelHash},
                       {QStringLiteral("reject_threshold"), lot.rejectThreshold},
                       {QStringLiteral("review_threshold"), lot.reviewThreshold},
                       {QStringLiteral("threshold_rule"), lot.thresholdRule}};
}

void updateLotText(const LotStore &store, const char *sql, qint64 lotId, const QString &value)
{
    LotStoreTransaction transaction(store);
    requireLot(store, lotId);
    LotStoreStatement statement(store, sql);
    statement.bindText(1, value).bindInt64(2, lotId);
    statement.run();
    transaction.commit();
}

} // namespace

qint64 LotStore::createLot(LotRecord &lot)
{
    LotRecord created = lot;
    created.createdAt = storeTimeNow();
    if (created.status.isEmpty())
        created.status = QStringLiteral("created");

    LotStoreTransaction transaction(*this);
    validateNewLot(*this, created);
    created.id = insertLot(*this, created);
    insertAuditEvent(*this, created.id, QStringLiteral("lot_created"), lotCreatedDetails(created));
    transaction.commit();

    // The caller's record changes only once the lot is stored.
    lot = created;
    qCInfo(lcStore).noquote() << "Created lot" << lot.id << lot.name << "in" << mPath;
    return lot.id;
}

std::optional<LotRecord> LotStore::lot(qint64 lotId) const
{
    const QByteArray sql = QByteArray(kSelectLot) + "WHERE id = ?1";
    LotStoreStatement statement(*this, sql.constData());
    statement.bindInt64(1, lotId);
    return firstLot(statement);
}

std::optional<LotRecord> LotStore::findLot(const QString &name) const
{
    const QByteArray sql = QByteArray(kSelectLot) + "WHERE name = ?1";
    LotStoreStatement statement(*this, sql.constData());
    statement.bindText(1, name);
    return firstLot(statement);
}

QVector<LotRecord> LotStore::lots() const
{
    const QByteArray sql = QByteArray(kSelectLot) + "ORDER BY created_at DESC, id DESC";
    LotStoreStatement statement(*this, sql.constData());
    QVector<LotRecord> result;
    while (statement.next())
        result.append(readLot(statement));
    return result;
}

void LotStore::setLotStatus(qint64 lotId, const QString &status)
{
    if (status.trimmed().isEmpty())
        throwStoreError(QStringLiteral("An empty status for lot %1 cannot be stored in the lot "
                                       "database %2. Pass created, running, complete or "
                                       "cancelled.")
                            .arg(lotId)
                            .arg(mPath));
    updateLotText(*this, "UPDATE lots SET status = ?1 WHERE id = ?2", lotId, status);
}

void LotStore::setLotSettings(qint64 lotId, const QString &settingsJson)
{
    requireJsonObject(*this, settingsJson, QStringLiteral("settings of lot %1").arg(lotId));
    updateLotText(*this, "UPDATE lots SET settings_json = ?1 WHERE id = ?2", lotId, settingsJson);
}

void LotStore::setReferences(qint64 lotId, const QVector<ReferenceRecord> &references)
{
    LotStoreTransaction transaction(*this);
    requireLot(*this, lotId);
    LotStoreStatement remove(*this, "DELETE FROM reference_images WHERE lot_id = ?1");
    remove.bindInt64(1, lotId);
    remove.run();

    LotStoreStatement insert(*this, "INSERT INTO reference_images (lot_id, path, sha256, "
                                    "leave_one_out_score) VALUES (?1, ?2, ?3, ?4)");
    for (const ReferenceRecord &reference : references) {
        insert.bindInt64(1, lotId).bindText(2, reference.path).bindText(3, reference.sha256);
        insert.bindDouble(4, reference.leaveOneOutScore);
        insert.run();
        insert.reset();
    }
    transaction.commit();
}

QVector<ReferenceRecord> LotStore::references(qint64 lotId) const
{
    LotStoreStatement statement(*this, "SELECT id, lot_id, path, sha256, leave_one_out_score "
                                       "FROM reference_images WHERE lot_id = ?1 ORDER BY id");
    statement.bindInt64(1, lotId);
    QVector<ReferenceRecord> result;
    while (statement.next()) {
        ReferenceRecord reference;
        reference.id = statement.int64(0);
        reference.lotId = statement.int64(1);
        reference.path = statement.text(2);
        reference.sha256 = statement.text(3);
        reference.leaveOneOutScore = statement.real(4);
        result.append(reference);
    }
    return result;
}

void LotStore::appendAudit(qint64 lotId, const QString &event, const QString &detailsJson)
{
    if (event.trimmed().isEmpty())
        throwStoreError(QStringLiteral("An audit event without a name cannot be stored in the "
                                       "lot database %1. Pass an event name such as "
                                       "\"inspection_started\".")
                            .arg(mPath));
    const QString detailsName = QStringLiteral("details of audit event \"%1\"").arg(event);
    requireJsonObject(*this, detailsJson, detailsName);

    LotStoreTransaction transaction(*this);
    if (lotId != 0)
        requireLot(*this, lotId);
    insertAuditEvent(*this, lotId, event, detailsJson);
    transaction.commit();
}

QVector<AuditEvent> LotStore::auditLog(qint64 lotId) const
{
    LotStoreStatement statement(*this, "SELECT id, lot_id, at, event, details_json FROM "
                                       "audit_log WHERE lot_id IS ?1 ORDER BY id");
    if (lotId != 0)
        statement.bindInt64(1, lotId);
    QVector<AuditEvent> result;
    while (statement.next()) {
        AuditEvent event;
        event.id = statement.int64(0);
        event.lotId = statement.int64(1);
        event.at = statement.time(2);
        event.event = statement.text(3);
        event.detailsJson = statement.text(4);
        result.append(event);
    }
    return result;
}

} // namespace patchead
