#pragma once

#include "inspection/MapGeometry.h"
#include "store/LotRecords.h"

#include <QImage>
#include <QString>

#include <opencv2/core.hpp>

namespace patchead {

// Settings that turn stored anomaly maps into heatmaps (docs/scoring-contract.md).
struct HeatmapRendering {
    MapGeometry geometry;        // how the lot's images met the encoder, with the map sigma
    double rejectThreshold = 0.0;
    double opacity = 0.5;        // of the heatmap over the part image
};

// A picture for the report, or the reason there is none.
struct ReportPicture {
    // Format_RGB32, so QPdfWriter stores it as JPEG without an alpha mask when
    // Qt's jpeg image plugin is installed. Qt fixes the JPEG quality, so the
    // pixel size is the report's only control over file size.
    QImage image;
    QString note; // why the picture is missing or incomplete; empty when fine
};

// A part's image and its heatmap overlay, both at most maxSide pixels on the
// long side. When the image file is missing or unreadable the overlay shows
// the heatmap on grey at the stored image size and the image carries the
// loader's message as its note.
struct PartPictures {
    ReportPicture image;
    ReportPicture overlay;
};

// Loads and scales an image file for the report; a file that cannot be
// loaded gives a null image and the reason as the note.
ReportPicture loadReportPicture(const QString &path, int maxSide);

// Renders the pictures of one part. `part` must carry its anomaly map.
PartPictures renderPartPictures(const PartRecord &part, const HeatmapRendering &rendering, int maxSide);

// A horizontal strip of the heatmap colours from score 0 (left) to twice the
// reject threshold (right), for the colour scale legend.
QImage heatmapColourScale(int width, double rejectThreshold);

} // namespace patchead
