#include "inspection/PartScorer.h"

#include "common/Error.h"
#include "scoring/ImageScore.h"
#include "scoring/NearestPatch.h"

#include <algorithm>

namespace patchead {

namespace {

bool hasUserRegions(const MaskSettings &mask)
{
    return !mask.regionOfInterest.isEmpty() || !mask.ignoreRegions.isEmpty() || !mask.maskImagePath.isEmpty();
}

// Patches outside the user's regions are background, whatever the feature mask contains.
PatchGrid intersectWithRegions(PatchGrid foreground, const MaskSettings &mask)
{
    if (!hasUserRegions(mask))
        return foreground;
    const PatchGrid regions = regionForeground(mask, foreground.height, foreground.width);
    for (std::size_t i = 0; i < foreground.values.size(); ++i)
        foreground.values[i] = std::min(foreground.values[i], regions.values[i]);
    return foreground;
}

// A grid on the tiles' stacked grids, as the features are.
PatchGrid stackedForeground(const ImageFeatures &features, const MaskSettings &mask)
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

// The foreground on the image's grid: stacked tile masks are stitched and cut
// at one half, and region masks are drawn on the stitched grid directly.
// NOTE: the PCA mask of a tiled image is fitted on all its tiles at once, and
// its closing can bridge a seam between stacked tiles.
PatchGrid featureForeground(const ImageFeatures &features, const MaskSettings &mask)
{
    if (!features.tiling.isTiled())
        return stackedForeground(features, mask);
    if (mask.source == MaskSource::Region) {
        const cv::Size grid = stitchedGridSize(features.tiling, features.patches.width, cv::Size());
        return regionForeground(mask, grid.height, grid.width);
    }
    PatchGrid foreground = stitchTileGrids(stackedForeground(features, mask), features.tiling);
    for (float &value : foreground.values)
        value = value >= 0.5f ? 1.0f : 0.0f;
    return foreground;
}

} // namespace

PatchGrid foregroundFor(const ImageFeatures &features, const MaskSettings &mask)
{
    if (mask.source == MaskSource::Pca || mask.source == MaskSource::Attention)
        return intersectWithRegions(featureForeground(features, mask), mask);
    return featureForeground(features, mask);
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
    PatchGrid stacked(features.patches.height, features.patches.width);
    stacked.values = nearestPatchScores(features.patches, references.bank(), -1, settings.search);
    score.patchScores = stitchTileGrids(stacked, features.tiling);
    score.foreground = foregroundFor(features, settings.mask);
    applyForeground(score.patchScores, score.foreground, settings.mask);
    score.imageScore = imageScore(score.patchScores.values, settings.imageScore);
    return score;
}

} // namespace patchead
