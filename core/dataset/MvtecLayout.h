#pragma once

#include "dataset/DatasetCategory.h"

#include <QString>
#include <QStringList>

// Readers for the MVTec AD folder layout (Bergmann et al., CVPR 2019):
//
//   <root>/<category>/train/good/*.png          known-good training images
//   <root>/<category>/test/<type>/*.png         "good" is normal, other types defective
//   <root>/<category>/ground_truth/<type>/<stem>_mask.png   one mask per defective image
//
// Any image format of supportedImagePatterns() is accepted for images and
// masks. Other data sets stored in this layout with other names are read by
// changing MvtecLayoutOptions.

namespace patchead {

struct MvtecLayoutOptions {
    QString goodFolder = QStringLiteral("good");  // under train/ and test/
    QString maskSuffix = QStringLiteral("_mask"); // mask stem = image stem + suffix; may be empty
};

// Returns the sorted names of the folders under root that contain
// <goodFolder> under train/ and a test/ folder. Throws Error when root is not
// a folder.
QStringList listMvtecCategories(const QString &root, const MvtecLayoutOptions &options = {});

// Reads one category folder such as <root>/screw; the category name is the
// folder name. Throws Error naming the folder or file and the fix when
// train/<good> or test/ is missing, when train/<good> has no images, when
// test/ has no images, or when a defective image has no mask or several.
DatasetCategory readMvtecCategory(const QString &categoryPath, const MvtecLayoutOptions &options = {});

} // namespace patchead
