#pragma once

#include "scoring/MemoryBank.h"

#include <cstdint>
#include <vector>

namespace patchead {

// The memory bank in groups of 16 similar patches (PatchPartition.h). Each
// group is bounded by a cone: a unit centre u and the largest angle theta
// between u and a member. A unit query q at angle phi from u has no inner
// product with a member above cos(max(0, phi - theta)). A group whose bound
// is below the query's best similarity so far cannot contain its nearest
// patch, so the search skips it and stays exact.
// Built once per reference set: 13 to 23 ms for the 6 272 patches of 8
// references on the 2-core build machine. It keeps a packed copy of the bank.
class BankConeIndex {
public:
    explicit BankConeIndex(const MemoryBank &bank);

    int channels() const { return mChannels; }
    int groupCount() const { return mGroupCount; }
    // Members of group g packed as one panel (PanelKernels.h).
    const float *groupPanel(int group) const;
    // Group centres packed in panels of 16 groups.
    const float *centrePanels() const { return mCentrePanels.data(); }
    int centrePanelCount() const;
    // cos(theta) and sin(theta) per group. A group containing a patch that
    // is not unit length has cos(theta) = -1, so it is always searched.
    const float *cosRadii() const { return mCosRadius.data(); }
    const float *sinRadii() const { return mSinRadius.data(); }

private:
    float boundGroup(const float *patches, const int *members, int memberCount, float *centre) const;

    int mChannels = 0;
    int mGroupCount = 0;
    std::vector<float> mPanels;
    std::vector<float> mCentrePanels;
    std::vector<float> mCosRadius;
    std::vector<float> mSinRadius;
};

// How much of the full query x bank product a search computed.
struct ConeSearchStats {
    std::int64_t groupsSearched = 0; // (6-query block, bank group) pairs multiplied
    std::int64_t groupsTotal = 0;    // blocks x groups
};

// Writes to maxima[i] the largest inner product of query i (unit vectors,
// row after row) with any bank patch. The values equal fusedMaxSimilarity's
// bit for bit, because both sum each product in the same order.
// Queries are searched in blocks of up to 6 similar patches: 2 x 3
// neighbours when gridWidth > 0 gives the width of their row-major patch
// grid, else leaves of a tree on the queries (PatchPartition.h).
// Per block, the products with the group centres bound every group. The 4
// groups with the largest centre products set each query's first best
// similarity. The other groups are then searched in order of decreasing
// centre product, each only while its bound can still beat a query's best.
// A block with a query that is not unit length searches every group.
// `threads` split the blocks. Throws SettingsError unless
// panelKernelsAvailable().
void coneBoundMaxSimilarity(const float *queries, int count, const BankConeIndex &index, int threads, float *maxima,
                            ConeSearchStats *stats = nullptr, int gridWidth = 0);

} // namespace patchead
