#include "inspection/FeatureExtractor.h"

#include "common/Error.h"
#include "features/PatchFeatures.h"
#include "features/Preprocess.h"

namespace patchead {

FeatureExtractor::FeatureExtractor(Encoder &encoder, const InspectionSettings &settings)
    : mEncoder(encoder),
      mLayers(settings.layers.isEmpty() ? encoder.manifest().defaultLayers : settings.layers),
      mFeatureSettings(settings.features),
      mInputSpec(encoder.manifest().input),
      mResolution(settings.resolution),
      mKeepAspect(settings.keepAspect)
{
    for (const QString &layer : mLayers) {
        const int index = encoder.manifest().outputIndex(layer);
        if (index >= 0 && encoder.manifest().outputs[index].kind == EncoderOutputKind::Attention)
            throw SettingsError(QStringLiteral("\"%1\" is the attention output of encoder %2, not a feature "
                                               "layer; use it with --mask attention.").arg(layer, encoder.manifest().name));
        if (index < 0)
            throw SettingsError(QStringLiteral("Layer \"%1\" is not an output of encoder %2.")
                                    .arg(layer, encoder.manifest().name));
    }
}

cv::Size FeatureExtractor::inputSizeFor(const cv::Size &imageSize) const
{
    return patchead::inputSizeFor(mInputSpec, mResolution, imageSize, mKeepAspect);
}

EncodedImage FeatureExtractor::encode(const cv::Mat &rgb)
{
    InputSpec spec = mInputSpec;
    const cv::Size size = inputSizeFor(rgb.size());
    spec.width = size.width;
    spec.height = size.height;
    EncoderOutput output = mEncoder.encode(preprocessImage(rgb, spec), mLayers);
    EncodedImage encoded;
    encoded.layers = std::move(output.layers);
    encoded.globalEmbedding = std::move(output.globalEmbedding);
    encoded.attention = std::move(output.attention);
    encoded.inputSize = size;
    encoded.imageSize = rgb.size();
    return encoded;
}

FeatureMap FeatureExtractor::combine(const EncodedImage &encoded, int neighbourhood) const
{
    PatchFeatureSettings settings = mFeatureSettings;
    settings.neighbourhood = neighbourhood;
    return combineLayers(encoded.layers, settings);
}

ImageFeatures FeatureExtractor::extract(const cv::Mat &rgb)
{
    EncodedImage encoded = encode(rgb);
    ImageFeatures features;
    features.patches = combine(encoded, mFeatureSettings.neighbourhood);
    features.globalEmbedding = std::move(encoded.globalEmbedding);
    features.inputSize = encoded.inputSize;
    features.attention = std::move(encoded.attention);
    return features;
}

} // namespace patchead
