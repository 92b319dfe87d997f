#include "inspection/PartScorer.h"

#include "common/Error.h"
#include "scoring/ImageScore.h"
#include "scoring/NearestPatch.h"

namespace patchead {

PatchGrid foregroundFor(const ImageFeatures &features, const MaskSettings &mask)
{
    switch (mask.source) {
    case MaskSource::None:
        return {};
    case MaskSource::Pca:
        return pcaForeground(features.patches, mask.pcaThreshold);
    case MaskSource::Region:
        return regionForeground(mask, features.patches.height, features.patches.width);
    case MaskSource::Attention:
        if (features.attention.isEmpty())
            throw SettingsError(QStringLiteral("The attention mask needs a ViT encoder with attention output; "
                                               "use --mask pca or --mask region with this encoder."));
        if (features.attention.height != features.patches.height || features.attention.width != features.patches.width)
            throw SettingsError(QStringLiteral("The attention grid (%1x%2) differs from the patch grid (%3x%4); "
                                               "choose feature layers of the same ViT stride.")
                                    .arg(features.attention.width).arg(features.attention.height)
                                    .arg(features.patches.width).arg(features.patches.height));
        return attentionForeground(features.attention, mask.attentionThreshold);
    }
    return {};
}

void applyForeground(PatchGrid &patchScores, const PatchGrid &foreground, const MaskSettings &mask)
{
    if (foreground.isEmpty())
        return;
    const PatchGrid weights = maskWeights(foreground, mask.backgroundWeight);
    for (std::size_t i = 0; i < patchScores.values.size(); ++i)
        patchScores.values[i] *= weights.values[i];
}

PartScore scorePartImage(FeatureExtractor &extractor, const ReferenceSet &references,
                         const cv::Mat &rgb, const InspectionSettings &settings)
{
    const ImageFeatures features = extractor.extract(rgb);
    PartScore score;
    score.inputSize = features.inputSize;
    score.patchScores = PatchGrid(features.patches.height, features.patches.width);
    score.patchScores.values = nearestPatchScores(features.patches, references.bank(), -1, settings.search);
    score.foreground = foregroundFor(features, settings.mask);
    applyForeground(score.patchScores, score.foreground, settings.mask);
    score.imageScore = imageScore(score.patchScores.values, settings.imageScore);
    return score;
}

} // namespace patchead
