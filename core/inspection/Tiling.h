#pragma once

#include "common/FeatureMap.h"

#include <QString>
#include <opencv2/core.hpp>

#include <vector>

namespace patchead {

// Whether an image is cut into overlapping square tiles, each encoded at the
// encoder's input size, instead of being resized whole. Resizing a 1600 x 200
// part to 224 x 224 squashes it eightfold along its length, and resizing a
// 4000 px image shrinks a 20 px crack below one patch. Tiles keep both.
enum class TilingMode {
    Off,  // the whole image at the encoder input
    Auto, // tiles when the image is long and thin, or when the expected defect would shrink below one patch
    On,   // always tiles
};

struct TilingSettings {
    TilingMode mode = TilingMode::Off;
    int tileSide = 0;             // image pixels; 0: chosen from the image and the expected defect size
    double overlap = 0.25;        // fraction of the tile side shared by neighbouring tiles, [0, 0.75]
    int expectedDefectPixels = 0; // smallest defect to find, image pixels; 0: unknown
};

QString tilingModeName(TilingMode mode);
TilingMode tilingModeFromName(const QString &name);

// The square tiles of one image, all of the same side so that every tile has
// the same patch grid. A layout of one tile covering the image means no
// tiling.
struct TileLayout {
    cv::Size imageSize;
    int tileSide = 0;
    std::vector<cv::Rect> tiles;

    bool isTiled() const { return tiles.size() > 1; }
};

// Smallest defect, in encoder input pixels, that the auto rule lets through
// untiled: two patches of the stride-8 MobileNetV2 layer block_5_add. Below
// it a defect covers less than one patch after neighbourhood averaging.
constexpr int kMinDefectInputPixels = 16;

// Aspect ratio (long / short side) from which the auto rule tiles an image
// of unknown defect size: squashing it to a square would distort it twofold.
constexpr double kAutoTilingAspect = 2.0;

// Plans the tiles of an image for an encoder whose input long side is
// `encoderSide` pixels. Tiles are squares no larger than the image's short
// side and no smaller than a quarter of encoderSide, because more zoom than
// 4x only magnifies interpolation. They are spread evenly so neighbours
// overlap by at least settings.overlap, the last one ending at the border.
// NOTE: every query tile is searched against every reference tile, so the
// search grows with the square of the tile count (docs/benchmarks.md).
TileLayout planTiles(const cv::Size &imageSize, const TilingSettings &settings, int encoderSide);

// The pixel rectangles of the tiles cut out of an image.
std::vector<cv::Mat> cutTiles(const cv::Mat &image, const TileLayout &layout);

// Stitches per-tile patch grids, stacked vertically in tile order (each
// tileGridSide x tileGridSide), onto one grid over the whole image with the
// tiles' patch pitch. Where tiles overlap, values are blended with weights
// that fall towards each tile's border, where the encoder's zero padding
// makes patches least reliable. An untiled layout returns `stacked`.
PatchGrid stitchTileGrids(const PatchGrid &stacked, const TileLayout &layout);

// Width and height of the stitched grid for tiles with square patch grids of
// `tileGridSide`; for an untiled layout, `untiledGrid`.
cv::Size stitchedGridSize(const TileLayout &layout, int tileGridSide, const cv::Size &untiledGrid);

// The encoder input size the whole image would have at the tiles' scale:
// what the anomaly map of a stitched grid is rendered at, so its Gaussian
// sigma keeps its meaning in encoder input pixels.
cv::Size stitchedInputSize(const TileLayout &layout, const cv::Size &tileInputSize);

} // namespace patchead
