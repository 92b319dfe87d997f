// `patchead inspect`: few-shot inspection of a lot folder from the command line.
#include "Commands.h"

#include "CliCommon.h"
#include "CliSettings.h"
#include "OutputPaths.h"
#include "common/Error.h"
#include "imaging/ImageLoader.h"
#include "inspection/FeatureExtractor.h"
#include "inspection/LotInspection.h"
#include "report/CsvExport.h"
#include "scoring/Threshold.h"
#include "store/LotStore.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cmath>

namespace patchead::cli {

namespace {

void addInspectOptions(QCommandLineParser &parser)
{
    parser.setApplicationDescription(QStringLiteral(
        "Inspect a lot: score every part image against a few known-good reference images, "
        "store each result in the lot database as it is produced, and write a CSV and heatmaps."));
    parser.addOption({QStringLiteral("references"), QStringLiteral("Folder of known-good images, or one image; repeat to add more (optional with --zero-shot)."), QStringLiteral("path")});
    parser.addOption({QStringLiteral("lot"), QStringLiteral("Folder of part images to inspect."), QStringLiteral("folder")});
    parser.addOption({QStringLiteral("db"), QStringLiteral("Lot database file (created when missing)."), QStringLiteral("file")});
    parser.addOption({QStringLiteral("name"), QStringLiteral("Lot name in the database (default: the lot folder's name). The same name resumes a lot."), QStringLiteral("name")});
    parser.addOption({QStringLiteral("operator"), QStringLiteral("Operator name stored with the lot."), QStringLiteral("name")});
    parser.addOption({QStringLiteral("out"), QStringLiteral("Output folder for <lot>.csv and heatmaps/<lot>/ (default: beside the database)."), QStringLiteral("folder")});
    parser.addOption({QStringLiteral("csv"), QStringLiteral("CSV file of every part (default: <out>/<lot>.csv)."), QStringLiteral("file")});
    parser.addOption({QStringLiteral("heatmaps"), QStringLiteral("Folder of heatmap overlays (default: <out>/heatmaps/<lot>)."), QStringLiteral("folder")});
    parser.addOption({QStringLiteral("no-heatmaps"), QStringLiteral("Write no heatmap images.")});
    parser.addOption({QStringLiteral("threshold"), QStringLiteral("Reject threshold on the raw image score (default: from the references' leave-one-out scores)."), QStringLiteral("score")});
    parser.addOption({QStringLiteral("review-threshold"), QStringLiteral("Lower edge of the review band with --threshold (default: no band)."), QStringLiteral("score")});
    parser.addOption({QStringLiteral("reject-margin"), QStringLiteral("Reject threshold above the largest leave-one-out score, as a fraction (default 0.10)."), QStringLiteral("f"), QStringLiteral("0.10")});
    parser.addOption({QStringLiteral("settle-time"), QStringLiteral("A part file modified less than this many seconds ago is watched until it is that old; if it changes meanwhile it is reported as still being written and retried on the next run (default 1, 0 turns the check off)."), QStringLiteral("s"), QStringLiteral("1")});
    addEncoderOptions(parser);
}

// Checked before the encoder loads and the database opens, so a mistyped
// folder fails at once and leaves no database behind.
QStringList referencePaths(const QStringList &arguments)
{
    QStringList paths;
    for (const QString &argument : arguments) {
        const QFileInfo info(argument);
        if (info.isDir()) {
            const QStringList images = LotInspection::listImages(argument);
            if (images.isEmpty())
                throw SettingsError(QStringLiteral("The reference folder %1 contains no images (accepted: %2). "
                                                   "Put 4 to 16 images of known-good parts in it, or pass "
                                                   "another folder with --references.")
                                        .arg(info.absoluteFilePath(),
                                             supportedImagePatterns().join(QStringLiteral(", "))));
            paths += images;
        } else if (info.exists()) {
            paths.append(info.absoluteFilePath());
        } else {
            throw SettingsError(QStringLiteral("Reference not found: %1").arg(argument));
        }
    }
    return paths;
}

void requireLotImages(const QString &lotFolder)
{
    if (!QFileInfo(lotFolder).isDir())
        throw SettingsError(QStringLiteral("The lot folder %1 was not found; check --lot.").arg(lotFolder));
    if (LotInspection::listImages(lotFolder).isEmpty())
        throw SettingsError(QStringLiteral("No images found in the lot folder %1 (accepted: %2).")
                                .arg(lotFolder, supportedImagePatterns().join(QStringLiteral(", "))));
}

// Leave-one-out thresholds compare each reference with the others, so one
// image is not enough; checked before the encoder loads and the database opens.
void requireTwoReferences(const LotRequest &request)
{
    if (request.settings.zeroShot.enabled || request.settings.fixedRejectThreshold > 0.0
        || request.referencePaths.size() != 1)
        return;
    throw SettingsError(QStringLiteral("Only one reference image was given (%1). The reject threshold comes "
                                       "from comparing each good sample with the others, so it needs at "
                                       "least two reference images; add more images of good parts to --references (4 to 16 "
                                       "work best), or set --threshold.")
                            .arg(request.referencePaths.front()));
}

LotRequest requestFromOptions(const QCommandLineParser &parser, const QString &outFolder)
{
    for (const QString &required : {QStringLiteral("lot"), QStringLiteral("db")}) {
        if (!parser.isSet(required))
            throw SettingsError(QStringLiteral("--%1 is required; see --help.").arg(required));
    }
    if (!parser.isSet(QStringLiteral("references")) && !parser.isSet(QStringLiteral("zero-shot")))
        throw SettingsError(QStringLiteral("--references is required unless --zero-shot scores the lot against itself."));
    LotRequest request;
    // cleanPath drops a trailing slash, which would leave the folder's name,
    // the default lot name, empty.
    request.lotFolder = QDir::cleanPath(QFileInfo(parser.value(QStringLiteral("lot"))).absoluteFilePath());
    requireLotImages(request.lotFolder);
    request.lotName = parser.isSet(QStringLiteral("name")) ? parser.value(QStringLiteral("name"))
                                                           : QFileInfo(request.lotFolder).fileName();
    if (request.lotName.trimmed().isEmpty())
        throw SettingsError(QStringLiteral("The lot name is empty; give a name with --name."));
    requireReferencesOutsideLot(parser.values(QStringLiteral("references")), request.lotFolder);
    request.referencePaths = referencePaths(parser.values(QStringLiteral("references")));
    request.operatorName = parser.value(QStringLiteral("operator"));
    request.settings = settingsFromOptions(parser);
    request.settings.threshold.rejectMargin = numberOption(parser, QStringLiteral("reject-margin"));
    if (parser.isSet(QStringLiteral("threshold"))) {
        request.settings.fixedRejectThreshold = numberOption(parser, QStringLiteral("threshold"));
        // 0 means "derive the threshold" in the settings, so a given 0 would be ignored.
        if (request.settings.fixedRejectThreshold <= 0.0)
            throw SettingsError(QStringLiteral("--threshold %1 is not a reject threshold; give a positive image "
                                               "score, or leave --threshold out to derive it from the references.")
                                    .arg(request.settings.fixedRejectThreshold));
    }
    if (parser.isSet(QStringLiteral("review-threshold"))) {
        if (!parser.isSet(QStringLiteral("threshold")))
            throw SettingsError(QStringLiteral("--review-threshold needs --threshold as well; give both, or "
                                               "neither to derive them from the references."));
        request.settings.fixedReviewThreshold = numberOption(parser, QStringLiteral("review-threshold"));
    }
    request.settings.validate();
    requireTwoReferences(request);
    const double settleSeconds = numberOption(parser, QStringLiteral("settle-time"));
    if (settleSeconds < 0.0 || settleSeconds > 600.0)
        throw SettingsError(QStringLiteral("--settle-time %1 is out of range; give 0 to 600 seconds.").arg(settleSeconds));
    request.settleMs = static_cast<int>(settleSeconds * 1000.0);
    // Each lot has its own folder under --out, so lots that share --out and
    // part names (000.png in every lot) keep each other's overlays.
    const QString lotHeatmaps = QDir(outFolder).filePath(QStringLiteral("heatmaps/") + fileNameForLot(request.lotName));
    if (!parser.isSet(QStringLiteral("no-heatmaps")))
        request.heatmapFolder = parser.isSet(QStringLiteral("heatmaps")) ? parser.value(QStringLiteral("heatmaps"))
                                                                         : lotHeatmaps;
    return request;
}

QString progressText(const LotProgress &progress)
{
    return QStringLiteral("[%1/%2] %3 failed to load | %4 elapsed | ETA %5 | %6")
        .arg(progress.stored).arg(progress.total).arg(progress.failed)
        .arg(formatDuration(progress.elapsedSeconds), formatDuration(progress.etaSeconds),
             QFileInfo(progress.lastPart).fileName());
}

void printSummary(const LotSummary &summary, const QString &csvPath, const QString &heatmaps, const QString &db)
{
    const LotRecord &lot = summary.lot;
    // Rows of files that were renamed or removed since an earlier run stay
    // in the lot as its history.
    const int notInFolder = summary.counts.total - summary.scoredThisRun - summary.alreadyStored;
    out() << "\nLot \"" << lot.name << "\" " << lot.status << ": " << summary.counts.total
          << (summary.counts.total == 1 ? " part" : " parts") << " stored (" << summary.scoredThisRun
          << " this run, " << summary.alreadyStored << " from earlier runs";
    if (notInFolder > 0)
        out() << ", " << notInFolder << " no longer in the lot folder";
    out() << ")\n";
    out() << "  pass " << summary.counts.pass << ", review " << summary.counts.review << ", fail "
          << summary.counts.fail << ", unreadable " << summary.counts.error << "\n";
    if (summary.retriedErrors > 0)
        out() << "  " << summary.retriedErrors
              << (summary.retriedErrors == 1 ? " part unreadable in an earlier run was scored again\n"
                                             : " parts unreadable in an earlier run were scored again\n");
    if (summary.changedFiles > 0)
        out() << "  " << summary.changedFiles
              << (summary.changedFiles == 1 ? " part was" : " parts were")
              << " scored again because the image file changed since it was scored; the audit log keeps the "
                 "earlier result\n";
    out() << "  reject threshold " << QString::number(lot.rejectThreshold, 'g', 6) << ", review threshold "
          << QString::number(lot.reviewThreshold, 'g', 6) << " (" << lot.thresholdRule << ")\n";
    // Zero-shot lots have no reference set, so no alignment decision.
    if (!summary.alignment.reason.isEmpty())
        out() << "  alignment: " << summary.alignment.reason << "\n";
    for (const RejectedInput &rejected : summary.rejectedReferences)
        out() << "  reference skipped: " << rejected.path << ": " << rejected.reason << "\n";
    for (const RejectedInput &outlier : summary.outlierReferences) {
        out() << "  warning: reference " << outlier.path << " looks unlike the others: " << outlier.reason
              << ". Check that it shows a good part of this product, or remove it and run the lot under a new "
                 "name.";
        // On MVTec screw, one of 8 references lay at another angle: its
        // score fell from 2.7 to 1.2 times the median with rotated copies.
        if (!summary.alignment.rotationsAllowed)
            out() << " If the parts lie at different angles, run with --alignment always, which compares "
                     "rotated copies of the references.";
        out() << "\n";
    }
    if (summary.scoredThisRun > 0)
        out() << "  time per part " << QString::number(summary.secondsPerPart * 1000.0, 'f', 1) << " ms\n";
    out() << "  database " << db << "\n  CSV " << csvPath << "\n";
    if (!heatmaps.isEmpty())
        out() << "  heatmaps " << heatmaps << "\n";
    out().flush();
}

// Options that a resumed lot does not take, because its stored values
// belong to the parts already scored.
void printIgnoredOptions(const LotSummary &summary, const LotRequest &request)
{
    const LotRecord &lot = summary.lot;
    const double threshold = request.settings.fixedRejectThreshold;
    if (threshold > 0.0 && std::abs(threshold - lot.rejectThreshold) > 1e-12 * std::max(1.0, threshold))
        out() << "  note: --threshold " << QString::number(threshold, 'g', 6)
              << " was not applied: the lot keeps its stored reject threshold "
              << QString::number(lot.rejectThreshold, 'g', 6)
              << ". Change the thresholds of a stored lot on the workstation's review page, which records the "
                 "change.\n";
    const QJsonObject stored = QJsonDocument::fromJson(lot.settingsJson.toUtf8()).object();
    const double margin = request.settings.threshold.rejectMargin;
    const QJsonValue storedMargin = stored.value(QStringLiteral("reject_margin"));
    if (threshold <= 0.0 && storedMargin.isDouble() && std::abs(storedMargin.toDouble() - margin) > 1e-12)
        out() << "  note: --reject-margin " << QString::number(margin, 'g', 6)
              << " was not applied: the lot keeps its stored thresholds, derived with margin "
              << QString::number(storedMargin.toDouble(), 'g', 6) << ".\n";
    if (!request.operatorName.isEmpty() && request.operatorName != lot.operatorName)
        out() << "  note: --operator " << request.operatorName << " was not applied: the lot keeps its operator "
              << (lot.operatorName.isEmpty() ? QStringLiteral("(none)") : lot.operatorName) << ".\n";
}

// Lists the parts that are not passed, sorted by file name.
void printFlaggedParts(const LotRecord &lot, QVector<PartRecord> parts)
{
    std::sort(parts.begin(), parts.end(), [](const PartRecord &a, const PartRecord &b) {
        return QFileInfo(a.path).fileName() < QFileInfo(b.path).fileName();
    });
    for (const PartRecord &part : parts) {
        if (part.verdict == Verdict::Pass)
            continue;
        out() << "  " << verdictName(part.verdict).toUpper().leftJustified(7) << QFileInfo(part.path).fileName();
        if (part.verdict == Verdict::Error)
            out() << "  " << part.error << "\n";
        else
            out() << "  score " << QString::number(part.imageScore, 'f', 5) << " (normalised "
                  << QString::number(normalisedScore(part.imageScore, lot.rejectThreshold), 'f', 3) << ")\n";
    }
}

int exitCodeFor(const LotSummary &summary)
{
    if (summary.cancelled)
        return ExitCancelled;
    if (summary.counts.error > 0)
        return ExitUnreadableParts;
    return summary.counts.review + summary.counts.fail > 0 ? ExitFlagged : ExitOk;
}

int reportEarlyCancel()
{
    out() << "Cancelled before any part was scored in this run; results of earlier runs are kept. "
             "Run the same command again to resume the lot.\n";
    out().flush();
    return ExitCancelled;
}

} // namespace

int runInspect(const QStringList &arguments)
{
    QCommandLineParser parser;
    addInspectOptions(parser);
    int exitCode = ExitOk;
    if (!parseOrExplain(parser, arguments, exitCode))
        return exitCode;

    // Installed first, so that Ctrl+C while the encoder loads also stops cleanly.
    installCancelHandlers();
    const QString db = QFileInfo(parser.value(QStringLiteral("db"))).absoluteFilePath();
    const QString outFolder = parser.isSet(QStringLiteral("out")) ? parser.value(QStringLiteral("out"))
                                                                  : QFileInfo(db).absolutePath();
    const LotRequest request = requestFromOptions(parser, outFolder);
    const QString csvPath = parser.isSet(QStringLiteral("csv"))
        ? parser.value(QStringLiteral("csv"))
        : QDir(outFolder).filePath(fileNameForLot(request.lotName) + QStringLiteral(".csv"));
    // Checked before the encoder loads and the database exists, so that a
    // wrong path costs neither a scored lot nor an empty database.
    requireNotDatabase(QStringLiteral("csv"), csvPath, db);
    requireReplaceableOutput(QStringLiteral("csv"), csvPath);
    requireWritableFolder(parser.isSet(QStringLiteral("csv")) ? QStringLiteral("csv") : QStringLiteral("out"),
                          QFileInfo(csvPath).absolutePath());
    if (!request.heatmapFolder.isEmpty()) {
        requireHeatmapsOutsideInputs(request.heatmapFolder, request.lotFolder,
                                     parser.values(QStringLiteral("references")));
        requireWritableFolder(parser.isSet(QStringLiteral("heatmaps")) ? QStringLiteral("heatmaps")
                                                                       : QStringLiteral("out"),
                              request.heatmapFolder);
    }

    std::unique_ptr<Encoder> encoder = encoderFromOptions(parser);
    // Checks layers and mask against the encoder before the database exists.
    const FeatureExtractor settingsCheck(*encoder, request.settings);
    std::unique_ptr<LotStore> store = LotStore::open(db);
    if (cancelRequested())
        return reportEarlyCancel();

    ProgressLine progressLine;
    LotCallbacks callbacks;
    callbacks.stageProgress = [&](const QString &stage, int done, int total) {
        // Stages: "references", and "encoding" for the parts of a zero-shot lot.
        const QString encoded = stage == QLatin1String("encoding") ? QStringLiteral("parts") : stage;
        // The first image is printed too, so a log shows the stage has begun
        // (encoding 8 references of 1024 px took about 40 s).
        progressLine.update(QStringLiteral("Encoding %1: %2/%3").arg(encoded).arg(done).arg(total),
                            done == 1 || done == total);
    };
    callbacks.partStored = [&](const LotProgress &progress, const PartRecord &) {
        progressLine.update(progressText(progress), progress.stored == progress.total);
    };
    LotInspection inspection(*encoder, *store);
    LotSummary summary;
    try {
        summary = inspection.run(request, callbacks, &cancelRequested());
    } catch (const SettingsError &) {
        // The reference set and the zero-shot batch report a cancel as an
        // error before any part is stored; that is an interruption, not bad input.
        if (!cancelRequested())
            throw;
        progressLine.finish();
        return reportEarlyCancel();
    }
    progressLine.finish();

    const QVector<PartRecord> parts = store->parts(summary.lot.id);
    writePartsCsv(csvPath, summary.lot, parts);
    const QJsonObject details{{QStringLiteral("path"), QFileInfo(csvPath).absoluteFilePath()}};
    store->appendAudit(summary.lot.id, QStringLiteral("csv_exported"),
                       QString::fromUtf8(QJsonDocument(details).toJson(QJsonDocument::Compact)));
    printSummary(summary, csvPath, request.heatmapFolder, db);
    printIgnoredOptions(summary, request);
    printFlaggedParts(summary.lot, parts);
    if (summary.cancelled)
        out() << "Cancelled; run the same command again to resume the lot.\n";
    out().flush();
    return exitCodeFor(summary);
}

} // namespace patchead::cli
