#pragma once

#include "encoder/EncoderManifest.h"
#include "inspection/InspectionSettings.h"

#include <QJsonObject>
#include <opencv2/core.hpp>

namespace patchead {

// The geometry of a lot's images at the encoder input, which turns a stored
// patch grid back into the anomaly map its score came from, in the report
// and the GUI as in the inspection itself.
struct MapGeometry {
    InputSpec input;          // the encoder manifest's input
    int resolution = 0;       // InspectionSettings::resolution
    bool keepAspect = false;
    TilingSettings tiling;
    double sigma = 4.0;       // Gaussian sigma of the map, encoder input pixels
    // False for lots stored before the encoder input was recorded with them:
    // `input` is then the default MobileNetV2's 224 x 224, which another
    // encoder's maps are smoothed at a slightly different scale with.
    bool inputRecorded = true;

    static MapGeometry fromSettings(const InspectionSettings &settings, const InputSpec &input);
    // Reads a lot's settings JSON, with the input recorded by
    // encoderInputToJson() under "encoder_input".
    static MapGeometry fromLotSettings(const QJsonObject &settings);

    // Long side of a square encoder input.
    int encoderSide() const;
    // The encoder input size of an untiled image, rounded as the encoder needs.
    cv::Size inputSizeFor(const cv::Size &imageSize) const;
    TileLayout tilingFor(const cv::Size &imageSize) const;
    // The size a patch grid of an image of this size is rendered at:
    // inputSizeFor(), or for a tiled image the whole image at the tiles' scale.
    cv::Size mapInputSizeFor(const cv::Size &imageSize) const;
    // The anomaly map (CV_32F, patch-score units) of a stored patch grid of an
    // image of `imageSize` pixels, rendered at `outputSize` (a preview may be
    // smaller than the image).
    cv::Mat renderMap(const PatchGrid &patchScores, const cv::Size &imageSize, const cv::Size &outputSize) const;
};

// The "encoder_input" object stored with a lot's settings.
QJsonObject encoderInputToJson(const InputSpec &input);

} // namespace patchead
