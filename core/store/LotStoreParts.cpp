// LotStore methods for part results, verdicts and thresholds.

#include "store/LotStore.h"

#include "common/Logging.h"
#include "store/AnomalyMapBlob.h"
#include "store/LotStoreStatement.h"
#include "store/LotStoreSupport.h"
#include "store/SqliteError.h"

#include <QJsonObject>
#include <cmath>
#include <utility>

namespace patchead {

namespace {

// The anomaly map is the last column, so that a query without maps selects
// NULL in its place and SQLite never reads the blob.
const char *const kPartColumns =
    "SELECT id, lot_id, path, sha256, image_width, image_height, image_score, verdict, "
    "operator_verdict, operator_name, error, map_width, map_height, scored_at, duration_ms, ";

QByteArray selectPartsSql(bool withMaps, const char *where)
{
    return QByteArray(kPartColumns) + (withMaps ? "anomaly_map" : "NULL") + " FROM parts "
        + where;
}

std::vector<float> readAnomalyMap(const LotStore &store, const LotStoreStatement &statement,
                                  const PartRecord &part)
{
    if (statement.isNull(15))
        return {};
    bool ok = false;
    const qsizetype count = qsizetype(part.mapWidth) * part.mapHeight;
    std::vector<float> values = decodeAnomalyMap(statement.blob(15), count, ok);
    if (!ok)
        throwStoreError(QStringLiteral("The anomaly map of part %1 in the lot database %2 is "
                                       "damaged (%3 bytes for a %4 x %5 map). Inspect the part "
                                       "again to replace it.")
                            .arg(part.path, store.path(),
                                 QString::number(statement.blob(15).size()),
                                 QString::number(part.mapWidth), QString::number(part.mapHeight)));
    return values;
}

PartRecord readPart(const LotStore &store, const LotStoreStatement &statement)
{
    PartRecord part;
    part.id = statement.int64(0);
    part.lotId = statement.int64(1);
    part.path = statement.text(2);
    part.sha256 = statement.text(3);
    part.imageWidth = int(statement.int64(4));
    part.imageHeight = int(statement.int64(5));
    part.imageScore = statement.real(6);
    part.verdict = verdictFromName(statement.text(7));
    part.operatorVerdict = operatorVerdictFromName(statement.text(8));
    part.operatorName = statement.text(9);
    part.error = statement.text(10);
    part.mapWidth = int(statement.int64(11));
    part.mapHeight = int(statement.int64(12));
    part.scoredAt = statement.time(13);
    part.durationMs = statement.real(14);
    part.anomalyMap = readAnomalyMap(store, statement, part);
    return part;
}

void rejectPart(const LotStore &store, const PartRecord &part, const QString &problem)
{
    throwStoreError(QStringLiteral("The result of part %1 cannot be stored in the lot database "
                                   "%2: %3.")
                        .arg(part.path, store.path(), problem));
}

void validatePart(const LotStore &store, const PartRecord &part)
{
    if (part.path.isEmpty())
        rejectPart(store, part, QStringLiteral("the part has no path. Set the image path"));
    if (std::isnan(part.imageScore))
        rejectPart(store, part, QStringLiteral("the image score is NaN. Store an unscorable "
                                               "part with verdict error and its reason"));
    if ((part.verdict == Verdict::Error) != !part.error.isEmpty())
        rejectPart(store, part, QStringLiteral("the error text must be set exactly when the "
                                               "verdict is error"));
    const qint64 expected = qint64(part.mapWidth) * part.mapHeight;
    if (part.mapWidth < 0 || part.mapHeight < 0 || qint64(part.anomalyMap.size()) != expected)
        rejectPart(store, part, QStringLiteral("the anomaly map has %1 values but its size is "
                                               "%2 x %3. Pass a map of width x height values, "
                                               "or an empty map with size 0 x 0")
                                    .arg(part.anomalyMap.size())
                                    .arg(part.mapWidth)
                                    .arg(part.mapHeight));
}

qint64 upsertPart(const LotStore &store, const PartRecord &part)
{
    // ON CONFLICT updates the row in place, so a re-inspected part keeps its id.
    LotStoreStatement statement(
        store,
        "INSERT INTO parts (lot_id, path, sha256, image_width, image_height, image_score, "
        "verdict, operator_verdict, operator_name, error, map_width, map_height, anomaly_map, "
        "scored_at, duration_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
        "?14, ?15) ON CONFLICT (lot_id, path) DO UPDATE SET sha256 = excluded.sha256, "
        "image_width = excluded.image_width, image_height = excluded.image_height, "
        "image_score = excluded.image_score, verdict = excluded.verdict, "
        "operator_verdict = excluded.operator_verdict, operator_name = excluded.operator_name, "
        "error = excluded.error, map_width = excluded.map_width, "
        "map_height = excluded.map_height, anomaly_map = excluded.anomaly_map, "
        "scored_at = excluded.scored_at, duration_ms = excluded.duration_ms RETURNING id");
    statement.bindInt64(1, part.lotId).bindText(2, part.path).bindText(3, part.sha256);
    statement.bindInt64(4, part.imageWidth).bindInt64(5, part.imageHeight);
    statement.bindDouble(6, part.imageScore).bindText(7, verdictName(part.verdict));
    statement.bindText(8, operatorVerdictName(part.operatorVerdict));
    statement.bindText(9, part.operatorName).bindText(10, part.error);
    statement.bindInt64(11, part.mapWidth).bindInt64(12, part.mapHeight);
    statement.bindBlob(13, encodeAnomalyMap(part.anomalyMap));
    statement.bindTime(14, part.scoredAt).bindDouble(15, part.durationMs);
    return returnedId(statement);
}

std::pair<double, double> readThresholds(const LotStore &store, qint64 lotId)
{
    requireLot(store, lotId);
    LotStoreStatement statement(
        store, "SELECT reject_threshold, review_threshold FROM lots WHERE id = ?1");
    statement.bindInt64(1, lotId);
    statement.next();
    return {statement.real(0), statement.real(1)};
}

// Re-derives the verdict of every scored part of the lot and returns how
// many changed. Parts with verdict error keep it because they have no score.
int rederiveVerdicts(const LotStore &store, qint64 lotId, double reject, double review)
{
    QVector<std::pair<qint64, Verdict>> changed;
    LotStoreStatement select(store, "SELECT id, image_score, verdict FROM parts "
                                    "WHERE lot_id = ?1 AND verdict <> 'error'");
    select.bindInt64(1, lotId);
    while (select.next()) {
        const Verdict verdict = verdictForScore(select.real(1), reject, review);
        if (verdict != verdictFromName(select.text(2)))
            changed.append({select.int64(0), verdict});
    }

    LotStoreStatement update(store, "UPDATE parts SET verdict = ?1 WHERE id = ?2");
    for (const auto &[partId, verdict] : changed) {
        update.bindText(1, verdictName(verdict)).bindInt64(2, partId);
        update.run();
        update.reset();
    }
    return changed.size();
}

qint64 insertThresholdChange(const LotStore &store, const ThresholdChange &change)
{
    LotStoreStatement statement(store, "INSERT INTO threshold_changes (lot_id, changed_at, "
                                       "old_reject, new_reject, old_review, new_review, reason) "
                                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id");
    statement.bindInt64(1, change.lotId).bindTime(2, change.changedAt);
    statement.bindDouble(3, change.oldReject).bindDouble(4, change.newReject);
    statement.bindDouble(5, change.oldReview).bindDouble(6, change.newReview);
    statement.bindText(7, change.reason);
    return returnedId(statement);
}

QJsonObject thresholdChangeDetails(const ThresholdChange &change, int verdictsChanged)
{
    return QJsonObject{{QStringLiteral("threshold_change_id"), change.id},
                       {QStringLiteral("old_reject"), change.oldReject},
                       {QStringLiteral("new_reject"), change.newReject},
                       {QStringLiteral("old_review"), change.oldReview},
                       {QStringLiteral("new_review"), change.newReview},
                       {QStringLiteral("reason"), change.reason},
                       {QStringLiteral("verdicts_changed"), verdictsChanged}};
}

// Returns the lot id and path of a part.
std::pair<qint64, QString> readPartLocation(const LotStore &store, qint64 partId)
{
    LotStoreStatement select(store, "SELECT lot_id, path FROM parts WHERE id = ?1");
    select.bindInt64(1, partId);
    if (!select.next())
        throwStoreError(QStringLiteral("Part id %1 was not found in the lot database %2. Reload "
                                       "the lot, because the part may belong to another "
                                       "database file.")
                            .arg(partId)
                            .arg(store.path()));
    return {select.int64(0), select.text(1)};
}

} // namespace

void LotStore::savePart(PartRecord &part)
{
    validatePart(*this, part);
    PartRecord saved = part;
    if (!saved.scoredAt.isValid())
        saved.scoredAt = storeTimeNow();

    LotStoreTransaction transaction(*this);
    requireLot(*this, saved.lotId);
    saved.id = upsertPart(*this, saved);
    transaction.commit();

    part.id = saved.id;
    part.scoredAt = saved.scoredAt;
    qCDebug(lcStore).noquote() << "Saved part" << part.id << part.path << "of lot" << part.lotId;
}

QVector<PartRecord> LotStore::parts(qint64 lotId, bool withMaps) const
{
    const QByteArray sql = selectPartsSql(withMaps, "WHERE lot_id = ?1 ORDER BY id");
    LotStoreStatement statement(*this, sql.constData());
    statement.bindInt64(1, lotId);
    QVector<PartRecord> result;
    while (statement.next())
        result.append(readPart(*this, statement));
    return result;
}

std::optional<PartRecord> LotStore::part(qint64 partId, bool withMap) const
{
    const QByteArray sql = selectPartsSql(withMap, "WHERE id = ?1");
    LotStoreStatement statement(*this, sql.constData());
    statement.bindInt64(1, partId);
    if (!statement.next())
        return std::nullopt;
    return readPart(*this, statement);
}

QSet<QString> LotStore::storedPartPaths(qint64 lotId) const
{
    LotStoreStatement statement(*this, "SELECT path FROM parts WHERE lot_id = ?1");
    statement.bindInt64(1, lotId);
    QSet<QString> paths;
    while (statement.next())
        paths.insert(statement.text(0));
    return paths;
}

LotCounts LotStore::counts(qint64 lotId) const
{
    LotStoreStatement statement(
        *this, "SELECT verdict, count(*) FROM parts WHERE lot_id = ?1 GROUP BY verdict");
    statement.bindInt64(1, lotId);
    LotCounts counts;
    while (statement.next()) {
        const int count = int(statement.int64(1));
        const Verdict verdict = verdictFromName(statement.text(0));
        counts.pass += verdict == Verdict::Pass ? count : 0;
        counts.review += verdict == Verdict::Review ? count : 0;
        counts.fail += verdict == Verdict::Fail ? count : 0;
        counts.error += verdict == Verdict::Error ? count : 0;
        counts.total += count;
    }
    return counts;
}

ThresholdChange LotStore::setThresholds(qint64 lotId, double rejectThreshold,
                                        double reviewThreshold, const QString &reason)
{
    requireThresholds(*this, rejectThreshold, reviewThreshold);
    ThresholdChange change;
    change.lotId = lotId;
    change.changedAt = storeTimeNow();
    change.newReject = rejectThreshold;
    change.newReview = reviewThreshold;
    change.reason = reason;

    LotStoreTransaction transaction(*this);
    std::tie(change.oldReject, change.oldReview) = readThresholds(*this, lotId);
    // The reason becomes the lot's threshold rule, so the lot always records
    // where its current thresholds came from.
    LotStoreStatement update(*this, "UPDATE lots SET reject_threshold = ?1, review_threshold = ?2, "
                                    "threshold_rule = CASE WHEN ?4 = '' THEN threshold_rule ELSE ?4 END "
                                    "WHERE id = ?3");
    update.bindDouble(1, rejectThreshold).bindDouble(2, reviewThreshold).bindInt64(3, lotId).bindText(4, reason);
    update.run();
    const int verdictsChanged = rederiveVerdicts(*this, lotId, rejectThreshold, reviewThreshold);
    change.id = insertThresholdChange(*this, change);
    insertAuditEvent(*this, lotId, QStringLiteral("threshold_changed"),
                     thresholdChangeDetails(change, verdictsChanged));
    transaction.commit();

    qCInfo(lcStore).noquote() << "Lot" << lotId << "thresholds changed: reject"
                              << change.oldReject << "->" << rejectThreshold << ", review"
                              << change.oldReview << "->" << reviewThreshold << ";"
                              << verdictsChanged << "verdicts changed";
    return change;
}

QVector<ThresholdChange> LotStore::thresholdHistory(qint64 lotId) const
{
    LotStoreStatement statement(*this, "SELECT id, lot_id, changed_at, old_reject, new_reject, "
                                       "old_review, new_review, reason FROM threshold_changes "
                                       "WHERE lot_id = ?1 ORDER BY id");
    statement.bindInt64(1, lotId);
    QVector<ThresholdChange> history;
    while (statement.next()) {
        ThresholdChange change;
        change.id = statement.int64(0);
        change.lotId = statement.int64(1);
        change.changedAt = statement.time(2);
        change.oldReject = statement.real(3);
        change.newReject = statement.real(4);
        change.oldReview = statement.real(5);
        change.newReview = statement.real(6);
        change.reason = statement.text(7);
        history.append(change);
    }
    return history;
}

void LotStore::setOperatorVerdict(qint64 partId, OperatorVerdict verdict,
                                  const QString &operatorName)
{
    LotStoreTransaction transaction(*this);
    const auto [lotId, path] = readPartLocation(*this, partId);
    LotStoreStatement update(*this, "UPDATE parts SET operator_verdict = ?1, operator_name = ?2 "
                                    "WHERE id = ?3");
    update.bindText(1, operatorVerdictName(verdict)).bindText(2, operatorName);
    update.bindInt64(3, partId);
    update.run();
    const QString decision = verdict == OperatorVerdict::None ? QStringLiteral("none")
                                                              : operatorVerdictName(verdict);
    insertAuditEvent(*this, lotId, QStringLiteral("operator_verdict"),
                     QJsonObject{{QStringLiteral("part_id"), partId},
                                 {QStringLiteral("path"), path},
                                 {QStringLiteral("decision"), decision},
                                 {QStringLiteral("operator"), operatorName}});
    transaction.commit();
    qCInfo(lcStore).noquote() << "Part" << partId << path << "operator verdict" << decision
                              << "by" << operatorName;
}

} // namespace patchead
