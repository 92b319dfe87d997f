#pragma once

#include "inspection/FeatureExtractor.h"
#include "inspection/PartScorer.h"
#include "scoring/MemoryBank.h"

#include <vector>

namespace patchead {

// The encoded images of one batch for zero-shot scoring (MuSc mutual
// scoring): one memory bank per neighbourhood size, in which the source id
// of every patch is the index of its image. Reference images, when given,
// join the batch as members that are compared against but never scored.
//
// Memory: images x patches x channels x 4 bytes for each neighbourhood size,
// plus the tiles of NearestPatchOptions; nothing grows with the square of
// the batch size.
class ZeroShotBatch {
public:
    // The extractor must outlive the batch.
    ZeroShotBatch(FeatureExtractor &extractor, const InspectionSettings &settings);

    // Encodes an image and returns its index in the batch.
    int add(const cv::Mat &rgb);
    int size() const { return static_cast<int>(mImages.size()); }
    std::size_t bytes() const;

    // Scores image `index` against every other member. Needs two or more members.
    PartScore score(int index) const;

private:
    struct Member {
        int offset = 0;        // first patch in every bank
        int height = 0;        // patch grid (tiles stacked when tiled)
        int width = 0;
        TileLayout tiling;
        cv::Size inputSize;
        PatchGrid foreground;
    };

    FeatureExtractor &mExtractor;
    InspectionSettings mSettings;
    std::vector<MemoryBank> mBanks; // one per neighbourhood size
    std::vector<Member> mImages;
};

} // namespace patchead
