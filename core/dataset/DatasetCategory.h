#pragma once

#include <QString>
#include <QStringList>

#include <vector>

namespace patchead {

// One labelled test image.
struct TestSample {
    QString imagePath;
    bool anomalous = false;
    QString defectType; // name of the image's type folder, or "good" for normal suffix-layout images
    QString maskPath;   // binary ground-truth mask, empty for normal images
};

// The images of one product category, as the dataset readers return them.
// Paths start with the folders the caller gave (absolute when those are), and
// every list is sorted by path in UTF-16 code unit order, the same on every
// platform, so that K-shot selection from trainImages is reproducible.
struct DatasetCategory {
    QString name;
    QString rootPath; // category folder, empty for the suffix layout

    QStringList trainImages; // known-good images, the pool for K-shot references
    std::vector<TestSample> testSamples;

    int anomalousCount() const;
    int normalCount() const;
    QStringList defectTypes() const; // distinct types of the anomalous samples, sorted
};

// Sorts by image path in UTF-16 code unit order.
void sortTestSamples(std::vector<TestSample> &samples);

} // namespace patchead
