#include "report/JsonExport.h"

#include "common/Error.h"
#include "common/Logging.h"
#include "scoring/Threshold.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

#include <algorithm>
#include <cmath>

namespace patchead {

namespace {

QJsonValue utcTime(const QDateTime &time)
{
    return time.isValid() ? QJsonValue(time.toUTC().toString(Qt::ISODateWithMs)) : QJsonValue();
}

// Returns the stored settings as an object, or as the stored text when it is
// not a JSON object.
QJsonValue settingsValue(const QString &settingsJson)
{
    const QJsonDocument document = QJsonDocument::fromJson(settingsJson.toUtf8());
    if (document.isObject())
        return document.object();
    return settingsJson.isEmpty() ? QJsonValue() : QJsonValue(settingsJson);
}

QJsonObject lotRecordJson(const LotRecord &lot)
{
    return {{QStringLiteral("id"), lot.id},
            {QStringLiteral("name"), lot.name},
            {QStringLiteral("folder"), lot.folder},
            {QStringLiteral("created_at_utc"), utcTime(lot.createdAt)},
            {QStringLiteral("operator"), lot.operatorName},
            {QStringLiteral("status"), lot.status},
            {QStringLiteral("model_name"), lot.modelName},
            {QStringLiteral("model_sha256"), lot.modelHash},
            {QStringLiteral("settings"), settingsValue(lot.settingsJson)}};
}

QJsonObject thresholdsJson(const LotRecord &lot, const QVector<ThresholdChange> &history)
{
    QJsonArray changes;
    for (const ThresholdChange &change : history) {
        changes.append(QJsonObject{{QStringLiteral("changed_at_utc"), utcTime(change.changedAt)},
                                   {QStringLiteral("old_reject"), change.oldReject},
                                   {QStringLiteral("new_reject"), change.newReject},
                                   {QStringLiteral("old_review"), change.oldReview},
                                   {QStringLiteral("new_review"), change.newReview},
                                   {QStringLiteral("reason"), change.reason}});
    }
    return {{QStringLiteral("reject"), lot.rejectThreshold},
            {QStringLiteral("review"), lot.reviewThreshold},
            {QStringLiteral("rule"), lot.thresholdRule},
            {QStringLiteral("history"), changes}};
}

QJsonObject countsJson(const QVector<PartRecord> &parts)
{
    int counts[4] = {0, 0, 0, 0};
    for (const PartRecord &part : parts)
        ++counts[static_cast<int>(part.verdict)];
    return {{QStringLiteral("total"), static_cast<int>(parts.size())},
            {QStringLiteral("pass"), counts[static_cast<int>(Verdict::Pass)]},
            {QStringLiteral("review"), counts[static_cast<int>(Verdict::Review)]},
            {QStringLiteral("fail"), counts[static_cast<int>(Verdict::Fail)]},
            {QStringLiteral("error"), counts[static_cast<int>(Verdict::Error)]}};
}

QJsonArray referencesJson(const QVector<ReferenceRecord> &references)
{
    std::vector<double> scores;
    for (const ReferenceRecord &reference : references)
        scores.push_back(reference.leaveOneOutScore);
    const std::vector<ReferenceOutlier> outliers = findOutlierReferences(scores);
    QJsonArray array;
    for (int i = 0; i < references.size(); ++i) {
        const ReferenceRecord &reference = references.at(i);
        const bool scored = std::isfinite(reference.leaveOneOutScore);
        array.append(QJsonObject{
            {QStringLiteral("path"), reference.path},
            {QStringLiteral("sha256"), reference.sha256},
            {QStringLiteral("leave_one_out_score"), scored ? QJsonValue(reference.leaveOneOutScore) : QJsonValue()},
            {QStringLiteral("unlike_others"),
             std::any_of(outliers.begin(), outliers.end(), [i](const ReferenceOutlier &o) { return o.index == i; })}});
    }
    return array;
}

} // namespace

QJsonObject partJson(const LotRecord &lot, const PartRecord &part)
{
    // JSON has no NaN, so a score that is not finite is written as null.
    const bool scored = part.verdict != Verdict::Error && std::isfinite(part.imageScore);
    return {{QStringLiteral("lot"), lot.name},
            {QStringLiteral("part_file"), QFileInfo(part.path).fileName()},
            {QStringLiteral("image_sha256"), part.sha256},
            {QStringLiteral("raw_score"), scored ? QJsonValue(part.imageScore) : QJsonValue()},
            {QStringLiteral("normalised_score"),
             scored ? QJsonValue(normalisedScore(part.imageScore, lot.rejectThreshold)) : QJsonValue()},
            {QStringLiteral("verdict"), verdictName(part.verdict)},
            {QStringLiteral("operator_verdict"), operatorVerdictName(part.operatorVerdict)},
            {QStringLiteral("operator"), part.operatorName},
            {QStringLiteral("scored_at_utc"), part.scoredAt.toUTC().toString(Qt::ISODateWithMs)},
            {QStringLiteral("error"), part.error},
            {QStringLiteral("part_path"), part.path}};
}

QJsonObject lotJson(const LotRecord &lot, const QVector<PartRecord> &parts,
                    const QVector<ThresholdChange> &thresholdHistory, const QVector<ReferenceRecord> &references)
{
    QJsonArray partArray;
    for (const PartRecord &part : parts)
        partArray.append(partJson(lot, part));
    return {{QStringLiteral("format"), QStringLiteral("patchead-lot")},
            {QStringLiteral("format_version"), kLotJsonFormatVersion},
            {QStringLiteral("lot"), lotRecordJson(lot)},
            {QStringLiteral("thresholds"), thresholdsJson(lot, thresholdHistory)},
            {QStringLiteral("counts"), countsJson(parts)},
            {QStringLiteral("references"), referencesJson(references)},
            {QStringLiteral("parts"), partArray}};
}

void writeLotJson(const QString &path, const LotRecord &lot, const QVector<PartRecord> &parts,
                  const QVector<ThresholdChange> &thresholdHistory, const QVector<ReferenceRecord> &references)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        throw Error(QStringLiteral("Cannot write JSON %1: %2. Check that the folder exists and is writable.")
                        .arg(path, file.errorString()));
    file.write(QJsonDocument(lotJson(lot, parts, thresholdHistory, references)).toJson(QJsonDocument::Indented));
    if (!file.commit())
        throw Error(QStringLiteral("Cannot write JSON %1: %2. Check free space and permissions.")
                        .arg(path, file.errorString()));
    qCInfo(lcReport) << "Wrote" << parts.size() << "parts of lot" << lot.name << "to" << path;
}

} // namespace patchead
