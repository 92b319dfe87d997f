#pragma once

#include "store/LotRecords.h"

#include <QJsonObject>
#include <QString>
#include <QVector>

namespace patchead {

// Version of the JSON export layout; raised when a key changes meaning or
// disappears. New keys may appear without a change.
constexpr int kLotJsonFormatVersion = 1;

// One part as a JSON object whose keys are exactly partCsvColumns(), with the
// same text as the CSV except that raw_score and normalised_score are
// numbers, and null for parts that could not be scored.
QJsonObject partJson(const LotRecord &lot, const PartRecord &part);

// The lot export: {"format", "format_version", "lot": {...},
// "thresholds": {"reject", "review", "rule", "history": [...]},
// "counts": {...}, "references": [{"path", "sha256", "leave_one_out_score",
// "unlike_others"}, ...], "parts": [partJson, ...]}. Times are ISO 8601 UTC.
// "unlike_others" marks a reference that findOutlierReferences finds,
// whose score raised the derived thresholds.
QJsonObject lotJson(const LotRecord &lot, const QVector<PartRecord> &parts,
                    const QVector<ThresholdChange> &thresholdHistory,
                    const QVector<ReferenceRecord> &references = {});

// Writes lotJson as indented UTF-8 JSON, through a temporary file that is
// renamed on success. Throws Error naming the file when it cannot be written.
void writeLotJson(const QString &path, const LotRecord &lot, const QVector<PartRecord> &parts,
                  const QVector<ThresholdChange> &thresholdHistory,
                  const QVector<ReferenceRecord> &references = {});

} // namespace patchead
