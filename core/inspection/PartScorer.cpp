#include "inspection/PartScorer.h"

#include "scoring/ImageScore.h"
#include "scoring/NearestPatch.h"

namespace patchead {

PartScore scorePartImage(FeatureExtractor &extractor, const ReferenceSet &references,
                         const cv::Mat &rgb, const InspectionSettings &settings)
{
    const ImageFeatures features = extractor.extract(rgb);
    PartScore score;
    score.inputSize = features.inputSize;
    score.patchScores = PatchGrid(features.patches.height, features.patches.width);
    score.patchScores.values = nearestPatchScores(features.patches, references.bank(), -1, settings.search);
    score.imageScore = imageScore(score.patchScores.values, settings.imageScore);
    return score;
}

} // namespace patchead
