#pragma once

#include "encoder/Encoder.h"
#include "inspection/InspectionSettings.h"

#include <opencv2/core.hpp>

namespace patchead {

// The encoder's raw output for one image, before layers are combined.
struct EncodedImage {
    std::vector<FeatureMap> layers;
    std::vector<float> globalEmbedding;
    PatchGrid attention;  // ViT CLS-to-patch attention; empty for CNNs
    cv::Size inputSize;   // encoder input size used
    cv::Size imageSize;   // size of the image as loaded
};

// Patch embeddings of one image, with what the scoring needs to map them
// back onto the image.
struct ImageFeatures {
    FeatureMap patches;              // unit-length, on the grid of the first layer
    std::vector<float> globalEmbedding;
    cv::Size inputSize;              // encoder input size used
    PatchGrid attention;             // ViT CLS-to-patch attention; empty for CNNs
};

// Runs preprocessing, the encoder and layer combination for one image: the
// single code path shared by references, lot parts, previews and evaluation.
// Not thread-safe (the encoder is used from one thread at a time).
class FeatureExtractor {
public:
    // The encoder must outlive the extractor. Throws SettingsError when a
    // requested layer is not among the encoder's outputs.
    FeatureExtractor(Encoder &encoder, const InspectionSettings &settings);

    // Encodes and combines with the settings' neighbourhood.
    ImageFeatures extract(const cv::Mat &rgb);
    // Encodes only; combine() then builds features for any neighbourhood.
    EncodedImage encode(const cv::Mat &rgb);
    FeatureMap combine(const EncodedImage &encoded, int neighbourhood) const;

    const QStringList &layers() const { return mLayers; }
    // Input size for an image of the given size (it depends on the image
    // only when the aspect ratio is kept).
    cv::Size inputSizeFor(const cv::Size &imageSize) const;
    Encoder &encoder() { return mEncoder; }

private:
    Encoder &mEncoder;
    QStringList mLayers;
    PatchFeatureSettings mFeatureSettings;
    InputSpec mInputSpec;
    int mResolution = 0;
    bool mKeepAspect = false;
};

} // namespace patchead
