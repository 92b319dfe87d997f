#include "inspection/FeatureExtractor.h"

#include "common/Error.h"
#include "features/PatchFeatures.h"
#include "features/Preprocess.h"

#include <algorithm>

namespace patchead {

namespace {

std::vector<float> meanEmbedding(const std::vector<EncodedImage> &tiles)
{
    std::vector<float> mean;
    for (const EncodedImage &tile : tiles) {
        if (mean.empty())
            mean.assign(tile.globalEmbedding.size(), 0.0f);
        for (std::size_t i = 0; i < mean.size() && i < tile.globalEmbedding.size(); ++i)
            mean[i] += tile.globalEmbedding[i] / static_cast<float>(tiles.size());
    }
    return mean;
}

PatchGrid stackedAttention(const std::vector<EncodedImage> &tiles)
{
    PatchGrid stacked;
    for (const EncodedImage &tile : tiles) {
        if (tile.attention.isEmpty())
            return {};
        stacked.width = tile.attention.width;
        stacked.height += tile.attention.height;
        stacked.values.insert(stacked.values.end(), tile.attention.values.begin(), tile.attention.values.end());
    }
    return stacked;
}

QString featureLayerNames(const Encoder &encoder)
{
    QStringList names;
    for (const auto &output : encoder.manifest().outputs) {
        if (output.kind != EncoderOutputKind::Attention)
            names << output.name;
    }
    return names.join(QStringLiteral(", "));
}

} // namespace

FeatureExtractor::FeatureExtractor(Encoder &encoder, const InspectionSettings &settings)
    : mEncoder(encoder),
      mLayers(settings.layers.isEmpty() ? encoder.manifest().defaultLayers : settings.layers),
      mFeatureSettings(settings.features),
      mGeometry(MapGeometry::fromSettings(settings, encoder.manifest().input))
{
    for (const QString &layer : mLayers) {
        const int index = encoder.manifest().outputIndex(layer);
        if (index >= 0 && encoder.manifest().outputs[index].kind == EncoderOutputKind::Attention)
            throw SettingsError(QStringLiteral("\"%1\" is the attention output of encoder %2, not a feature "
                                               "layer; use it with --mask attention.").arg(layer, encoder.manifest().name));
        if (index < 0)
            throw SettingsError(QStringLiteral("Layer \"%1\" is not an output of encoder %2; its feature layers "
                                               "are %3.").arg(layer, encoder.manifest().name, featureLayerNames(encoder)));
    }
    const auto &outputs = encoder.manifest().outputs;
    const bool hasAttention = std::any_of(outputs.begin(), outputs.end(), [](const auto &output) {
        return output.kind == EncoderOutputKind::Attention;
    });
    if (settings.mask.source == MaskSource::Attention && !hasAttention)
        throw SettingsError(QStringLiteral("The attention mask needs a ViT encoder with attention output, and "
                                           "encoder %1 has none; use --mask pca or --mask region with it.")
                                .arg(encoder.manifest().name));
}

cv::Size FeatureExtractor::inputSizeFor(const cv::Size &imageSize) const
{
    return mGeometry.inputSizeFor(imageSize);
}

TileLayout FeatureExtractor::tilingFor(const cv::Size &imageSize) const
{
    return mGeometry.tilingFor(imageSize);
}

EncodedImage FeatureExtractor::encodeWhole(const cv::Mat &rgb, GlobalEmbedding globalEmbedding)
{
    InputSpec spec = mGeometry.input;
    const cv::Size size = inputSizeFor(rgb.size());
    spec.width = size.width;
    spec.height = size.height;
    EncoderOutput output = mEncoder.encode(preprocessImage(rgb, spec), mLayers, globalEmbedding);
    EncodedImage encoded;
    encoded.layers = std::move(output.layers);
    encoded.globalEmbedding = std::move(output.globalEmbedding);
    encoded.attention = std::move(output.attention);
    encoded.inputSize = size;
    encoded.imageSize = rgb.size();
    encoded.tiling = planTiles(rgb.size(), TilingSettings{}, std::max(size.width, size.height));
    return encoded;
}

EncodedImage FeatureExtractor::encode(const cv::Mat &rgb, GlobalEmbedding globalEmbedding)
{
    const TileLayout layout = tilingFor(rgb.size());
    if (!layout.isTiled())
        return encodeWhole(rgb, globalEmbedding);
    EncodedImage encoded;
    encoded.imageSize = rgb.size();
    encoded.tiling = layout;
    for (const cv::Mat &tile : cutTiles(rgb, layout))
        encoded.tiles.push_back(encodeWhole(tile, globalEmbedding));
    encoded.inputSize = stitchedInputSize(layout, encoded.tiles.front().inputSize);
    encoded.globalEmbedding = meanEmbedding(encoded.tiles);
    encoded.attention = stackedAttention(encoded.tiles);
    return encoded;
}

FeatureMap FeatureExtractor::combine(const EncodedImage &encoded, int neighbourhood) const
{
    PatchFeatureSettings settings = mFeatureSettings;
    settings.neighbourhood = neighbourhood;
    if (encoded.tiles.empty())
        return combineLayers(encoded.layers, settings);
    // Neighbourhoods are averaged within each tile, never across a seam.
    FeatureMap stacked;
    for (const EncodedImage &tile : encoded.tiles) {
        const FeatureMap patches = combineLayers(tile.layers, settings);
        if (stacked.isEmpty()) {
            stacked = FeatureMap(0, patches.width, patches.channels);
            stacked.data.reserve(patches.data.size() * encoded.tiles.size());
        }
        stacked.data.insert(stacked.data.end(), patches.data.begin(), patches.data.end());
        stacked.height += patches.height;
    }
    return stacked;
}

ImageFeatures FeatureExtractor::extract(const cv::Mat &rgb, GlobalEmbedding globalEmbedding)
{
    EncodedImage encoded = encode(rgb, globalEmbedding);
    ImageFeatures features;
    features.patches = combine(encoded, mFeatureSettings.neighbourhood);
    features.globalEmbedding = std::move(encoded.globalEmbedding);
    features.inputSize = encoded.inputSize;
    features.attention = std::move(encoded.attention);
    features.tiling = std::move(encoded.tiling);
    return features;
}

} // namespace patchead
