#pragma once

#include "encoder/Encoder.h"
#include "inspection/InspectionSettings.h"
#include "inspection/MapGeometry.h"

#include <opencv2/core.hpp>

namespace patchead {

// The encoder's raw output for one image, before layers are combined. A
// tiled image keeps one EncodedImage per tile in `tiles` (in layout order)
// and leaves `layers` empty.
struct EncodedImage {
    std::vector<FeatureMap> layers;
    std::vector<float> globalEmbedding; // mean of the tiles' embeddings when tiled
    PatchGrid attention;  // ViT CLS-to-patch attention, tiles stacked; empty for CNNs
    cv::Size inputSize;   // encoder input size used; for tiles, the whole image at the tiles' scale
    cv::Size imageSize;   // size of the image as loaded
    TileLayout tiling;
    std::vector<EncodedImage> tiles;
};

// Patch embeddings of one image, with what the scoring needs to map them
// back onto the image.
// A tiled image has the patch grids of its tiles stacked vertically in
// `patches` (the nearest-patch search only needs the set of patches), and
// stitchTileGrids() maps grids of that shape back onto the image.
struct ImageFeatures {
    FeatureMap patches;              // unit-length, on the grid of the first layer
    std::vector<float> globalEmbedding;
    cv::Size inputSize;              // encoder input size used; see EncodedImage
    PatchGrid attention;             // ViT CLS-to-patch attention; empty for CNNs
    TileLayout tiling;               // one tile: the image was encoded whole
};

// Runs preprocessing, the encoder and layer combination for one image: the
// single code path shared by references, lot parts, previews and evaluation.
// extract() and encode() only read the extractor, so several threads may
// call them at once.
class FeatureExtractor {
public:
    // The encoder must outlive the extractor. Throws SettingsError when a
    // requested layer is not among the encoder's outputs.
    FeatureExtractor(Encoder &encoder, const InspectionSettings &settings);

    // Encodes and combines with the settings' neighbourhood. Tiles the image
    // when the settings' tiling requests it. Only references need the global
    // embedding, for the alignment module, so parts skip it.
    ImageFeatures extract(const cv::Mat &rgb, GlobalEmbedding globalEmbedding = GlobalEmbedding::Skip);
    // Encodes only; combine() then builds features for any neighbourhood.
    EncodedImage encode(const cv::Mat &rgb, GlobalEmbedding globalEmbedding = GlobalEmbedding::Skip);
    FeatureMap combine(const EncodedImage &encoded, int neighbourhood) const;

    const QStringList &layers() const { return mLayers; }
    // Input size for an image of the given size (it depends on the image
    // only when the aspect ratio is kept).
    cv::Size inputSizeFor(const cv::Size &imageSize) const;
    // Tiles of an image of the given size under the settings' tiling.
    TileLayout tilingFor(const cv::Size &imageSize) const;
    Encoder &encoder() { return mEncoder; }
    const MapGeometry &geometry() const { return mGeometry; }

private:
    EncodedImage encodeWhole(const cv::Mat &rgb, GlobalEmbedding globalEmbedding);

    Encoder &mEncoder;
    QStringList mLayers;
    PatchFeatureSettings mFeatureSettings;
    MapGeometry mGeometry;
};

} // namespace patchead
