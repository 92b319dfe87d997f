#pragma once

#include "encoder/EncoderManifest.h"
#include "inspection/MapGeometry.h"
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
// settings (resolution, aspect, tiling and the recorded encoder input) or,
// for lots stored before the input was recorded, its encoder's manifest.
struct LotInputGeometry {
    MapGeometry map;
    bool inputKnown = false;   // recorded with the lot or read from the manifest

    // The size an image of this size has its anomaly map rendered at, as
    // the inspection rendered it (MapGeometry::mapInputSizeFor).
    cv::Size inputSizeFor(const cv::Size &imageSize) const;
};

LotInputGeometry inputGeometryForLot(const LotRecord &lot, const QString &preferredManifest);

// The Gaussian sigma of a lot's anomaly maps ("map_sigma" of its settings).
double mapSigmaForLot(const LotRecord &lot);

} // namespace patchead::ui
