#pragma once

#include <QDateTime>
#include <QString>
#include <QtGlobal>

namespace patchead {

class LotStore;

enum class ReportPageSize { A4, Letter };

// Parses "a4" or "letter" (any case); throws SettingsError otherwise.
ReportPageSize reportPageSizeFromName(const QString &name);

struct LotReportOptions {
    // false: only flagged parts get a row with their heatmap. A part is
    // flagged when its automatic verdict is fail, review or error (an image
    // that could not be scored), or when the operator rejected it.
    bool allParts = false;
    // Appends a table of every part of the lot, one line each.
    bool partTable = true;
    QString operatorName; // replaces the lot's operator when not empty
    QString title;        // empty: "Lot inspection report"
    ReportPageSize pageSize = ReportPageSize::A4;
    // Maximum long side of each embedded part image and overlay, in pixels.
    // At the 46 mm the report prints them, 600 pixels are about 330 dpi.
    int maxImageSide = 600;
    double heatmapOpacity = 0.5; // of the heatmap over the part image, 0 to 1
    QDateTime generatedAt;       // invalid: the current time; printed in UTC
};

// Outcome of writeLotReport.
struct LotReportSummary {
    QString pdfPath;  // absolute
    int pageCount = 0;
    int partRows = 0; // parts shown with image and heatmap
    qint64 bytes = 0; // size of the PDF file
};

// Writes the PDF report of a lot from the database alone. It shows identity,
// settings and encoder, references, thresholds and their history, verdict
// counts and the score histogram. One row per flagged part (or every part)
// has its image and heatmap, and a table of all parts is optional. Then
// appends "report_exported" with the path to the lot's audit log.
//
// Needs a QGuiApplication, because text layout uses the font database.
// Part and reference images are read from their stored paths; a missing or
// unreadable file gets a note in place of its picture. The PDF is written to
// a temporary file and renamed, so a failure never leaves a partial report.
// Throws SettingsError for an unknown lot or invalid options, StoreError
// for database failures and Error when the PDF cannot be written.
LotReportSummary writeLotReport(LotStore &store, qint64 lotId, const QString &pdfPath,
                                const LotReportOptions &options = {});

} // namespace patchead
