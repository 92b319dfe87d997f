#pragma once

#include <QHash>
#include <QString>
#include <QStringList>

namespace patchead {

// Image files directly inside folder (not recursive, hidden files skipped)
// whose names match supportedImagePatterns() ignoring case, as
// folder + "/" + file name, sorted with sortPaths(). Returns an empty list
// for a missing folder.
QStringList listImageFiles(const QString &folder);

// The image files of folder grouped by fileStem(), to look up masks by name
// ("003_mask" finds 003_mask.png) without listing the folder per image.
QHash<QString, QStringList> indexImagesByStem(const QString &folder);

// Returns the one image in maskIndex named fileStem(imagePath) + maskSuffix.
// Throws Error naming the image, the expected mask and the fix when there is
// none or more than one (such as 003_mask.png and 003_mask.bmp). datasetName
// starts the message ("MVTec category 'screw'").
QString requireMask(const QHash<QString, QStringList> &maskIndex, const QString &maskFolder,
                    const QString &imagePath, const QString &maskSuffix, const QString &datasetName);

// File name without its last extension ("a.b.png" gives "a.b").
QString fileStem(const QString &path);

// The accepted image patterns for messages: "*.png, *.jpg, ...".
QString supportedPatternsText();

// Sorts by UTF-16 code units, independent of locale and platform.
void sortPaths(QStringList &paths);

} // namespace patchead
