#pragma once

#include "inspection/PartScorer.h"
#include "scoring/Threshold.h"

#include <QHash>
#include <QString>
#include <QStringList>
#include <opencv2/core.hpp>

namespace patchead {

// File names of a lot's heatmap overlays, one per part path, all distinct.
// A part gets "<base name>_heatmap.png". When several parts of the lot share
// a base name (a.png and a.bmp), each of them gets "<file name>_heatmap.png"
// instead. A name that still collides (a.png beside a.png.bmp, or one file
// name in two folders) gets "~" and 8 hex digits of the SHA-256 of the part's
// path. Names stay within ext4's 255 bytes.
class HeatmapNames {
public:
    explicit HeatmapNames(const QStringList &partPaths);
    QString fileNameFor(const QString &partPath) const;

private:
    QHash<QString, QString> mNames; // part path to overlay file name
};

// Writes the overlay of `score` on `rgb` as a PNG into `folder`; throws Error
// naming the file when it cannot be encoded or written.
void writeHeatmap(const QString &folder, const QString &fileName, const QString &partPath, const cv::Mat &rgb,
                  const PartScore &score, const Thresholds &thresholds, double sigma, double opacity);

} // namespace patchead
