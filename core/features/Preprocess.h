#pragma once

#include "encoder/Encoder.h"

#include <opencv2/core.hpp>

namespace patchead {

// Resizes an 8-bit RGB image to the input size and converts it to the
// normalised CHW float tensor the encoder takes (docs/scoring-contract.md,
// steps 2 and 3). The one code path for preview, inspection and evaluation.
InputTensor preprocessImage(const cv::Mat &rgb, const InputSpec &spec);

// The OpenCV interpolation flag for a manifest interpolation name.
int interpolationFlag(const QString &name);

// Returns the input size to use for a requested resolution: the long side
// becomes `resolution` rounded to the manifest's size multiple; 0 keeps
// the manifest's size. Square unless keepAspect is set.
cv::Size inputSizeFor(const InputSpec &spec, int resolution, const cv::Size &imageSize, bool keepAspect);

} // namespace patchead
