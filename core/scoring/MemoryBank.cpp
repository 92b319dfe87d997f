#include "scoring/MemoryBank.h"

#include "common/Error.h"
#include "scoring/ConeBoundSearch.h"

#include <algorithm>

namespace patchead {

void MemoryBank::add(const FeatureMap &patches, int sourceImage)
{
    if (mChannels == 0 && mSources.empty())
        mChannels = patches.channels;
    if (patches.channels != mChannels)
        throw SettingsError(QStringLiteral("Reference patches have %1 channels but the memory bank "
                                           "holds %2; all references must use the same encoder and layers.")
                                .arg(patches.channels).arg(mChannels));
    mPatches.insert(mPatches.end(), patches.data.begin(), patches.data.end());
    mSources.insert(mSources.end(), static_cast<std::size_t>(patches.patchCount()), sourceImage);
    mSourceCount = std::max(mSourceCount, sourceImage + 1);
    mSearchIndex.reset();
}

void MemoryBank::buildSearchIndex()
{
    mSearchIndex = std::make_shared<const BankConeIndex>(*this);
}

} // namespace patchead
