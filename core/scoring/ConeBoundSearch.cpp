#include "scoring/ConeBoundSearch.h"

#include "common/Error.h"
#include "scoring/PanelKernels.h"
#include "scoring/PatchPartition.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace patchead {

namespace {

constexpr int kGroupSize = kPanelWidth;
constexpr int kBankPowerIterations = 3;
constexpr int kQueryPowerIterations = 2;
constexpr int kSeedGroups = 4;
// Slack of every bound for float rounding: the products of 56 to 100
// channels err by about 1e-6, and unit vectors are unit to 1e-5 (below).
constexpr float kBoundMargin = 1e-4f;
constexpr double kUnitTolerance = 1e-5;

bool isUnit(const float *vector, int channels)
{
    double squared = 0.0;
    for (int c = 0; c < channels; ++c)
        squared += static_cast<double>(vector[c]) * vector[c];
    return std::abs(squared - 1.0) <= kUnitTolerance;
}

// Queries in blocks of at most kBlockRows similar patches. `order` lists the
// query indices block after block, and block b is order[starts[b] ..
// starts[b + 1]).
struct QueryBlocks {
    std::vector<int> order;
    std::vector<int> starts;
};

// Neighbours on a row-major patch grid are alike, so blocks of 2 rows x 3
// columns cost nothing to form. On the bench's sample lot they searched 1.16
// times the groups that tree leaves did, and the tree took 1.2 ms per
// 784-patch part.
QueryBlocks gridBlocks(int count, int gridWidth)
{
    QueryBlocks blocks;
    const int height = count / gridWidth;
    for (int top = 0; top < height; top += 2) {
        for (int left = 0; left < gridWidth; left += 3) {
            blocks.starts.push_back(static_cast<int>(blocks.order.size()));
            for (int y = top; y < std::min(top + 2, height); ++y) {
                for (int x = left; x < std::min(left + 3, gridWidth); ++x)
                    blocks.order.push_back(y * gridWidth + x);
            }
        }
    }
    blocks.starts.push_back(count);
    return blocks;
}

QueryBlocks treeBlocks(const float *queries, int count, int channels)
{
    QueryBlocks blocks;
    blocks.order = similarPatchOrder(queries, count, channels, kBlockRows, kQueryPowerIterations);
    for (int first = 0; first < count; first += kBlockRows)
        blocks.starts.push_back(first);
    blocks.starts.push_back(count);
    return blocks;
}

// Per-thread state of the search of one query block.
class BlockSearch {
public:
    explicit BlockSearch(const BankConeIndex &index)
        : mIndex(index), mGroups(index.groupCount()), mStride(index.centrePanelCount() * kPanelWidth),
          mQueries(static_cast<std::size_t>(kBlockRows) * index.channels()),
          mCentreProducts(static_cast<std::size_t>(kBlockRows) * mStride),
          mBlockMaxima(static_cast<std::size_t>(mGroups)), mReach(static_cast<std::size_t>(mGroups))
    {
    }

    // Gathers queries order[0 .. rows-1] and writes their maxima.
    void run(const float *queries, const int *order, int rows, float *maxima, ConeSearchStats &stats)
    {
        mRows = rows;
        bool allUnit = true;
        const int channels = mIndex.channels();
        for (int r = 0; r < rows; ++r) {
            const float *query = queries + static_cast<std::size_t>(order[r]) * channels;
            std::copy(query, query + channels, mQueries.data() + static_cast<std::size_t>(r) * channels);
            allUnit = allUnit && isUnit(query, channels);
        }
        std::fill(mRunning, mRunning + kBlockRows * kFloatsPerRegister, -std::numeric_limits<float>::infinity());
        if (allUnit)
            searchBounded(stats);
        else
            searchAll(stats);
        for (int r = 0; r < rows; ++r)
            maxima[order[r]] = mBest[r];
    }

private:
    void searchAll(ConeSearchStats &stats)
    {
        for (int g = 0; g < mGroups; ++g)
            searchGroup(g, stats);
    }

    void searchBounded(ConeSearchStats &stats)
    {
        panelProducts(mQueries.data(), mRows, mIndex.channels(), mIndex.centrePanels(), mIndex.centrePanelCount(),
                      mCentreProducts.data(), mStride);
        computeBlockMaxima();
        seed(stats);
        markReachable();
        mCandidates.clear();
        for (int g = 0; g < mGroups; ++g) {
            if (mReach[static_cast<std::size_t>(g)] >= 0.0f)
                mCandidates.push_back({mBlockMaxima[static_cast<std::size_t>(g)], g});
        }
        std::sort(mCandidates.begin(), mCandidates.end(),
                  [](const auto &a, const auto &b) { return a.first > b.first; });
        for (const auto &candidate : mCandidates) {
            if (mayBeatBest(candidate.second))
                searchGroup(candidate.second, stats);
        }
    }

    // The largest centre product of the block's queries, per group.
    void computeBlockMaxima()
    {
        std::copy(mCentreProducts.data(), mCentreProducts.data() + mGroups, mBlockMaxima.data());
        for (int r = 1; r < mRows; ++r)
            maxInto(mBlockMaxima.data(), mCentreProducts.data() + static_cast<std::size_t>(r) * mStride, mGroups);
    }

    // Searches the groups whose centres are closest to the block, which sets
    // a best similarity for every query to prune with.
    void seed(ConeSearchStats &stats)
    {
        // One pass that keeps the kSeedGroups largest, best first.
        mSeeds.clear();
        for (int g = 0; g < mGroups; ++g) {
            const float value = mBlockMaxima[static_cast<std::size_t>(g)];
            if (mSeeds.size() == kSeedGroups && value <= mBlockMaxima[static_cast<std::size_t>(mSeeds.back())])
                continue;
            if (mSeeds.size() == kSeedGroups)
                mSeeds.pop_back();
            auto position = mSeeds.end();
            while (position != mSeeds.begin() && mBlockMaxima[static_cast<std::size_t>(*(position - 1))] < value)
                --position;
            mSeeds.insert(position, g);
        }
        for (const int g : mSeeds)
            searchGroup(g, stats);
    }

    // Runs mayBeatBest for every group at once, row by row, in vector loops.
    // Afterwards mReach[g] >= 0 where group g may beat some query's best,
    // except for the seeds, which are already searched.
    void markReachable()
    {
        std::fill(mReach.begin(), mReach.end(), -1.0f);
        for (int r = 0; r < mRows; ++r)
            foldConeReach(mCentreProducts.data() + static_cast<std::size_t>(r) * mStride, mIndex.cosRadii(),
                          mIndex.sinRadii(), mGroups, mBest[r], mBestSine[r], kBoundMargin, mReach.data());
        for (const int g : mSeeds)
            mReach[static_cast<std::size_t>(g)] = -1.0f;
    }

    // Whether group g's cone bound reaches some query's best so far:
    // cos(max(0, phi - theta)) >= best is phi <= theta + acos(best), which is
    // cos(phi) >= cos(theta) best - sin(theta) sqrt(1 - best^2), and always
    // true once theta + acos(best) >= pi, that is best <= -cos(theta).
    bool mayBeatBest(int g) const
    {
        const float cosTheta = mIndex.cosRadii()[g];
        const float sinTheta = mIndex.sinRadii()[g];
        for (int r = 0; r < mRows; ++r) {
            if (mBest[r] <= -cosTheta)
                return true;
            const float bound = cosTheta * mBest[r] - sinTheta * mBestSine[r] - kBoundMargin;
            if (mCentreProducts[static_cast<std::size_t>(r) * mStride + g] >= bound)
                return true;
        }
        return false;
    }

    void searchGroup(int g, ConeSearchStats &stats)
    {
        foldPanels(mQueries.data(), mRows, mIndex.channels(), mIndex.groupPanel(g), 1, mRunning);
        ++stats.groupsSearched;
        for (int r = 0; r < mRows; ++r) {
            const float *lanes = mRunning + r * kFloatsPerRegister;
            mBest[r] = *std::max_element(lanes, lanes + kFloatsPerRegister);
            mBestSine[r] = std::sqrt(std::max(0.0f, 1.0f - mBest[r] * mBest[r]));
        }
    }

    const BankConeIndex &mIndex;
    int mGroups;
    int mStride;
    int mRows = 0;
    std::vector<float> mQueries;
    std::vector<float> mCentreProducts;
    std::vector<float> mBlockMaxima;
    std::vector<float> mReach;
    std::vector<int> mSeeds;
    std::vector<std::pair<float, int>> mCandidates;
    float mRunning[kBlockRows * kFloatsPerRegister] = {};
    float mBest[kBlockRows] = {};
    float mBestSine[kBlockRows] = {};
};

} // namespace

BankConeIndex::BankConeIndex(const MemoryBank &bank)
    : mChannels(bank.channels()), mGroupCount((bank.size() + kGroupSize - 1) / kGroupSize)
{
    if (bank.isEmpty())
        return;
    const std::vector<int> order =
        similarPatchOrder(bank.data(), bank.size(), mChannels, kGroupSize, kBankPowerIterations);
    packPanels(bank.data(), mChannels, order.data(), bank.size(), mPanels);
    std::vector<float> centres(static_cast<std::size_t>(mGroupCount) * mChannels);
    mCosRadius.resize(static_cast<std::size_t>(mGroupCount));
    mSinRadius.resize(static_cast<std::size_t>(mGroupCount));
    for (int g = 0; g < mGroupCount; ++g) {
        const int first = g * kGroupSize;
        const float cosTheta = boundGroup(bank.data(), order.data() + first, std::min(kGroupSize, bank.size() - first),
                                          centres.data() + static_cast<std::size_t>(g) * mChannels);
        mCosRadius[static_cast<std::size_t>(g)] = cosTheta;
        mSinRadius[static_cast<std::size_t>(g)] = std::sqrt(std::max(0.0f, 1.0f - cosTheta * cosTheta));
    }
    packPanels(centres.data(), mChannels, 0, mGroupCount, mCentrePanels);
}

// Writes the unit centre of a group and returns cos(theta), the smallest
// inner product of a member with it; -1 (search always) when a member is not
// unit length or the members cancel out.
float BankConeIndex::boundGroup(const float *patches, const int *members, int memberCount, float *centre) const
{
    std::vector<double> sum(static_cast<std::size_t>(mChannels), 0.0);
    bool allUnit = true;
    for (int m = 0; m < memberCount; ++m) {
        const float *x = patches + static_cast<std::size_t>(members[m]) * mChannels;
        allUnit = allUnit && isUnit(x, mChannels);
        for (int c = 0; c < mChannels; ++c)
            sum[static_cast<std::size_t>(c)] += x[c];
    }
    double norm = 0.0;
    for (const double value : sum)
        norm += value * value;
    norm = std::sqrt(norm);
    for (int c = 0; c < mChannels; ++c)
        centre[c] = norm > 1e-6 ? static_cast<float>(sum[static_cast<std::size_t>(c)] / norm) : 0.0f;
    if (!allUnit || !(norm > 1e-6))
        return -1.0f;
    double cosTheta = 1.0;
    for (int m = 0; m < memberCount; ++m) {
        const float *x = patches + static_cast<std::size_t>(members[m]) * mChannels;
        double dot = 0.0;
        for (int c = 0; c < mChannels; ++c)
            dot += static_cast<double>(x[c]) * centre[c];
        cosTheta = std::min(cosTheta, dot);
    }
    return static_cast<float>(std::max(-1.0, cosTheta));
}

const float *BankConeIndex::groupPanel(int group) const
{
    return mPanels.data() + static_cast<std::size_t>(group) * kPanelWidth * mChannels;
}

int BankConeIndex::centrePanelCount() const
{
    return (mGroupCount + kPanelWidth - 1) / kPanelWidth;
}

void coneBoundMaxSimilarity(const float *queries, int count, const BankConeIndex &index, int threads, float *maxima,
                            ConeSearchStats *stats, int gridWidth)
{
    if (!panelKernelsAvailable())
        throw SettingsError(QStringLiteral("The cone-bound nearest-patch search needs a CPU with AVX2 and FMA. "
                                           "Call maxCosineSimilarity, which picks a search this CPU runs."));
    if (count <= 0 || index.groupCount() == 0)
        return;
    const QueryBlocks blocks = gridWidth > 0 && count % gridWidth == 0 ? gridBlocks(count, gridWidth)
                                                                        : treeBlocks(queries, count, index.channels());
    const int blockCount = static_cast<int>(blocks.starts.size()) - 1;
    std::int64_t searched = 0;
    threads = std::max(1, std::min(threads, blockCount));

#pragma omp parallel num_threads(threads) reduction(+ : searched)
    {
        BlockSearch search(index);
        ConeSearchStats local;
#pragma omp for schedule(dynamic, 4)
        for (int block = 0; block < blockCount; ++block) {
            const int first = blocks.starts[static_cast<std::size_t>(block)];
            search.run(queries, blocks.order.data() + first, blocks.starts[static_cast<std::size_t>(block) + 1] - first,
                       maxima, local);
        }
        searched += local.groupsSearched;
    }
    if (stats) {
        stats->groupsSearched += searched;
        stats->groupsTotal += static_cast<std::int64_t>(blockCount) * index.groupCount();
    }
}

} // namespace patchead
