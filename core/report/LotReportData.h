#pragma once

#include "inspection/MapGeometry.h"
#include "report/LotReport.h"
#include "store/LotRecords.h"

#include <QJsonObject>
#include <QStringList>
#include <QVector>

#include <opencv2/core.hpp>

namespace patchead {

// Everything a lot report shows, read from the database in one go.
struct LotReportData {
    LotRecord lot;
    QJsonObject settings;          // parsed LotRecord::settingsJson; empty when invalid
    QVector<ReferenceRecord> references;
    QVector<PartRecord> parts;     // every part, without anomaly maps
    QVector<ThresholdChange> thresholdHistory;
    // Thresholds and rule when the lot was created, from its "lot_created"
    // audit event; empty when that event is missing.
    QString initialThresholdRule;
    LotCounts counts;
    QString operatorName;          // the option's override or the lot's operator
    QDateTime generatedAt;         // UTC
    MapGeometry mapGeometry;       // for re-rendering anomaly maps
};

// Reads the lot, its references, parts, counts and threshold history.
// Throws SettingsError when the lot does not exist.
LotReportData loadLotReportData(const LotStore &store, qint64 lotId, const LotReportOptions &options);

// Whether a part needs a person's attention (see LotReportOptions::allParts).
bool isFlaggedPart(const PartRecord &part);

// The parts that get a row with image and heatmap, in stored order.
QVector<PartRecord> reportedParts(const LotReportData &data, bool allParts);

// One labelled value of a key/value grid in the report.
struct ReportField {
    QString label;
    QString value;
    bool monospace = false; // for hashes and other machine strings
};

// The lot's inspection settings and the encoder, in the order the report
// prints them.
QVector<ReportField> settingsFields(const LotReportData &data);

// Timestamp as printed in reports: "2025-03-01 14:05:09 UTC".
QString reportTimestamp(const QDateTime &time);

// Score with the digits the report prints everywhere.
QString reportScore(double score);

} // namespace patchead
