#pragma once

#include "encoder/EncoderManifest.h"
#include "store/LotRecords.h"

#include <QString>
#include <opencv2/core.hpp>

namespace patchead::ui {

// The default encoder's manifest, searched as the command-line tool does:
// $PATCHEAD_MODEL_DIR/mobilenet_v2, the build tree's model folder, then the
// installed share folder. Returns the first candidate when none exists, so
// the settings show where the encoder is expected.
QString defaultManifestPath();

// Finds the manifest of the encoder a lot was inspected with: `preferred`
// when its name matches the lot's model name, else a prepared encoder of
// that name in the model folders above. Returns an empty string when none
// is found.
QString manifestForLot(const LotRecord &lot, const QString &preferred);

// The resizing of a lot's images for the encoder, read from the lot's
// settings ("resolution", "keep_aspect") and its encoder's manifest.
struct LotInputGeometry {
    InputSpec spec;            // the manifest's; 224 x 224 when the manifest is not found
    int resolution = 0;
    bool keepAspect = false;
    bool manifestFound = false;

    // The encoder input size an image of this size was scored at, rounded
    // as the feature extractor rounds it. Without the manifest the size
    // multiple is unknown, so the resolution is used unrounded.
    cv::Size inputSizeFor(const cv::Size &imageSize) const;
};

LotInputGeometry inputGeometryForLot(const LotRecord &lot, const QString &preferredManifest);

// The Gaussian sigma of a lot's anomaly maps ("map_sigma" of its settings).
double mapSigmaForLot(const LotRecord &lot);

} // namespace patchead::ui
