#pragma once

// A realistic lot for the report's size measurement and sample pages. It uses
// the synthetic flange images of core/synthetic. Its anomaly maps are made
// from the defect masks (hot where the defect is, low noise elsewhere), so
// no encoder is needed. Scores, thresholds and verdicts follow the scoring
// contract from those maps.

#include <QString>
#include <QtGlobal>

namespace patchead::test {

struct SampleReportLotOptions {
    int goodParts = 120;
    int defectiveParts = 40;
    int imageSize = 1024;        // pixels per side of every image
    int references = 8;
    bool removeOnePartImage = false; // delete one flagged part's file to show the note
    quint32 seed = 20240412;
};

struct SampleReportLot {
    QString databasePath;
    qint64 lotId = 0;
    int parts = 0;
    int flaggedParts = 0;
};

// Writes the images under `folder`/images and the database `folder`/lots.sqlite.
// Throws patchead::Error when the images or database cannot be written.
SampleReportLot buildSampleReportLot(const QString &folder, const SampleReportLotOptions &options);

} // namespace patchead::test
