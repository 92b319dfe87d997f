#pragma once

#include "store/LotRecords.h"

#include <QString>
#include <QVector>

namespace patchead {

// The stable CSV columns of a lot export, in order. Scripts rely on these
// names; add columns at the end only.
QStringList partCsvColumns();

// Quotes one CSV field as RFC 4180 requires: fields containing a comma, a
// quote, CR or LF are enclosed in quotes with inner quotes doubled.
QString csvField(const QString &value);

// Writes one row per part as UTF-8 CSV with CRLF line ends (RFC 4180).
// Throws Error naming the file when it cannot be written.
void writePartsCsv(const QString &path, const LotRecord &lot, const QVector<PartRecord> &parts);

} // namespace patchead
