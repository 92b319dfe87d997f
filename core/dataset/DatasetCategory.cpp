#include "dataset/DatasetCategory.h"

#include "dataset/ImageFolderScan.h"

#include <algorithm>

namespace patchead {

int DatasetCategory::anomalousCount() const
{
    return int(std::count_if(testSamples.begin(), testSamples.end(),
                             [](const TestSample &sample) { return sample.anomalous; }));
}

int DatasetCategory::normalCount() const
{
    return int(testSamples.size()) - anomalousCount();
}

QStringList DatasetCategory::defectTypes() const
{
    QStringList types;
    for (const TestSample &sample : testSamples) {
        if (sample.anomalous && !types.contains(sample.defectType))
            types.append(sample.defectType);
    }
    sortPaths(types);
    return types;
}

void sortTestSamples(std::vector<TestSample> &samples)
{
    std::sort(samples.begin(), samples.end(),
              [](const TestSample &a, const TestSample &b) { return a.imagePath < b.imagePath; });
}

} // namespace patchead
