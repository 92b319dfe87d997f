#include "inspection/ZeroShotBatch.h"

#include "common/Error.h"
#include "scoring/ImageScore.h"
#include "scoring/MutualScoring.h"

namespace patchead {

ZeroShotBatch::ZeroShotBatch(FeatureExtractor &extractor, const InspectionSettings &settings)
    : mExtractor(extractor), mSettings(settings),
      mBanks(static_cast<std::size_t>(settings.zeroShot.neighbourhoods.size()))
{
}

int ZeroShotBatch::add(const cv::Mat &rgb)
{
    const EncodedImage encoded = mExtractor.encode(rgb);
    Member member;
    member.inputSize = encoded.inputSize;
    const int index = size();
    for (std::size_t r = 0; r < mBanks.size(); ++r) {
        const FeatureMap patches = mExtractor.combine(encoded, mSettings.zeroShot.neighbourhoods[static_cast<int>(r)]);
        if (r == 0) {
            member.offset = mBanks[r].size();
            member.height = patches.height;
            member.width = patches.width;
            ImageFeatures features{patches, {}, encoded.inputSize, encoded.attention, encoded.tiling};
            member.foreground = foregroundFor(features, mSettings.mask);
            member.tiling = encoded.tiling;
        }
        mBanks[r].add(patches, index);
    }
    mImages.push_back(member);
    return index;
}

std::size_t ZeroShotBatch::bytes() const
{
    std::size_t total = 0;
    for (const MemoryBank &bank : mBanks)
        total += bank.bytes();
    return total;
}

PartScore ZeroShotBatch::score(int index) const
{
    if (size() < 2)
        throw SettingsError(QStringLiteral("Zero-shot scoring needs at least two images in the lot."));
    const Member &member = mImages.at(static_cast<std::size_t>(index));
    PartScore result;
    result.inputSize = member.inputSize;
    PatchGrid stacked(member.height, member.width);
    // MuSc averages the scores of the neighbourhood sizes.
    for (const MemoryBank &bank : mBanks) {
        const std::vector<float> scores = mutualPatchScores(bank.patch(member.offset), member.height * member.width,
                                                            index, bank, mSettings.zeroShot.scoring, mSettings.search);
        for (std::size_t i = 0; i < scores.size(); ++i)
            stacked.values[i] += scores[i] / static_cast<float>(mBanks.size());
    }
    result.patchScores = stitchTileGrids(stacked, member.tiling);
    result.foreground = member.foreground;
    applyForeground(result.patchScores, result.foreground, mSettings.mask);
    result.imageScore = imageScore(result.patchScores.values, mSettings.imageScore);
    return result;
}

} // namespace patchead
