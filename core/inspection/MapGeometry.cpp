#include "inspection/MapGeometry.h"

#include "common/Error.h"
#include "common/Logging.h"
#include "features/Preprocess.h"
#include "scoring/AnomalyMap.h"

#include <algorithm>

namespace patchead {

MapGeometry MapGeometry::fromSettings(const InspectionSettings &settings, const InputSpec &input)
{
    MapGeometry geometry;
    geometry.input = input;
    geometry.resolution = settings.resolution;
    geometry.keepAspect = settings.keepAspect;
    geometry.tiling = settings.tiling;
    geometry.sigma = settings.mapSigma;
    return geometry;
}

MapGeometry MapGeometry::fromLotSettings(const QJsonObject &json)
{
    InspectionSettings settings;
    try {
        settings = InspectionSettings::fromJson(json);
    } catch (const SettingsError &error) {
        qCWarning(lcInspection) << "Lot settings out of range; rendering maps with defaults:" << error.message();
    }
    InputSpec input;
    const QJsonObject recorded = json.value(QStringLiteral("encoder_input")).toObject();
    MapGeometry geometry = fromSettings(settings, input);
    geometry.inputRecorded = !recorded.isEmpty();
    if (geometry.inputRecorded) {
        geometry.input.width = std::max(1, recorded.value(QStringLiteral("width")).toInt(input.width));
        geometry.input.height = std::max(1, recorded.value(QStringLiteral("height")).toInt(input.height));
        geometry.input.sizeMultiple = std::max(1, recorded.value(QStringLiteral("size_multiple")).toInt(1));
    }
    return geometry;
}

int MapGeometry::encoderSide() const
{
    const cv::Size square = patchead::inputSizeFor(input, resolution, cv::Size(1, 1), false);
    return std::max(square.width, square.height);
}

cv::Size MapGeometry::inputSizeFor(const cv::Size &imageSize) const
{
    return patchead::inputSizeFor(input, resolution, imageSize, keepAspect);
}

TileLayout MapGeometry::tilingFor(const cv::Size &imageSize) const
{
    return planTiles(imageSize, tiling, encoderSide());
}

cv::Size MapGeometry::mapInputSizeFor(const cv::Size &imageSize) const
{
    const TileLayout layout = tilingFor(imageSize);
    if (!layout.isTiled())
        return inputSizeFor(imageSize);
    return stitchedInputSize(layout, inputSizeFor(cv::Size(layout.tileSide, layout.tileSide)));
}

cv::Mat MapGeometry::renderMap(const PatchGrid &patchScores, const cv::Size &imageSize,
                               const cv::Size &outputSize) const
{
    return renderAnomalyMap(patchScores, mapInputSizeFor(imageSize), sigma, outputSize);
}

QJsonObject encoderInputToJson(const InputSpec &input)
{
    return {{QStringLiteral("width"), input.width},
            {QStringLiteral("height"), input.height},
            {QStringLiteral("size_multiple"), input.sizeMultiple}};
}

} // namespace patchead
