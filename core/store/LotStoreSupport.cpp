#include "store/LotStoreSupport.h"

#include "store/LotStoreStatement.h"
#include "store/SqliteError.h"

#include <QJsonDocument>
#include <QJsonParseError>
#include <cmath>

namespace patchead {

QDateTime storeTimeNow()
{
    return QDateTime::currentDateTimeUtc();
}

void requireLot(const LotStore &store, qint64 lotId)
{
    LotStoreStatement statement(store, "SELECT 1 FROM lots WHERE id = ?1");
    statement.bindInt64(1, lotId);
    if (!statement.next())
        throwStoreError(QStringLiteral("Lot id %1 was not found in the lot database %2. Reload "
                                       "the lot list, because the lot may belong to another "
                                       "database file.")
                            .arg(lotId)
                            .arg(store.path()));
}

void requireJsonObject(const LotStore &store, const QString &json, const QString &valueName)
{
    if (json.isEmpty())
        return;
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        throwStoreError(QStringLiteral("The %1 to be stored in the lot database %2 is not a JSON "
                                       "object (%3): %4. Pass a JSON object such as {\"key\": 1}.")
                            .arg(valueName, store.path(),
                                 error.error != QJsonParseError::NoError
                                     ? error.errorString()
                                     : QStringLiteral("valid JSON of another type"),
                                 json.left(200)));
}

void requireThresholds(const LotStore &store, double rejectThreshold, double reviewThreshold)
{
    if (std::isnan(rejectThreshold) || std::isnan(reviewThreshold)
        || reviewThreshold > rejectThreshold)
        throwStoreError(QStringLiteral("Invalid thresholds for the lot database %1: reject %2, "
                                       "review %3. Both must be numbers and the review "
                                       "threshold must not exceed the reject threshold (set "
                                       "them equal for no review band).")
                            .arg(store.path(), QString::number(rejectThreshold),
                                 QString::number(reviewThreshold)));
}

qint64 insertAuditEvent(const LotStore &store, qint64 lotId, const QString &event,
                        const QString &detailsJson)
{
    LotStoreStatement statement(store, "INSERT INTO audit_log (lot_id, at, event, details_json) "
                                       "VALUES (?1, ?2, ?3, ?4) RETURNING id");
    if (lotId != 0)
        statement.bindInt64(1, lotId);
    statement.bindTime(2, storeTimeNow());
    statement.bindText(3, event);
    statement.bindText(4, detailsJson.isEmpty() ? QStringLiteral("{}") : detailsJson);
    return returnedId(statement);
}

qint64 insertAuditEvent(const LotStore &store, qint64 lotId, const QString &event,
                        const QJsonObject &details)
{
    const QByteArray json = QJsonDocument(details).toJson(QJsonDocument::Compact);
    return insertAuditEvent(store, lotId, event, QString::fromUtf8(json));
}

qint64 returnedId(LotStoreStatement &statement)
{
    const qint64 id = statement.next() ? statement.int64(0) : 0;
    statement.run();
    return id;
}

} // namespace patchead
