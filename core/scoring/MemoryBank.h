#pragma once

#include "common/FeatureMap.h"

#include <memory>
#include <vector>

namespace patchead {

class BankConeIndex;

// The reference patches that test patches are compared with: unit-length
// embeddings stored row after row, each tagged with the reference image it
// came from so that leave-one-out scoring can exclude an image (and all its
// rotated or mirrored copies) without building another bank.
class MemoryBank {
public:
    MemoryBank() = default;
    explicit MemoryBank(int channels) : mChannels(channels) {}

    // Appends every patch of a grid. Throws SettingsError when the channel
    // count differs from the bank's.
    void add(const FeatureMap &patches, int sourceImage);

    int channels() const { return mChannels; }
    int size() const { return static_cast<int>(mSources.size()); }
    bool isEmpty() const { return mSources.empty(); }
    const float *patch(int index) const { return mPatches.data() + static_cast<std::size_t>(index) * mChannels; }
    const float *data() const { return mPatches.data(); }
    int source(int index) const { return mSources[static_cast<std::size_t>(index)]; }
    // Number of distinct reference images (source ids are 0 .. count-1).
    int sourceCount() const { return mSourceCount; }
    std::size_t bytes() const { return mPatches.size() * sizeof(float); }

    // Builds the index of the exact pruned search (ConeBoundSearch.h), a
    // second, packed copy of the patches. Call it once the bank is complete,
    // because add() drops the index.
    void buildSearchIndex();
    // The index, or null when none is built.
    const BankConeIndex *searchIndex() const { return mSearchIndex.get(); }

private:
    int mChannels = 0;
    int mSourceCount = 0;
    std::vector<float> mPatches;
    std::vector<int> mSources;
    std::shared_ptr<const BankConeIndex> mSearchIndex;
};

} // namespace patchead
