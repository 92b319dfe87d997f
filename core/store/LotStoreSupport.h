#pragma once

#include "store/LotStore.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>

namespace patchead {

class LotStoreStatement;

// Helpers shared by the LotStore source files. Each one that checks input
// throws StoreError naming the database and the value.

// The current time in UTC, at the millisecond precision that is stored.
QDateTime storeTimeNow();

// Throws unless the lot exists.
void requireLot(const LotStore &store, qint64 lotId);

// Throws unless json is empty or a JSON object. valueName names the value in
// the message.
void requireJsonObject(const LotStore &store, const QString &json, const QString &valueName);

// Throws unless both thresholds are numbers and review <= reject.
void requireThresholds(const LotStore &store, double rejectThreshold, double reviewThreshold);

// Appends one audit row inside the caller's transaction. lotId 0 stores an
// event that belongs to no lot, and empty details are stored as "{}".
qint64 insertAuditEvent(const LotStore &store, qint64 lotId, const QString &event,
                        const QString &detailsJson);
qint64 insertAuditEvent(const LotStore &store, qint64 lotId, const QString &event,
                        const QJsonObject &details);

// Steps an INSERT ... RETURNING id to its end and returns the id.
qint64 returnedId(LotStoreStatement &statement);

} // namespace patchead
