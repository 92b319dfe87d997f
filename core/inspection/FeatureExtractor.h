#pragma once

#include "encoder/Encoder.h"
#include "inspection/InspectionSettings.h"

#include <opencv2/core.hpp>

namespace patchead {

// Patch embeddings of one image, with what the scoring needs to map them
// back onto the image.
struct ImageFeatures {
    FeatureMap patches;              // unit-length, on the grid of the first layer
    std::vector<float> globalEmbedding;
    cv::Size inputSize;              // encoder input size used
};

// Runs preprocessing, the encoder and layer combination for one image: the
// single code path shared by references, lot parts, previews and evaluation.
// Not thread-safe (the encoder is used from one thread at a time).
class FeatureExtractor {
public:
    // The encoder must outlive the extractor. Throws SettingsError when a
    // requested layer is not among the encoder's outputs.
    FeatureExtractor(Encoder &encoder, const InspectionSettings &settings);

    ImageFeatures extract(const cv::Mat &rgb);
    const QStringList &layers() const { return mLayers; }
    cv::Size inputSize() const { return mInputSize; }
    Encoder &encoder() { return mEncoder; }

private:
    Encoder &mEncoder;
    QStringList mLayers;
    PatchFeatureSettings mFeatureSettings;
    InputSpec mInputSpec;
    cv::Size mInputSize;
};

} // namespace patchead
