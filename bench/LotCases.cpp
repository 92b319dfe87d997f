// Cases that inspect whole lots through LotInspection, as the command line
// and the workstation do.
#include "Cases.h"

#include "inspection/LotInspection.h"
#include "store/LotStore.h"

#include <QDir>
#include <QFile>
#include <QUuid>

namespace patchead::bench {

namespace {

QString freshDatabase(const CaseParameters &parameters)
{
    const QDir work(parameters.text(QStringLiteral("work"), QDir::tempPath()));
    return work.filePath(QStringLiteral("lot-%1.sqlite").arg(QUuid::createUuid().toString(QUuid::Id128)));
}

void removeDatabase(const QString &path)
{
    for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
        QFile::remove(path + suffix);
}

// Part images of the case: the first `parts` images of the lot folder, or
// of the MVTec AD test folders when parameter "mvtec" names a category.
QStringList casePartPaths(const CaseParameters &parameters)
{
    const int parts = parameters.integer(QStringLiteral("parts"), 40);
    const QString mvtec = parameters.text(QStringLiteral("mvtec"));
    if (mvtec.isEmpty())
        return firstImages(parameters.text(QStringLiteral("lot")), parts);
    return mvtecTestImages(mvtec).mid(0, parts);
}

// Times the stages LotInspection reports through its callbacks.
struct LotClock {
    double start = monotonicSeconds();
    double lastStageUpdate = start;  // time of the last reference or encoding update
    double firstPartStored = -1.0;
    int stageUpdates = 0;
    int partUpdates = 0;
    double lastEtaSeconds = -1.0;
    double peakAfterStage = -1.0;    // VmHWM (MiB) when the last stage update arrived

    LotCallbacks callbacks()
    {
        LotCallbacks callbacks;
        callbacks.stageProgress = [this](const QString &, int, int) {
            lastStageUpdate = monotonicSeconds();
            ++stageUpdates;
            peakAfterStage = peakResidentMiB();
        };
        callbacks.partStored = [this](const LotProgress &progress, const PartRecord &) {
            if (firstPartStored < 0.0)
                firstPartStored = monotonicSeconds();
            ++partUpdates;
            lastEtaSeconds = progress.etaSeconds;
        };
        return callbacks;
    }
};

QJsonObject runLot(const CaseParameters &parameters, LotRequest request)
{
    const std::unique_ptr<Encoder> encoder = loadBenchEncoder(parameters);
    const double peakAfterLoad = peakResidentMiB();
    const QString databasePath = freshDatabase(parameters);
    request.lotName = QStringLiteral("bench");
    LotClock clock;
    LotSummary summary;
    {
        const std::unique_ptr<LotStore> store = LotStore::open(databasePath);
        LotInspection inspection(*encoder, *store);
        summary = inspection.run(request, clock.callbacks());
    }
    const double end = monotonicSeconds();
    removeDatabase(databasePath);

    QJsonObject result;
    result[QStringLiteral("parts")] = summary.scoredThisRun;
    result[QStringLiteral("failed")] = summary.progress.failed;
    result[QStringLiteral("setup_s")] = clock.lastStageUpdate - clock.start;
    result[QStringLiteral("scoring_s")] = summary.progress.elapsedSeconds;
    result[QStringLiteral("total_s")] = end - clock.start;
    result[QStringLiteral("ms_per_part")] = summary.secondsPerPart * 1000.0;
    result[QStringLiteral("parts_per_s")] = summary.secondsPerPart > 0.0 ? 1.0 / summary.secondsPerPart : 0.0;
    result[QStringLiteral("stage_updates")] = clock.stageUpdates;
    result[QStringLiteral("part_updates")] = clock.partUpdates;
    result[QStringLiteral("peak_after_load_mib")] = peakAfterLoad;
    result[QStringLiteral("peak_after_setup_mib")] = clock.peakAfterStage;
    result[QStringLiteral("peak_mib")] = peakResidentMiB();
    return result;
}

} // namespace

void runFewShotCase(const CaseParameters &parameters)
{
    const int k = parameters.integer(QStringLiteral("k"), 8);
    LotRequest request;
    request.referencePaths = firstImages(parameters.text(QStringLiteral("references")), k);
    request.partPaths = casePartPaths(parameters);
    request.lotFolder = QFileInfo(request.partPaths.value(0)).absolutePath();
    request.settings.alignment.mode =
        alignmentModeFromName(parameters.text(QStringLiteral("alignment"), QStringLiteral("off")));
    if (k < 2)
        request.settings.fixedRejectThreshold = 0.2; // leave-one-out thresholds need two references
    QJsonObject result = runLot(parameters, request);
    result[QStringLiteral("k")] = k;
    result[QStringLiteral("alignment")] = parameters.text(QStringLiteral("alignment"), QStringLiteral("off"));
    emitResult(result);
}

void runZeroShotCase(const CaseParameters &parameters)
{
    LotRequest request;
    request.partPaths = casePartPaths(parameters);
    request.lotFolder = QFileInfo(request.partPaths.value(0)).absolutePath();
    request.settings.zeroShot.enabled = true;
    QJsonObject result = runLot(parameters, request);
    // The encoding pass ends with the last stage update; scoring follows.
    result[QStringLiteral("encoding_ms_per_part")] = result[QStringLiteral("setup_s")].toDouble() * 1000.0
        / std::max<qsizetype>(1, request.partPaths.size());
    emitResult(result);
}

} // namespace patchead::bench
