#include "inspection/Tiling.h"

#include "common/Error.h"

#include <algorithm>
#include <cmath>

namespace patchead {

QString tilingModeName(TilingMode mode)
{
    switch (mode) {
    case TilingMode::Off: return QStringLiteral("off");
    case TilingMode::Auto: return QStringLiteral("auto");
    case TilingMode::On: return QStringLiteral("on");
    }
    return QStringLiteral("off");
}

TilingMode tilingModeFromName(const QString &name)
{
    if (name == QLatin1String("off"))
        return TilingMode::Off;
    if (name == QLatin1String("auto"))
        return TilingMode::Auto;
    if (name == QLatin1String("on"))
        return TilingMode::On;
    throw SettingsError(QStringLiteral("Unknown tiling mode \"%1\"; use off, auto or on.").arg(name));
}

namespace {

// Tile side before clamping to the image; 0 means the whole image.
int wantedTileSide(const cv::Size &imageSize, const TilingSettings &settings, int encoderSide)
{
    if (settings.tileSide > 0)
        return settings.tileSide;
    const int shortSide = std::min(imageSize.width, imageSize.height);
    const int longSide = std::max(imageSize.width, imageSize.height);
    const bool thin = longSide >= kAutoTilingAspect * shortSide;
    if (settings.expectedDefectPixels > 0) {
        const double defectWhole = static_cast<double>(settings.expectedDefectPixels) * encoderSide / longSide;
        if (settings.mode == TilingMode::Auto && defectWhole >= kMinDefectInputPixels && !thin)
            return 0;
        const double forDefect = static_cast<double>(settings.expectedDefectPixels) * encoderSide / kMinDefectInputPixels;
        return std::min(shortSide, static_cast<int>(std::floor(forDefect)));
    }
    if (settings.mode == TilingMode::Auto && !thin)
        return 0;
    return shortSide;
}

// Start offsets of tiles of side `tile` along an axis of `length` pixels,
// spread evenly so that neighbours share at least `overlap` of a tile.
std::vector<int> tileStarts(int length, int tile, double overlap)
{
    if (length <= tile)
        return {0};
    const double step = tile * (1.0 - overlap);
    const int count = static_cast<int>(std::ceil((length - tile) / step - 1e-9)) + 1;
    std::vector<int> starts;
    for (int i = 0; i < count; ++i)
        starts.push_back(static_cast<int>(std::lround(static_cast<double>(i) * (length - tile) / (count - 1))));
    return starts;
}

float sampleBilinear(const PatchGrid &stacked, int rowOffset, int side, double u, double v)
{
    u = std::clamp(u, 0.0, side - 1.0);
    v = std::clamp(v, 0.0, side - 1.0);
    const int x0 = static_cast<int>(u);
    const int y0 = static_cast<int>(v);
    const int x1 = std::min(x0 + 1, side - 1);
    const int y1 = std::min(y0 + 1, side - 1);
    const double fx = u - x0;
    const double fy = v - y0;
    const double top = stacked.at(rowOffset + y0, x0) * (1 - fx) + stacked.at(rowOffset + y0, x1) * fx;
    const double bottom = stacked.at(rowOffset + y1, x0) * (1 - fx) + stacked.at(rowOffset + y1, x1) * fx;
    return static_cast<float>(top * (1 - fy) + bottom * fy);
}

} // namespace

TileLayout planTiles(const cv::Size &imageSize, const TilingSettings &settings, int encoderSide)
{
    TileLayout layout;
    layout.imageSize = imageSize;
    layout.tileSide = std::max(imageSize.width, imageSize.height);
    layout.tiles = {cv::Rect(0, 0, imageSize.width, imageSize.height)};
    if (settings.mode == TilingMode::Off || imageSize.width <= 0 || imageSize.height <= 0 || encoderSide <= 0)
        return layout;
    const int shortSide = std::min(imageSize.width, imageSize.height);
    int side = wantedTileSide(imageSize, settings, encoderSide);
    if (side <= 0)
        return layout;
    side = std::min(std::max(side, std::max(1, encoderSide / 4)), shortSide);
    if (side >= std::max(imageSize.width, imageSize.height))
        return layout;

    layout.tileSide = side;
    layout.tiles.clear();
    for (int y : tileStarts(imageSize.height, side, settings.overlap)) {
        for (int x : tileStarts(imageSize.width, side, settings.overlap))
            layout.tiles.emplace_back(x, y, side, side);
    }
    return layout;
}

std::vector<cv::Mat> cutTiles(const cv::Mat &image, const TileLayout &layout)
{
    std::vector<cv::Mat> tiles;
    tiles.reserve(layout.tiles.size());
    for (const cv::Rect &rect : layout.tiles)
        tiles.push_back(image(rect & cv::Rect(0, 0, image.cols, image.rows)));
    return tiles;
}

PatchGrid stitchTileGrids(const PatchGrid &stacked, const TileLayout &layout)
{
    if (!layout.isTiled() || stacked.isEmpty())
        return stacked;
    const int side = stacked.width;
    const int tileCount = static_cast<int>(layout.tiles.size());
    if (stacked.height != side * tileCount)
        throw Error(QStringLiteral("Tile grids (%1 rows of width %2) do not match %3 square tiles.")
                        .arg(stacked.height).arg(side).arg(tileCount));
    const double pitch = static_cast<double>(layout.tileSide) / side; // image pixels per patch
    const cv::Size outSize = stitchedGridSize(layout, side, cv::Size(stacked.width, stacked.height));
    const int outWidth = outSize.width;
    const int outHeight = outSize.height;
    const double cellWidth = static_cast<double>(layout.imageSize.width) / outWidth;
    const double cellHeight = static_cast<double>(layout.imageSize.height) / outHeight;

    std::vector<double> sum(static_cast<std::size_t>(outWidth) * outHeight, 0.0);
    std::vector<double> weight(sum.size(), 0.0);
    for (int t = 0; t < tileCount; ++t) {
        const cv::Rect &rect = layout.tiles[static_cast<std::size_t>(t)];
        for (int oy = 0; oy < outHeight; ++oy) {
            const double cy = (oy + 0.5) * cellHeight;
            if (cy < rect.y || cy > rect.y + rect.height)
                continue;
            for (int ox = 0; ox < outWidth; ++ox) {
                const double cx = (ox + 0.5) * cellWidth;
                if (cx < rect.x || cx > rect.x + rect.width)
                    continue;
                const double fromBorder = std::min({cx - rect.x, rect.x + rect.width - cx,
                                                    cy - rect.y, rect.y + rect.height - cy}) / pitch;
                const double w = fromBorder + 0.5; // tent weight in patches, never zero
                const std::size_t i = static_cast<std::size_t>(oy) * outWidth + ox;
                sum[i] += w * sampleBilinear(stacked, t * side, side, (cx - rect.x) / pitch - 0.5,
                                             (cy - rect.y) / pitch - 0.5);
                weight[i] += w;
            }
        }
    }
    PatchGrid stitched(outHeight, outWidth);
    for (std::size_t i = 0; i < sum.size(); ++i)
        stitched.values[i] = weight[i] > 0.0 ? static_cast<float>(sum[i] / weight[i]) : 0.0f;
    return stitched;
}

cv::Size stitchedGridSize(const TileLayout &layout, int tileGridSide, const cv::Size &untiledGrid)
{
    if (!layout.isTiled())
        return untiledGrid;
    const double pitch = static_cast<double>(layout.tileSide) / tileGridSide;
    return cv::Size(std::max(1, static_cast<int>(std::lround(layout.imageSize.width / pitch))),
                    std::max(1, static_cast<int>(std::lround(layout.imageSize.height / pitch))));
}

cv::Size stitchedInputSize(const TileLayout &layout, const cv::Size &tileInputSize)
{
    if (!layout.isTiled())
        return tileInputSize;
    const double scale = static_cast<double>(tileInputSize.width) / layout.tileSide;
    return cv::Size(std::max(1, static_cast<int>(std::lround(layout.imageSize.width * scale))),
                    std::max(1, static_cast<int>(std::lround(layout.imageSize.height * scale))));
}

} // namespace patchead
