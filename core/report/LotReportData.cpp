#include "report/LotReportData.h"

#include "common/Error.h"
#include "common/Logging.h"
#include "store/LotStore.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace patchead {

namespace {

QJsonObject parsedSettings(const LotRecord &lot)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(lot.settingsJson.toUtf8(), &parseError);
    if (!document.isObject()) {
        if (!lot.settingsJson.isEmpty())
            qCWarning(lcReport) << "Settings of lot" << lot.name << "are not a JSON object:" << parseError.errorString();
        return {};
    }
    return document.object();
}

QString layersText(const QJsonObject &settings)
{
    QStringList layers;
    for (const QJsonValue &layer : settings.value(QStringLiteral("layers")).toArray())
        layers.append(layer.toString());
    return layers.isEmpty() ? QStringLiteral("encoder default") : layers.join(QStringLiteral(", "));
}

QString resolutionText(const QJsonObject &settings)
{
    const int resolution = settings.value(QStringLiteral("resolution")).toInt(0);
    if (resolution > 0)
        return QStringLiteral("%1 px (long side)").arg(resolution);
    return QStringLiteral("encoder default");
}

QString tilingText(const MapGeometry &geometry)
{
    const TilingSettings &tiling = geometry.tiling;
    if (tiling.mode == TilingMode::Off)
        return QStringLiteral("off (whole image at the encoder input)");
    QString text = tilingModeName(tiling.mode);
    text += tiling.tileSide > 0 ? QStringLiteral(", %1 px tiles").arg(tiling.tileSide)
                                : QStringLiteral(", tile side from the image");
    if (tiling.expectedDefectPixels > 0)
        text += QStringLiteral(" and a %1 px expected defect").arg(tiling.expectedDefectPixels);
    return text + QStringLiteral(", %1 % overlap").arg(tiling.overlap * 100.0, 0, 'g', 3);
}

QString alignmentText(const QJsonObject &settings)
{
    if (!settings.contains(QStringLiteral("alignment")))
        return QStringLiteral("not recorded");
    const QString mode = settings.value(QStringLiteral("alignment")).toString();
    const QJsonObject decision = settings.value(QStringLiteral("alignment_decision")).toObject();
    QString text = mode;
    if (mode != QLatin1String("off")) {
        text += QStringLiteral(", %1° steps").arg(settings.value(QStringLiteral("rotation_step")).toInt(45));
        text += settings.value(QStringLiteral("flips")).toBool(true) ? QStringLiteral(", mirrors allowed")
                                                                       : QStringLiteral(", no mirrors");
    }
    if (decision.isEmpty())
        return text;
    QStringList transforms;
    for (const QJsonValue &name : decision.value(QStringLiteral("transforms")).toArray())
        transforms.append(name.toString());
    text += QStringLiteral(". Decision: ") + decision.value(QStringLiteral("reason")).toString();
    if (!transforms.isEmpty())
        text += QStringLiteral(" Reference copies: ") + transforms.join(QStringLiteral(", ")) + QLatin1Char('.');
    return text;
}

QString imageScoreText(const QJsonObject &settings)
{
    const QString rule = settings.value(QStringLiteral("image_score")).toString(QStringLiteral("top-fraction-mean"));
    if (rule == QLatin1String("max"))
        return QStringLiteral("maximum patch score");
    const double fraction = settings.value(QStringLiteral("top_fraction")).toDouble(0.01);
    return QStringLiteral("mean of the top %1 % of patch scores").arg(fraction * 100.0, 0, 'g', 3);
}

QString neighbourhoodText(const QJsonObject &settings)
{
    const int k = settings.value(QStringLiteral("neighbourhood")).toInt(3);
    return k <= 1 ? QStringLiteral("1 (patches alone)") : QStringLiteral("%1 × %1 patches averaged").arg(k);
}

// setThresholds replaces the lot's rule with the reason of the change, so
// the rule the lot started with is read back from its creation event.
QString initialThresholdRule(const LotStore &store, qint64 lotId)
{
    for (const AuditEvent &event : store.auditLog(lotId)) {
        if (event.event != QLatin1String("lot_created"))
            continue;
        const QJsonObject details = QJsonDocument::fromJson(event.detailsJson.toUtf8()).object();
        const QString rule = details.value(QStringLiteral("threshold_rule")).toString();
        if (rule.isEmpty())
            return {};
        return QStringLiteral("reject %1, review %2: %3")
            .arg(reportScore(details.value(QStringLiteral("reject_threshold")).toDouble()),
                 reportScore(details.value(QStringLiteral("review_threshold")).toDouble()), rule);
    }
    return {};
}

} // namespace

LotReportData loadLotReportData(const LotStore &store, qint64 lotId, const LotReportOptions &options)
{
    const std::optional<LotRecord> lot = store.lot(lotId);
    if (!lot)
        throw SettingsError(QStringLiteral("Lot id %1 not found in %2. Check the lot id and that this is the "
                                           "database the lot was inspected into.").arg(lotId).arg(store.path()));
    LotReportData data;
    data.lot = *lot;
    data.settings = parsedSettings(data.lot);
    data.references = store.references(lotId);
    data.parts = store.parts(lotId, false);
    data.thresholdHistory = store.thresholdHistory(lotId);
    if (!data.thresholdHistory.isEmpty())
        data.initialThresholdRule = initialThresholdRule(store, lotId);
    data.counts = store.counts(lotId);
    data.operatorName = options.operatorName.isEmpty() ? data.lot.operatorName : options.operatorName;
    data.generatedAt = (options.generatedAt.isValid() ? options.generatedAt : QDateTime::currentDateTimeUtc()).toUTC();

    data.mapGeometry = MapGeometry::fromLotSettings(data.settings);
    if (!data.mapGeometry.inputRecorded)
        qCInfo(lcReport) << "Lot" << data.lot.name << "does not record its encoder input; maps use 224 x 224";
    return data;
}

bool isFlaggedPart(const PartRecord &part)
{
    return part.verdict != Verdict::Pass || part.operatorVerdict == OperatorVerdict::Rejected;
}

QVector<PartRecord> reportedParts(const LotReportData &data, bool allParts)
{
    QVector<PartRecord> selected;
    for (const PartRecord &part : data.parts) {
        if (allParts || isFlaggedPart(part))
            selected.append(part);
    }
    return selected;
}

QVector<ReportField> settingsFields(const LotReportData &data)
{
    const QJsonObject &s = data.settings;
    const QString hash = data.lot.modelHash.isEmpty() ? QStringLiteral("not recorded") : data.lot.modelHash;
    return {
        {QStringLiteral("Encoder"), data.lot.modelName.isEmpty() ? QStringLiteral("not recorded") : data.lot.modelName},
        {QStringLiteral("Encoder SHA-256"), hash, !data.lot.modelHash.isEmpty()},
        {QStringLiteral("Layers"), layersText(s)},
        {QStringLiteral("Input resolution"), resolutionText(s)},
        {QStringLiteral("Tiling"), tilingText(data.mapGeometry)},
        {QStringLiteral("Alignment"), alignmentText(s)},
        {QStringLiteral("Neighbourhood"), neighbourhoodText(s)},
        {QStringLiteral("Image score"), imageScoreText(s)},
        {QStringLiteral("Map smoothing"),
         QStringLiteral("Gaussian, sigma %1 px at encoder input").arg(data.mapGeometry.sigma, 0, 'g', 4)},
    };
}

QString reportTimestamp(const QDateTime &time)
{
    if (!time.isValid())
        return QStringLiteral("not recorded");
    return time.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) + QStringLiteral(" UTC");
}

QString reportScore(double score)
{
    return QString::number(score, 'f', 5);
}

} // namespace patchead
