#include "report/CsvExport.h"

#include "common/Error.h"
#include "common/Logging.h"
#include "scoring/Threshold.h"

#include <QFileInfo>
#include <QSaveFile>

namespace patchead {

QStringList partCsvColumns()
{
    return {QStringLiteral("lot"), QStringLiteral("part_file"), QStringLiteral("image_sha256"),
            QStringLiteral("raw_score"), QStringLiteral("normalised_score"), QStringLiteral("verdict"),
            QStringLiteral("operator_verdict"), QStringLiteral("operator"), QStringLiteral("scored_at_utc"),
            QStringLiteral("error"), QStringLiteral("part_path")};
}

QString csvField(const QString &value)
{
    const bool needsQuotes = value.contains(QLatin1Char(',')) || value.contains(QLatin1Char('"'))
        || value.contains(QLatin1Char('\n')) || value.contains(QLatin1Char('\r'));
    if (!needsQuotes)
        return value;
    QString quoted = value;
    quoted.replace(QLatin1String("\""), QLatin1String("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

namespace {

QString csvRow(const QStringList &fields)
{
    QStringList quoted;
    for (const QString &field : fields)
        quoted.append(csvField(field));
    return quoted.join(QLatin1Char(',')) + QStringLiteral("\r\n");
}

// Spreadsheets run a cell that starts with =, +, - or @ as a formula, so a
// part named =HYPERLINK("...").png would become a link when the CSV is
// opened. Text cells that start so get a leading apostrophe, which
// spreadsheets read as "text" (OWASP, "CSV Injection"). The JSON export
// keeps the names unchanged.
QString textCell(const QString &value)
{
    static const QString formulaStarts = QStringLiteral("=+-@\t\r");
    if (!value.isEmpty() && formulaStarts.contains(value.front()))
        return QLatin1Char('\'') + value;
    return value;
}

QStringList partFields(const LotRecord &lot, const PartRecord &part)
{
    const bool scored = part.verdict != Verdict::Error;
    return {textCell(lot.name),
            textCell(QFileInfo(part.path).fileName()),
            part.sha256,
            scored ? QString::number(part.imageScore, 'g', 9) : QString(),
            scored ? QString::number(normalisedScore(part.imageScore, lot.rejectThreshold), 'f', 6) : QString(),
            verdictName(part.verdict),
            operatorVerdictName(part.operatorVerdict),
            textCell(part.operatorName),
            part.scoredAt.toUTC().toString(Qt::ISODateWithMs),
            textCell(part.error),
            textCell(part.path)};
}

} // namespace

void writePartsCsv(const QString &path, const LotRecord &lot, const QVector<PartRecord> &parts)
{
    // QSaveFile writes to a temporary file and renames it, so a failed
    // export never leaves a half-written CSV in place of a good one.
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        throw Error(QStringLiteral("Cannot write CSV %1: %2").arg(path, file.errorString()));
    QByteArray bytes = csvRow(partCsvColumns()).toUtf8();
    for (const PartRecord &part : parts)
        bytes += csvRow(partFields(lot, part)).toUtf8();
    file.write(bytes);
    if (!file.commit())
        throw Error(QStringLiteral("Cannot write CSV %1: %2. Check free space and permissions.")
                        .arg(path, file.errorString()));
    qCInfo(lcReport) << "Wrote" << parts.size() << "parts of lot" << lot.name << "to" << path;
}

} // namespace patchead
