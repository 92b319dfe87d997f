#pragma once

#include "inspection/FeatureExtractor.h"
#include "inspection/InspectionSettings.h"

namespace patchead {

// The foreground mask that the inspection would use for one image, for the
// set-up preview. Encoding is the slow step, so callers keep the
// ImageFeatures of encodeForMaskPreview and call computeMaskPreview again
// when only the MaskSettings change.
struct MaskPreview {
    // 1 = foreground, 0 = background, on the patch grid, which covers the
    // whole image. All ones for MaskSource::None.
    PatchGrid foreground;
    // Score weight of each patch: 1, or the background weight outside.
    PatchGrid weights;
    double foregroundShare = 1.0; // fraction of foreground patches
};

// Encodes one 8-bit RGB image with the settings' layers, resolution,
// aspect rule and neighbourhood, as the inspection does. Throws
// SettingsError for layers the encoder lacks and ModelError for encoder
// failures. Uses the encoder from the calling thread only.
ImageFeatures encodeForMaskPreview(Encoder &encoder, const InspectionSettings &settings, const cv::Mat &rgb);

// Computes the mask from features of encodeForMaskPreview through the
// inspection's own foregroundFor, so preview and inspection agree. Throws
// SettingsError when the attention mask is chosen for an encoder without
// attention output, and ImageError for an unreadable mask image.
MaskPreview computeMaskPreview(const ImageFeatures &features, const MaskSettings &mask);

} // namespace patchead
