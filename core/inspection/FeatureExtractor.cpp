#include "inspection/FeatureExtractor.h"

#include "common/Error.h"
#include "features/PatchFeatures.h"
#include "features/Preprocess.h"

namespace patchead {

FeatureExtractor::FeatureExtractor(Encoder &encoder, const InspectionSettings &settings)
    : mEncoder(encoder),
      mLayers(settings.layers.isEmpty() ? encoder.manifest().defaultLayers : settings.layers),
      mFeatureSettings(settings.features),
      mInputSpec(encoder.manifest().input)
{
    for (const QString &layer : mLayers) {
        if (encoder.manifest().outputIndex(layer) < 0)
            throw SettingsError(QStringLiteral("Layer \"%1\" is not an output of encoder %2.")
                                    .arg(layer, encoder.manifest().name));
    }
    mInputSize = inputSizeFor(mInputSpec, settings.resolution, {}, false);
    mInputSpec.width = mInputSize.width;
    mInputSpec.height = mInputSize.height;
}

ImageFeatures FeatureExtractor::extract(const cv::Mat &rgb)
{
    const InputTensor input = preprocessImage(rgb, mInputSpec);
    EncoderOutput output = mEncoder.encode(input, mLayers);
    ImageFeatures features;
    features.patches = combineLayers(output.layers, mFeatureSettings);
    features.globalEmbedding = std::move(output.globalEmbedding);
    features.inputSize = mInputSize;
    return features;
}

} // namespace patchead
