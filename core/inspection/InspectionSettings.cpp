#include "inspection/InspectionSettings.h"

#include "common/Error.h"

#include <QJsonArray>

namespace patchead {

QString alignmentModeName(AlignmentMode mode)
{
    switch (mode) {
    case AlignmentMode::Off: return QStringLiteral("off");
    case AlignmentMode::Auto: return QStringLiteral("auto");
    case AlignmentMode::Always: return QStringLiteral("always");
    }
    return QStringLiteral("off");
}

AlignmentMode alignmentModeFromName(const QString &name)
{
    if (name == QLatin1String("off"))
        return AlignmentMode::Off;
    if (name == QLatin1String("auto"))
        return AlignmentMode::Auto;
    if (name == QLatin1String("always"))
        return AlignmentMode::Always;
    throw SettingsError(QStringLiteral("Unknown alignment mode \"%1\"; use off, auto or always.").arg(name));
}

QJsonObject InspectionSettings::toJson() const
{
    QJsonObject json;
    json[QStringLiteral("layers")] = QJsonArray::fromStringList(layers);
    json[QStringLiteral("resolution")] = resolution;
    json[QStringLiteral("neighbourhood")] = features.neighbourhood;
    json[QStringLiteral("image_score")] = imageScoreRuleName(imageScore.rule);
    json[QStringLiteral("top_fraction")] = imageScore.topFraction;
    json[QStringLiteral("alignment")] = alignmentModeName(alignment.mode);
    json[QStringLiteral("rotation_step")] = alignment.rotationStepDegrees;
    json[QStringLiteral("flips")] = alignment.allowFlips;
    json[QStringLiteral("map_sigma")] = mapSigma;
    json[QStringLiteral("review_quantile")] = threshold.reviewQuantile;
    json[QStringLiteral("reject_margin")] = threshold.rejectMargin;
    json[QStringLiteral("fixed_reject_threshold")] = fixedRejectThreshold;
    json[QStringLiteral("fixed_review_threshold")] = fixedReviewThreshold;
    return json;
}

InspectionSettings InspectionSettings::fromJson(const QJsonObject &json)
{
    InspectionSettings s;
    for (const QJsonValue &layer : json.value(QStringLiteral("layers")).toArray())
        s.layers.append(layer.toString());
    s.resolution = json.value(QStringLiteral("resolution")).toInt(s.resolution);
    s.features.neighbourhood = json.value(QStringLiteral("neighbourhood")).toInt(s.features.neighbourhood);
    s.imageScore.rule = imageScoreRuleFromName(
        json.value(QStringLiteral("image_score")).toString(imageScoreRuleName(s.imageScore.rule)));
    s.imageScore.topFraction = json.value(QStringLiteral("top_fraction")).toDouble(s.imageScore.topFraction);
    s.alignment.mode = alignmentModeFromName(
        json.value(QStringLiteral("alignment")).toString(alignmentModeName(s.alignment.mode)));
    s.alignment.rotationStepDegrees = json.value(QStringLiteral("rotation_step")).toInt(s.alignment.rotationStepDegrees);
    s.alignment.allowFlips = json.value(QStringLiteral("flips")).toBool(s.alignment.allowFlips);
    s.mapSigma = json.value(QStringLiteral("map_sigma")).toDouble(s.mapSigma);
    s.threshold.reviewQuantile = json.value(QStringLiteral("review_quantile")).toDouble(s.threshold.reviewQuantile);
    s.threshold.rejectMargin = json.value(QStringLiteral("reject_margin")).toDouble(s.threshold.rejectMargin);
    s.fixedRejectThreshold = json.value(QStringLiteral("fixed_reject_threshold")).toDouble(0.0);
    s.fixedReviewThreshold = json.value(QStringLiteral("fixed_review_threshold")).toDouble(0.0);
    s.validate();
    return s;
}

void InspectionSettings::validate() const
{
    auto fail = [](const QString &what) { throw SettingsError(what); };
    if (resolution < 0 || resolution > 4096)
        fail(QStringLiteral("Resolution %1 is out of range; use 0 (the encoder's size) or 32 to 4096 pixels.")
                 .arg(resolution));
    if (features.neighbourhood < 1 || features.neighbourhood > 9 || features.neighbourhood % 2 == 0)
        fail(QStringLiteral("Neighbourhood %1 must be an odd number from 1 to 9.").arg(features.neighbourhood));
    if (!(imageScore.topFraction > 0.0 && imageScore.topFraction <= 1.0))
        fail(QStringLiteral("Top fraction %1 must be in (0, 1].").arg(imageScore.topFraction));
    if (alignment.rotationStepDegrees != 45 && alignment.rotationStepDegrees != 90)
        fail(QStringLiteral("Rotation step %1 must be 45 or 90 degrees.").arg(alignment.rotationStepDegrees));
    if (mapSigma < 0.0 || mapSigma > 64.0)
        fail(QStringLiteral("Map sigma %1 must be between 0 and 64 pixels.").arg(mapSigma));
    if (fixedRejectThreshold < 0.0 || fixedReviewThreshold < 0.0)
        fail(QStringLiteral("Thresholds must not be negative."));
    if (fixedReviewThreshold > 0.0 && fixedReviewThreshold > fixedRejectThreshold)
        fail(QStringLiteral("Review threshold %1 must not exceed the reject threshold %2.")
                 .arg(fixedReviewThreshold).arg(fixedRejectThreshold));
}

} // namespace patchead
