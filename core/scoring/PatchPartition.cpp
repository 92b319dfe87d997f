#include "scoring/PatchPartition.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>

namespace patchead {

namespace {

class TreeSplitter {
public:
    TreeSplitter(const float *patches, int channels, int leaf, int powerIterations)
        : mPatches(patches), mChannels(channels), mLeaf(leaf), mIterations(powerIterations),
          mMean(static_cast<std::size_t>(channels)), mDirection(static_cast<std::size_t>(channels)),
          mNext(static_cast<std::size_t>(channels))
    {
    }

    void split(int *begin, int *end)
    {
        const int count = static_cast<int>(end - begin);
        if (count <= mLeaf)
            return;
        computeMean(begin, end);
        leadingDirection(begin, end);
        mProjections.resize(static_cast<std::size_t>(count));
        const float offset = meanDot(mDirection.data());
        for (int i = 0; i < count; ++i) {
            const float projection = centredDot(begin[i], mDirection.data(), offset);
            // nth_element needs an order; a NaN patch goes to the middle.
            mProjections[static_cast<std::size_t>(i)] = {std::isnan(projection) ? 0.0f : projection, begin[i]};
        }
        // A multiple of leaf on the left keeps every leaf but the last full.
        const int left = std::clamp((count / mLeaf + 1) / 2 * mLeaf, mLeaf, count - 1);
        std::nth_element(mProjections.begin(), mProjections.begin() + left, mProjections.end());
        for (int i = 0; i < count; ++i)
            begin[i] = mProjections[static_cast<std::size_t>(i)].second;
        split(begin, begin + left);
        split(begin + left, end);
    }

private:
    const float *patch(int index) const { return mPatches + static_cast<std::size_t>(index) * mChannels; }

    // (x - mean) . direction, as x . direction minus the node's constant
    // mean . direction (meanDot), so the loop is one vectorised dot product.
    float centredDot(int index, const float *direction, float meanDot) const
    {
        const float *x = patch(index);
        float sum = 0.0f;
#pragma omp simd reduction(+ : sum)
        for (int c = 0; c < mChannels; ++c)
            sum += x[c] * direction[c];
        return sum - meanDot;
    }

    float meanDot(const float *direction) const
    {
        const float *mean = mMean.data();
        float sum = 0.0f;
#pragma omp simd reduction(+ : sum)
        for (int c = 0; c < mChannels; ++c)
            sum += mean[c] * direction[c];
        return sum;
    }

    void computeMean(const int *begin, const int *end)
    {
        std::fill(mMean.begin(), mMean.end(), 0.0f);
        float *mean = mMean.data();
        for (const int *i = begin; i != end; ++i) {
            const float *x = patch(*i);
#pragma omp simd
            for (int c = 0; c < mChannels; ++c)
                mean[c] += x[c];
        }
        const float scale = 1.0f / static_cast<float>(end - begin);
        for (float &value : mMean)
            value *= scale;
    }

    // Power iterations on the node's scatter matrix, started from the first
    // patch's offset from the mean. A node of identical patches keeps any
    // direction: every split of it is as good.
    void leadingDirection(const int *begin, const int *end)
    {
        for (int c = 0; c < mChannels; ++c)
            mDirection[static_cast<std::size_t>(c)] = patch(*begin)[c] - mMean[static_cast<std::size_t>(c)] + (c == 0 ? 1e-3f : 0.0f);
        normalise(mDirection);
        for (int iteration = 0; iteration < mIterations; ++iteration) {
            // Sum of w (x - mean) = sum of w x - (sum of w) mean.
            std::fill(mNext.begin(), mNext.end(), 0.0f);
            float *next = mNext.data();
            const float offset = meanDot(mDirection.data());
            float weightSum = 0.0f;
            for (const int *i = begin; i != end; ++i) {
                const float weight = centredDot(*i, mDirection.data(), offset);
                weightSum += weight;
                const float *x = patch(*i);
#pragma omp simd
                for (int c = 0; c < mChannels; ++c)
                    next[c] += weight * x[c];
            }
            for (int c = 0; c < mChannels; ++c)
                next[c] -= weightSum * mMean[static_cast<std::size_t>(c)];
            if (!normalise(mNext))
                return;
            std::swap(mDirection, mNext);
        }
    }

    static bool normalise(std::vector<float> &vector)
    {
        const float norm = std::sqrt(std::inner_product(vector.begin(), vector.end(), vector.begin(), 0.0f));
        if (!(norm > 1e-20f))
            return false;
        for (float &value : vector)
            value /= norm;
        return true;
    }

    const float *mPatches;
    int mChannels;
    int mLeaf;
    int mIterations;
    std::vector<float> mMean;
    std::vector<float> mDirection;
    std::vector<float> mNext;
    std::vector<std::pair<float, int>> mProjections;
};

} // namespace

std::vector<int> similarPatchOrder(const float *patches, int count, int channels, int leaf, int powerIterations)
{
    std::vector<int> order(static_cast<std::size_t>(std::max(0, count)));
    std::iota(order.begin(), order.end(), 0);
    if (count > 0 && leaf > 0 && channels > 0) {
        TreeSplitter splitter(patches, channels, leaf, powerIterations);
        splitter.split(order.data(), order.data() + count);
    }
    return order;
}

} // namespace patchead
