#pragma once

#include "dataset/DatasetCategory.h"

#include <QString>
#include <QStringList>

namespace patchead {

// A data set whose defective images have their mask beside them in the same
// folder, named <stem><maskSuffix>.<ext> (for example 12.jpg with
// 12_label.png), while good images lie in folders of their own. The mask may
// use another image format than its image. Folders are read without
// recursion.
struct SuffixLayout {
    QString name;                 // category name for reports and messages
    QStringList trainGoodFolders; // known-good images for references; empty for batch zero-shot
    QStringList testGoodFolders;  // normal test images
    QStringList defectFolders;    // defective test images and their masks; folder name = defect type
    QString maskSuffix = QStringLiteral("_mask"); // must not be empty
};

// Reads the images a SuffixLayout describes. In defect folders, every image
// whose stem ends with maskSuffix is a mask and every other image must have
// exactly one mask. In good folders, files whose stem ends with maskSuffix are
// skipped, because some data sets ship empty masks for good images. Throws
// SettingsError for an empty maskSuffix or no test folders, and Error naming
// the folder or image when a folder is missing or has no images, or when a
// defective image has no mask or several.
DatasetCategory readSuffixLayout(const SuffixLayout &layout);

} // namespace patchead
