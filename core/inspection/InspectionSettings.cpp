#include "inspection/InspectionSettings.h"

#include "common/Error.h"

#include <QJsonArray>
#include <QJsonObject>

namespace patchead {

std::optional<Thresholds> userThresholds(const InspectionSettings &settings)
{
    if (settings.fixedRejectThreshold <= 0.0)
        return std::nullopt;
    return fixedThresholds(settings.fixedRejectThreshold,
                           settings.fixedReviewThreshold > 0.0 ? settings.fixedReviewThreshold : -1.0);
}

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

namespace {

QJsonArray rectToJson(const QRectF &r)
{
    return QJsonArray{r.x(), r.y(), r.width(), r.height()};
}

QRectF rectFromJson(const QJsonValue &value)
{
    const QJsonArray a = value.toArray();
    return a.size() == 4 ? QRectF(a[0].toDouble(), a[1].toDouble(), a[2].toDouble(), a[3].toDouble()) : QRectF();
}

QJsonObject maskToJson(const MaskSettings &mask)
{
    QJsonArray ignores;
    for (const QRectF &r : mask.ignoreRegions)
        ignores.append(rectToJson(r));
    QJsonObject json{{QStringLiteral("source"), maskSourceName(mask.source)},
                     {QStringLiteral("background_weight"), mask.backgroundWeight},
                     {QStringLiteral("pca_threshold"), mask.pcaThreshold},
                     {QStringLiteral("attention_threshold"), mask.attentionThreshold},
                     {QStringLiteral("ignore_regions"), ignores},
                     {QStringLiteral("mask_image"), mask.maskImagePath}};
    if (!mask.regionOfInterest.isEmpty())
        json[QStringLiteral("region_of_interest")] = rectToJson(mask.regionOfInterest);
    return json;
}

MaskSettings maskFromJson(const QJsonObject &json)
{
    MaskSettings mask;
    mask.source = maskSourceFromName(json.value(QStringLiteral("source")).toString(maskSourceName(mask.source)));
    mask.backgroundWeight = json.value(QStringLiteral("background_weight")).toDouble(mask.backgroundWeight);
    mask.pcaThreshold = json.value(QStringLiteral("pca_threshold")).toDouble(mask.pcaThreshold);
    mask.attentionThreshold = json.value(QStringLiteral("attention_threshold")).toDouble(mask.attentionThreshold);
    mask.regionOfInterest = rectFromJson(json.value(QStringLiteral("region_of_interest")));
    for (const QJsonValue &r : json.value(QStringLiteral("ignore_regions")).toArray())
        mask.ignoreRegions.append(rectFromJson(r));
    mask.maskImagePath = json.value(QStringLiteral("mask_image")).toString();
    return mask;
}

QJsonObject zeroShotToJson(const ZeroShotSettings &zeroShot)
{
    QJsonArray neighbourhoods;
    for (int r : zeroShot.neighbourhoods)
        neighbourhoods.append(r);
    return {{QStringLiteral("enabled"), zeroShot.enabled},
            {QStringLiteral("rule"), mutualScoringRuleName(zeroShot.scoring.rule)},
            {QStringLiteral("smallest_fraction"), zeroShot.scoring.smallestFraction},
            {QStringLiteral("pooled_quantile"), zeroShot.scoring.pooledQuantile},
            {QStringLiteral("neighbourhoods"), neighbourhoods},
            {QStringLiteral("review_spread"), zeroShot.reviewSpread},
            {QStringLiteral("reject_spread"), zeroShot.rejectSpread}};
}

ZeroShotSettings zeroShotFromJson(const QJsonObject &json)
{
    ZeroShotSettings z;
    z.enabled = json.value(QStringLiteral("enabled")).toBool(z.enabled);
    z.scoring.rule = mutualScoringRuleFromName(json.value(QStringLiteral("rule")).toString(mutualScoringRuleName(z.scoring.rule)));
    z.scoring.smallestFraction = json.value(QStringLiteral("smallest_fraction")).toDouble(z.scoring.smallestFraction);
    z.scoring.pooledQuantile = json.value(QStringLiteral("pooled_quantile")).toDouble(z.scoring.pooledQuantile);
    if (json.contains(QStringLiteral("neighbourhoods"))) {
        z.neighbourhoods.clear();
        for (const QJsonValue &r : json.value(QStringLiteral("neighbourhoods")).toArray())
            z.neighbourhoods.append(r.toInt());
    }
    z.reviewSpread = json.value(QStringLiteral("review_spread")).toDouble(z.reviewSpread);
    z.rejectSpread = json.value(QStringLiteral("reject_spread")).toDouble(z.rejectSpread);
    return z;
}

QJsonObject tilingToJson(const TilingSettings &tiling)
{
    return {{QStringLiteral("mode"), tilingModeName(tiling.mode)},
            {QStringLiteral("tile_side"), tiling.tileSide},
            {QStringLiteral("overlap"), tiling.overlap},
            {QStringLiteral("expected_defect_pixels"), tiling.expectedDefectPixels}};
}

TilingSettings tilingFromJson(const QJsonObject &json)
{
    TilingSettings t;
    t.mode = tilingModeFromName(json.value(QStringLiteral("mode")).toString(tilingModeName(t.mode)));
    t.tileSide = json.value(QStringLiteral("tile_side")).toInt(t.tileSide);
    t.overlap = json.value(QStringLiteral("overlap")).toDouble(t.overlap);
    t.expectedDefectPixels = json.value(QStringLiteral("expected_defect_pixels")).toInt(t.expectedDefectPixels);
    return t;
}

} // namespace

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
    json[QStringLiteral("keep_aspect")] = keepAspect;
    json[QStringLiteral("mask")] = maskToJson(mask);
    json[QStringLiteral("zero_shot")] = zeroShotToJson(zeroShot);
    json[QStringLiteral("tiling")] = tilingToJson(tiling);
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
    s.keepAspect = json.value(QStringLiteral("keep_aspect")).toBool(false);
    s.mask = maskFromJson(json.value(QStringLiteral("mask")).toObject());
    s.zeroShot = zeroShotFromJson(json.value(QStringLiteral("zero_shot")).toObject());
    s.tiling = tilingFromJson(json.value(QStringLiteral("tiling")).toObject());
    s.validate();
    return s;
}

void InspectionSettings::validate() const
{
    auto fail = [](const QString &what) { throw SettingsError(what); };
    if (resolution < 0 || (resolution > 0 && resolution < 32) || resolution > 4096)
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
    // Checked here as well as in thresholdsFromGoodScores, so that a bad
    // margin fails before any reference is encoded.
    if (!(threshold.rejectMargin >= 0.0 && threshold.rejectMargin <= 10.0))
        fail(QStringLiteral("Reject margin %1 is out of range; give a fraction from 0 to 10 (0.10 puts the "
                            "reject threshold 10 % above the largest leave-one-out score).")
                 .arg(threshold.rejectMargin));
    if (!(threshold.reviewQuantile >= 0.0 && threshold.reviewQuantile <= 1.0))
        fail(QStringLiteral("Review quantile %1 is out of range; give 0 to 1.").arg(threshold.reviewQuantile));
    if (mask.backgroundWeight < 0.0 || mask.backgroundWeight > 1.0)
        fail(QStringLiteral("Background weight %1 must be between 0 and 1.").arg(mask.backgroundWeight));
    if (zeroShot.neighbourhoods.isEmpty())
        fail(QStringLiteral("Zero-shot scoring needs at least one neighbourhood size."));
    for (int r : zeroShot.neighbourhoods) {
        if (r < 1 || r > 9 || r % 2 == 0)
            fail(QStringLiteral("Zero-shot neighbourhood %1 must be an odd number from 1 to 9.").arg(r));
    }
    if (!(zeroShot.scoring.smallestFraction > 0.0 && zeroShot.scoring.smallestFraction <= 1.0))
        fail(QStringLiteral("Zero-shot smallest fraction %1 must be in (0, 1].").arg(zeroShot.scoring.smallestFraction));
    if (!(zeroShot.scoring.pooledQuantile > 0.0 && zeroShot.scoring.pooledQuantile <= 1.0))
        fail(QStringLiteral("Zero-shot pooled quantile %1 must be in (0, 1].").arg(zeroShot.scoring.pooledQuantile));
    if (zeroShot.rejectSpread < zeroShot.reviewSpread)
        fail(QStringLiteral("The zero-shot reject spread must not be below the review spread."));
    if (tiling.tileSide < 0 || tiling.tileSide > 16384)
        fail(QStringLiteral("Tile side %1 is out of range; use 0 (automatic) or up to 16384 pixels.").arg(tiling.tileSide));
    if (!(tiling.overlap >= 0.0 && tiling.overlap <= 0.75))
        fail(QStringLiteral("Tile overlap %1 must be between 0 and 0.75 of the tile side.").arg(tiling.overlap));
    if (tiling.expectedDefectPixels < 0)
        fail(QStringLiteral("Expected defect size %1 must not be negative.").arg(tiling.expectedDefectPixels));
    if (fixedReviewThreshold > 0.0 && fixedReviewThreshold > fixedRejectThreshold)
        fail(QStringLiteral("Review threshold %1 must not exceed the reject threshold %2.")
                 .arg(fixedReviewThreshold).arg(fixedRejectThreshold));
}

} // namespace patchead
