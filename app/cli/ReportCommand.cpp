// `patchead report`: the PDF report, CSV and JSON export of a stored lot.
#include "Commands.h"

#include "CliCommon.h"
#include "OutputPaths.h"
#include "common/Error.h"
#include "report/CsvExport.h"
#include "report/JsonExport.h"
#include "report/LotReport.h"
#include "store/LotStore.h"

#include <QFileInfo>
#include <QStringList>
#include <QJsonDocument>
#include <QJsonObject>

namespace patchead::cli {

namespace {

void addReportOptions(QCommandLineParser &parser)
{
    parser.setApplicationDescription(QStringLiteral(
        "Export a stored lot from its database: a PDF report (summary, histogram, heatmaps of flagged parts), "
        "a CSV and a JSON file of every part. Give at least one of --pdf, --csv and --json."));
    parser.addOption({QStringLiteral("db"), QStringLiteral("Lot database file written by `patchead inspect` or the workstation."), QStringLiteral("file")});
    parser.addOption({QStringLiteral("name"), QStringLiteral("Name of the lot to export."), QStringLiteral("lot")});
    parser.addOption({QStringLiteral("lot-id"), QStringLiteral("Database id of the lot to export, in place of --name."), QStringLiteral("id")});
    parser.addOption({QStringLiteral("pdf"), QStringLiteral("PDF report to write."), QStringLiteral("file")});
    parser.addOption({QStringLiteral("csv"), QStringLiteral("CSV of every part to write (UTF-8, RFC 4180)."), QStringLiteral("file")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("JSON of the lot, its thresholds and every part to write (UTF-8)."), QStringLiteral("file")});
    parser.addOption({QStringLiteral("all-parts"), QStringLiteral("Show every part with its heatmap in the PDF, not only flagged parts (fail, review, error or rejected by the operator).")});
    parser.addOption({QStringLiteral("no-part-table"), QStringLiteral("Leave out the PDF's table of all parts.")});
    parser.addOption({QStringLiteral("operator"), QStringLiteral("Operator name printed in the PDF (default: the lot's operator)."), QStringLiteral("name")});
    parser.addOption({QStringLiteral("title"), QStringLiteral("Title of the PDF (default \"Lot inspection report\")."), QStringLiteral("text")});
    parser.addOption({QStringLiteral("page-size"), QStringLiteral("Paper size of the PDF: a4 or letter (default a4)."), QStringLiteral("size"), QStringLiteral("a4")});
}

QString lotNames(const LotStore &store)
{
    QStringList names;
    for (const LotRecord &lot : store.lots())
        names.append(QStringLiteral("  %1 (id %2, %3 parts)").arg(lot.name).arg(lot.id).arg(store.counts(lot.id).total));
    return names.isEmpty() ? QStringLiteral("The database contains no lots.")
                           : QStringLiteral("Lots in the database:\n") + names.join(QLatin1Char('\n'));
}

LotRecord findRequestedLot(const LotStore &store, const QCommandLineParser &parser)
{
    const bool byName = parser.isSet(QStringLiteral("name"));
    const bool byId = parser.isSet(QStringLiteral("lot-id"));
    if (byName == byId)
        throw SettingsError(QStringLiteral("Give exactly one of --name and --lot-id; see --help."));
    std::optional<LotRecord> lot;
    QString requested;
    if (byName) {
        requested = QStringLiteral("Lot \"%1\"").arg(parser.value(QStringLiteral("name")));
        lot = store.findLot(parser.value(QStringLiteral("name")));
    } else {
        bool ok = false;
        const qint64 id = parser.value(QStringLiteral("lot-id")).toLongLong(&ok);
        if (!ok)
            throw SettingsError(QStringLiteral("--lot-id \"%1\" is not a number.").arg(parser.value(QStringLiteral("lot-id"))));
        requested = QStringLiteral("Lot id %1").arg(id);
        lot = store.lot(id);
    }
    if (!lot)
        throw SettingsError(QStringLiteral("%1 not found in %2.\n%3").arg(requested, store.path(), lotNames(store)));
    return *lot;
}

std::unique_ptr<LotStore> openExistingStore(const QCommandLineParser &parser)
{
    if (!parser.isSet(QStringLiteral("db")))
        throw SettingsError(QStringLiteral("--db is required; see --help."));
    const QString db = QFileInfo(parser.value(QStringLiteral("db"))).absoluteFilePath();
    // LotStore::open would create a missing file; a report needs an existing lot.
    if (!QFileInfo(db).isFile())
        throw StoreError(QStringLiteral("Database %1 not found. Pass the file that `patchead inspect --db` wrote.").arg(db));
    // An archived lot on a read-only share is still exported; only the audit
    // entries of the exports are then left out.
    if (!QFileInfo(db).isWritable() || !QFileInfo(QFileInfo(db).absolutePath()).isWritable()) {
        out() << "The database " << db << " is read-only: exporting without recording the export in its audit trail.\n";
        return LotStore::open(db, LotStore::Mode::ReadOnly);
    }
    return LotStore::open(db);
}

void appendExportAudit(LotStore &store, qint64 lotId, const QString &event, const QString &path)
{
    if (store.mode() == LotStore::Mode::ReadOnly)
        return;
    const QJsonObject details{{QStringLiteral("path"), QFileInfo(path).absoluteFilePath()}};
    store.appendAudit(lotId, event, QString::fromUtf8(QJsonDocument(details).toJson(QJsonDocument::Compact)));
}

LotReportOptions reportOptions(const QCommandLineParser &parser)
{
    LotReportOptions options;
    options.allParts = parser.isSet(QStringLiteral("all-parts"));
    options.partTable = !parser.isSet(QStringLiteral("no-part-table"));
    options.operatorName = parser.value(QStringLiteral("operator"));
    options.title = parser.value(QStringLiteral("title"));
    options.pageSize = reportPageSizeFromName(parser.value(QStringLiteral("page-size")));
    return options;
}

void writePdf(LotStore &store, const LotRecord &lot, const QCommandLineParser &parser)
{
    const LotReportSummary summary =
        writeLotReport(store, lot.id, parser.value(QStringLiteral("pdf")), reportOptions(parser));
    out() << "PDF  " << summary.pdfPath << ": " << summary.pageCount << (summary.pageCount == 1 ? " page, " : " pages, ")
          << summary.partRows << (summary.partRows == 1 ? " part" : " parts") << " with heatmaps, "
          << QString::number(summary.bytes / 1024.0, 'f', 0) << " KiB\n";
}

void writeCsv(LotStore &store, const LotRecord &lot, const QString &path)
{
    writePartsCsv(path, lot, store.parts(lot.id));
    appendExportAudit(store, lot.id, QStringLiteral("csv_exported"), path);
    out() << "CSV  " << QFileInfo(path).absoluteFilePath() << "\n";
}

void writeJson(LotStore &store, const LotRecord &lot, const QString &path)
{
    writeLotJson(path, lot, store.parts(lot.id), store.thresholdHistory(lot.id), store.references(lot.id));
    appendExportAudit(store, lot.id, QStringLiteral("json_exported"), path);
    out() << "JSON " << QFileInfo(path).absoluteFilePath() << "\n";
}

// Rejects an output that would replace the database or another output of
// the same command.
void requireDistinctOutputs(const QCommandLineParser &parser)
{
    const QString db = parser.value(QStringLiteral("db"));
    QStringList written;
    for (const QString &option : {QStringLiteral("pdf"), QStringLiteral("csv"), QStringLiteral("json")}) {
        if (!parser.isSet(option))
            continue;
        const QString path = parser.value(option);
        if (!db.isEmpty())
            requireNotDatabase(option, path, db);
        requireReplaceableOutput(option, path);
        for (const QString &earlier : written) {
            if (QFileInfo(earlier).absoluteFilePath() == QFileInfo(path).absoluteFilePath())
                throw SettingsError(QStringLiteral("--%1 and another output option both write %2; give each "
                                                   "output its own file.").arg(option, path));
        }
        written.append(path);
    }
}

} // namespace

int runReport(const QStringList &arguments)
{
    QCommandLineParser parser;
    addReportOptions(parser);
    int exitCode = ExitOk;
    if (!parseOrExplain(parser, arguments, exitCode))
        return exitCode;

    const bool pdf = parser.isSet(QStringLiteral("pdf"));
    const bool csv = parser.isSet(QStringLiteral("csv"));
    const bool json = parser.isSet(QStringLiteral("json"));
    if (!pdf && !csv && !json)
        throw SettingsError(QStringLiteral("Nothing to write: give --pdf, --csv or --json; see --help."));
    if (pdf)
        reportPageSizeFromName(parser.value(QStringLiteral("page-size"))); // reject a typo before any output
    requireDistinctOutputs(parser);

    std::unique_ptr<LotStore> store = openExistingStore(parser);
    const LotRecord lot = findRequestedLot(*store, parser);
    if (lot.status != QLatin1String("complete"))
        out() << "Note: lot \"" << lot.name << "\" is incomplete (status " << lot.status
              << "), so parts not scored yet are missing from this export. Run the inspection of the lot again to "
                 "finish it.\n";
    if (pdf)
        writePdf(*store, lot, parser);
    if (csv)
        writeCsv(*store, lot, parser.value(QStringLiteral("csv")));
    if (json)
        writeJson(*store, lot, parser.value(QStringLiteral("json")));
    out().flush();
    return ExitOk;
}

} // namespace patchead::cli
