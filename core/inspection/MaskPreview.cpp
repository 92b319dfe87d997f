#include "inspection/MaskPreview.h"

#include "common/Logging.h"
#include "inspection/PartScorer.h"

namespace patchead {

ImageFeatures encodeForMaskPreview(Encoder &encoder, const InspectionSettings &settings, const cv::Mat &rgb)
{
    FeatureExtractor extractor(encoder, settings);
    return extractor.extract(rgb);
}

MaskPreview computeMaskPreview(const ImageFeatures &features, const MaskSettings &mask)
{
    MaskPreview preview;
    preview.foreground = foregroundFor(features, mask);
    if (preview.foreground.isEmpty()) {
        // A region mask without regions is all foreground, on the image's
        // grid also when the features come in tiles.
        MaskSettings everything;
        everything.source = MaskSource::Region;
        preview.foreground = foregroundFor(features, everything);
    }
    preview.weights = maskWeights(preview.foreground, mask.backgroundWeight);

    int inside = 0;
    for (float value : preview.foreground.values)
        inside += value > 0.5f ? 1 : 0;
    preview.foregroundShare = preview.foreground.size() > 0
                                  ? static_cast<double>(inside) / preview.foreground.size()
                                  : 1.0;
    qCDebug(lcInspection) << "Mask preview:" << maskSourceName(mask.source) << "on a"
                          << preview.foreground.width << "x" << preview.foreground.height << "grid,"
                          << preview.foregroundShare * 100.0 << "% foreground";
    return preview;
}

} // namespace patchead
