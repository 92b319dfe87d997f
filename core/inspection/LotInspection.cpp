#include "inspection/LotInspection.h"

#include "common/Error.h"
#include "common/Hashing.h"
#include "common/Logging.h"
#include "imaging/FileSettle.h"
#include "imaging/ImageLoader.h"
#include "inspection/HeatmapFiles.h"
#include "inspection/LotRunLock.h"
#include "inspection/MapGeometry.h"
#include "inspection/PartLanes.h"
#include "scoring/BlasThreads.h"
#include "scoring/Threshold.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

namespace patchead {

namespace {

QString compactJson(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

// The settings that must match for a lot to be resumed: scoring settings,
// encoder and references. Threshold settings are excluded because the user
// may change thresholds of a stored lot.
QJsonObject scoringIdentity(const LotRequest &request, const Encoder &encoder,
                            const QVector<ReferenceRecord> &references)
{
    QJsonObject settings = request.settings.toJson();
    for (const char *key : {"review_quantile", "reject_margin", "fixed_reject_threshold", "fixed_review_threshold"})
        settings.remove(QLatin1String(key));
    QJsonArray hashes;
    for (const ReferenceRecord &reference : references)
        hashes.append(reference.sha256);
    settings[QStringLiteral("reference_sha256")] = hashes;
    settings[QStringLiteral("model_sha256")] = encoder.manifest().moduleSha256;
    return settings;
}

// Whether two lot folder paths name the same folder, symbolic links resolved.
bool sameFolder(const QString &stored, const QString &requested)
{
    const QFileInfo a(stored);
    const QFileInfo b(requested);
    if (a.absoluteFilePath() == b.absoluteFilePath())
        return true;
    return !a.canonicalFilePath().isEmpty() && a.canonicalFilePath() == b.canonicalFilePath();
}

// Runs the encoder twice on a grey image at its input size with the outputs
// a part reads. The first call builds the part's frozen module and is
// LibTorch 1.13's one profiled run, and the second optimises the graph. Both
// then happen before the references are encoded, not on the first parts.
void warmUpPartEncoder(FeatureExtractor &extractor, const Encoder &encoder)
{
    const InputSpec &input = encoder.manifest().input;
    const cv::Mat grey(input.height, input.width, CV_8UC3, cv::Scalar(128, 128, 128));
    for (int run = 0; run < 2; ++run)
        extractor.extract(grey);
}

// References unlike the others (findOutlierReferences), each with its
// leave-one-out score and the median of the others' scores in words.
std::vector<RejectedInput> describeOutlierReferences(const ReferenceSet &references)
{
    std::vector<double> scores;
    for (const ReferenceImage &image : references.images())
        scores.push_back(image.leaveOneOutScore);
    std::vector<RejectedInput> outliers;
    for (const ReferenceOutlier &outlier : findOutlierReferences(scores)) {
        const QString path = references.images()[std::size_t(outlier.index)].path;
        // Copies of one image among the others leave a median of 0.
        const QString ratio = outlier.othersMedian > 0.0
            ? QStringLiteral("%1 times").arg(outlier.score / outlier.othersMedian, 0, 'f', 1)
            : QStringLiteral("far above");
        const QString reason = QStringLiteral("leave-one-out score %1 is %2 the median of the other references "
                                              "(%3), so it raises the derived thresholds")
                                   .arg(outlier.score, 0, 'f', 5)
                                   .arg(ratio)
                                   .arg(outlier.othersMedian, 0, 'f', 5);
        qCWarning(lcInspection).noquote() << "Reference" << path << "looks unlike the others:" << reason;
        outliers.push_back({path, reason});
    }
    return outliers;
}

// Sets LibTorch's intra-op thread count for the lifetime of the object and
// restores the previous count afterwards, also when scoring throws.
class TorchThreadsScope {
public:
    explicit TorchThreadsScope(int threads) : mPrevious(torchThreadCount()) { configureTorchThreads(threads); }
    ~TorchThreadsScope() { configureTorchThreads(mPrevious); }
    TorchThreadsScope(const TorchThreadsScope &) = delete;
    TorchThreadsScope &operator=(const TorchThreadsScope &) = delete;

private:
    int mPrevious;
};

} // namespace

LotInspection::LotInspection(Encoder &encoder, LotStore &store) : mEncoder(encoder), mStore(store) {}

QStringList LotInspection::listImages(const QString &folder)
{
    const QDir dir(folder);
    if (!dir.exists())
        throw SettingsError(QStringLiteral("Folder not found: %1").arg(folder));
    QStringList paths;
    // QDir::System adds broken symbolic links, pipes and devices, so that each
    // is stored with its reason instead of being skipped without a word.
    for (const QFileInfo &info : dir.entryInfoList(supportedImagePatterns(), QDir::Files | QDir::System, QDir::Name))
        paths.append(info.absoluteFilePath());
    return paths;
}

LotRecord LotInspection::prepareLot(const LotRequest &request, const QVector<ReferenceRecord> &references,
                                    const QJsonObject &alignmentDecision, const Thresholds &initial)
{
    const QJsonObject identity = scoringIdentity(request, mEncoder, references);
    QJsonObject stored = request.settings.toJson();
    stored[QStringLiteral("identity")] = identity;
    stored[QStringLiteral("encoder_input")] = encoderInputToJson(mEncoder.manifest().input);
    if (!alignmentDecision.isEmpty())
        stored[QStringLiteral("alignment_decision")] = alignmentDecision;

    if (std::optional<LotRecord> existing = mStore.findLot(request.lotName)) {
        if (!existing->folder.isEmpty() && !sameFolder(existing->folder, request.lotFolder))
            throw SettingsError(QStringLiteral("Lot \"%1\" in %2 was inspected from %3, not from %4. Give the "
                                               "lot's own folder to resume it, or choose a new lot name (--name) "
                                               "for %4.").arg(request.lotName, mStore.path(), existing->folder,
                                                              QFileInfo(request.lotFolder).absoluteFilePath()));
        const QJsonObject previous = QJsonDocument::fromJson(existing->settingsJson.toUtf8()).object();
        if (previous.value(QStringLiteral("identity")).toObject() != identity)
            throw SettingsError(QStringLiteral("Lot \"%1\" in %2 was inspected with other settings, another "
                                               "model or other reference images, so its scores would not be "
                                               "comparable. Use the same settings and references to resume it, "
                                               "or choose a new lot name.").arg(request.lotName, mStore.path()));
        return *existing;
    }

    LotRecord lot;
    lot.name = request.lotName;
    lot.folder = QFileInfo(request.lotFolder).absoluteFilePath();
    lot.operatorName = request.operatorName;
    lot.settingsJson = compactJson(stored);
    lot.modelName = mEncoder.manifest().name;
    lot.modelHash = mEncoder.manifest().moduleSha256;
    lot.rejectThreshold = initial.reject;
    lot.reviewThreshold = initial.review;
    lot.thresholdRule = initial.rule;
    lot.status = QStringLiteral("created");
    mStore.createLot(lot);

    if (!references.isEmpty()) {
        QVector<ReferenceRecord> records = references;
        for (ReferenceRecord &record : records)
            record.lotId = lot.id;
        mStore.setReferences(lot.id, records);
    }
    return lot;
}

PartRecord LotInspection::inspectPart(const QString &path, qint64 lotId, const Thresholds &thresholds,
                                      const PartScoreFunction &score, const LotRequest &request,
                                      const QString &heatmapName)
{
    QElapsedTimer timer;
    timer.start();
    PartRecord part;
    part.lotId = lotId;
    part.path = path;
    part.sha256 = fileSha256(path);
    try {
        const FileSnapshot settled = waitUntilSettled(path, request.settleMs);
        const LoadedImage image = loadImage(path);
        requireUnchanged(path, settled);
        part.imageWidth = image.rgb.cols;
        part.imageHeight = image.rgb.rows;
        const PartScore result = score(path, image.rgb);
        part.imageScore = result.imageScore;
        part.verdict = verdictForScore(result.imageScore, thresholds.reject, thresholds.review);
        part.mapWidth = result.patchScores.width;
        part.mapHeight = result.patchScores.height;
        part.anomalyMap = result.patchScores.values;
        if (!request.heatmapFolder.isEmpty())
            writeHeatmap(request.heatmapFolder, heatmapName, path, image.rgb, result, thresholds,
                         request.settings.mapSigma, request.heatmapOpacity);
    } catch (const ImageError &error) {
        qCWarning(lcInspection).noquote() << "Part not scored:" << error.message();
        part.verdict = Verdict::Error;
        part.error = error.reason();
    }
    part.durationMs = static_cast<double>(timer.nsecsElapsed()) / 1e6;
    part.scoredAt = QDateTime::currentDateTimeUtc();
    return part;
}

bool LotInspection::recordChangedFile(const LotRecord &lot, const PartRecord &stored)
{
    // A file that cannot be read now keeps its stored result; its row is
    // history, and the report marks a missing image.
    const QString current = fileSha256(stored.path);
    if (current.isEmpty() || stored.sha256.isEmpty() || current == stored.sha256)
        return false;
    qCWarning(lcInspection).noquote() << "Part" << stored.path << "of lot" << lot.name
                                      << "changed since it was scored; it is scored again";
    mStore.appendAudit(lot.id, QStringLiteral("part_file_changed"),
                       compactJson({{QStringLiteral("path"), stored.path},
                                    {QStringLiteral("stored_sha256"), stored.sha256},
                                    {QStringLiteral("current_sha256"), current},
                                    {QStringLiteral("stored_score"), stored.imageScore},
                                    {QStringLiteral("stored_verdict"), verdictName(stored.verdict)},
                                    {QStringLiteral("operator_verdict"), operatorVerdictName(stored.operatorVerdict)},
                                    {QStringLiteral("operator"), stored.operatorName}}));
    return true;
}

void LotInspection::scoreParts(const QStringList &parts, const LotRecord &lot, const LotRequest &request,
                               const PartScoreFunction &score, int lanes, const LotCallbacks &callbacks,
                               const std::atomic<bool> *cancel, LotSummary &summary)
{
    const Thresholds thresholds{lot.rejectThreshold, lot.reviewThreshold, lot.thresholdRule};
    QSet<QString> alreadyStored;
    QSet<QString> storedErrors;
    const QSet<QString> lotPaths(parts.cbegin(), parts.cend());
    for (const PartRecord &stored : mStore.parts(lot.id)) {
        if (stored.verdict == Verdict::Error)
            storedErrors.insert(stored.path);
        else if (lotPaths.contains(stored.path) && recordChangedFile(lot, stored))
            ++summary.changedFiles;
        else
            alreadyStored.insert(stored.path);
    }
    if (!storedErrors.isEmpty())
        qCInfo(lcInspection) << "Lot" << lot.name << ":" << storedErrors.size()
                             << "parts stored as unreadable by an earlier run are scored again";
    mStore.setLotStatus(lot.id, QStringLiteral("running"));
    mStore.appendAudit(lot.id, QStringLiteral("inspection_started"),
                       compactJson({{QStringLiteral("parts"), parts.size()},
                                    {QStringLiteral("already_stored"), alreadyStored.size()},
                                    {QStringLiteral("retried_errors"), storedErrors.size()},
                                    {QStringLiteral("model_sha256"), lot.modelHash},
                                    {QStringLiteral("device"), mEncoder.deviceName()}}));
    LotProgress &progress = summary.progress;
    progress.total = parts.size();
    QStringList pending;
    for (const QString &path : parts) {
        if (alreadyStored.contains(path)) {
            ++progress.stored;
            ++summary.alreadyStored;
        } else {
            pending.append(path);
        }
    }

    QElapsedTimer timer;
    timer.start();
    auto commit = [&](PartRecord &part) {
        // savePart replaces the row of a retried part, so the lot keeps one row per path.
        mStore.savePart(part);
        summary.retriedErrors += storedErrors.contains(part.path) ? 1 : 0;
        ++progress.stored;
        ++progress.scoredThisRun;
        progress.failed += part.verdict == Verdict::Error ? 1 : 0;
        progress.elapsedSeconds = static_cast<double>(timer.elapsed()) / 1000.0;
        progress.etaSeconds = progress.elapsedSeconds / progress.scoredThisRun * (progress.total - progress.stored);
        progress.lastPart = part.path;
        if (callbacks.partStored)
            callbacks.partStored(progress, part);
    };
    // Named from every part of the lot, so that a resumed run names the
    // overlays as the first run did.
    const HeatmapNames heatmapNames(parts);
    auto inspect = [&](const QString &path) {
        return inspectPart(path, lot.id, thresholds, score, request, heatmapNames.fileNameFor(path));
    };
    if (lanes > 1) {
        runPartLanes(pending, lanes, inspect, commit, cancel);
    } else {
        for (const QString &path : pending) {
            if (cancel && cancel->load())
                break;
            PartRecord part = inspect(path);
            commit(part);
        }
    }
    summary.cancelled = cancel && cancel->load() && progress.scoredThisRun < pending.size();
}

int LotInspection::partLaneCount(const LotRequest &request) const
{
    if (request.partLanes > 0)
        return request.partLanes;
    return mEncoder.deviceName().startsWith(QLatin1String("cpu")) ? blasThreadCount() : 1;
}

void LotInspection::finishLot(qint64 lotId, const LotRequest &request, LotSummary &summary)
{
    const QString status = summary.cancelled ? QStringLiteral("cancelled") : QStringLiteral("complete");
    mStore.setLotStatus(lotId, status);
    mStore.appendAudit(lotId, QStringLiteral("inspection_finished"),
                       compactJson({{QStringLiteral("status"), status},
                                    {QStringLiteral("scored"), summary.progress.scoredThisRun},
                                    {QStringLiteral("failed"), summary.progress.failed},
                                    {QStringLiteral("retried_errors"), summary.retriedErrors},
                                    {QStringLiteral("seconds"), summary.progress.elapsedSeconds}}));
    summary.lot = *mStore.lot(lotId);
    summary.counts = mStore.counts(lotId);
    summary.scoredThisRun = summary.progress.scoredThisRun;
    summary.secondsPerPart = summary.scoredThisRun > 0 ? summary.progress.elapsedSeconds / summary.scoredThisRun : 0.0;
    qCInfo(lcInspection) << "Inspection of lot" << request.lotName << status << ":" << summary.scoredThisRun
                         << "parts scored," << summary.alreadyStored << "already stored,"
                         << summary.progress.failed << "failed";
}

LotSummary LotInspection::runFewShot(const LotRequest &request, const QStringList &parts,
                                     const LotCallbacks &callbacks, const std::atomic<bool> *cancel)
{
    FeatureExtractor extractor(mEncoder, request.settings);
    auto referenceProgress = [&](int done, int total, const QString &) {
        if (callbacks.stageProgress)
            callbacks.stageProgress(QStringLiteral("references"), done, total);
    };
    warmUpPartEncoder(extractor, mEncoder);
    const ReferenceSet references = ReferenceSet::build(extractor, request.referencePaths, request.settings,
                                                        referenceProgress, cancel);
    QVector<ReferenceRecord> records;
    for (const ReferenceImage &image : references.images())
        records.append({0, 0, image.path, image.sha256, image.leaveOneOutScore});
    const LotRecord lot = prepareLot(request, records, references.alignment().toJson(),
                                     references.thresholds(request.settings));

    LotSummary summary;
    summary.alignment = references.alignment();
    summary.rejectedReferences = references.rejected();
    summary.outlierReferences = describeOutlierReferences(references);
    // Lanes run LibTorch and the search on one thread each, so that the
    // stages that run on one thread anyway (decoding, preprocessing, the map,
    // the heatmap file) overlap with the other lanes' work.
    const int lanes = partLaneCount(request);
    InspectionSettings laneSettings = request.settings;
    if (lanes > 1)
        laneSettings.search.threads = 1;
    qCInfo(lcInspection) << "Lot" << request.lotName << ": parts scored on" << lanes << "lane(s)";
    auto score = [&](const QString &, const cv::Mat &rgb) {
        return scorePartImage(extractor, references, rgb, laneSettings);
    };
    {
        const TorchThreadsScope laneThreads(lanes > 1 ? 1 : torchThreadCount());
        scoreParts(parts, lot, request, score, lanes, callbacks, cancel, summary);
    }
    finishLot(lot.id, request, summary);
    return summary;
}

LotSummary LotInspection::run(const LotRequest &request, const LotCallbacks &callbacks,
                              const std::atomic<bool> *cancel)
{
    request.settings.validate();
    const QString &maskImage = request.settings.mask.maskImagePath;
    if (!maskImage.isEmpty() && !QFileInfo(maskImage).isFile())
        throw SettingsError(QStringLiteral("Mask image %1 was not found. Give the path of an existing mask image "
                                           "(white = inspect, black = ignore) or none.").arg(maskImage));
    if (request.lotName.trimmed().isEmpty())
        throw SettingsError(QStringLiteral("The lot needs a name."));
    // A resumed lot lists its parts under the folder path it was stored with,
    // so that a run through a symbolic link or another spelling of the same
    // folder finds the stored parts instead of storing each one again.
    QString lotFolder = request.lotFolder;
    const std::optional<LotRecord> stored = mStore.findLot(request.lotName);
    if (stored && stored->folder != lotFolder && sameFolder(stored->folder, lotFolder)) {
        qCInfo(lcInspection) << "Lot" << request.lotName << "is listed under its stored folder" << stored->folder
                             << "instead of" << lotFolder;
        lotFolder = stored->folder;
    }
    const QStringList parts = request.partPaths.isEmpty() ? listImages(lotFolder) : request.partPaths;
    if (parts.isEmpty())
        throw SettingsError(QStringLiteral("No images found in the lot folder %1 (accepted: %2).")
                                .arg(request.lotFolder, supportedImagePatterns().join(QStringLiteral(", "))));
    if (!request.heatmapFolder.isEmpty() && !QDir().mkpath(request.heatmapFolder))
        throw SettingsError(QStringLiteral("Cannot create the heatmap folder %1.").arg(request.heatmapFolder));
    const LotRunLock lock(mStore.path(), request.lotName);

    qCInfo(lcInspection) << "Inspection of lot" << request.lotName << "started:" << parts.size() << "parts,"
                         << request.referencePaths.size() << "references,"
                         << (request.settings.zeroShot.enabled ? "batch zero-shot" : "few-shot");
    if (request.settings.zeroShot.enabled)
        return runZeroShot(request, parts, callbacks, cancel);
    return runFewShot(request, parts, callbacks, cancel);
}

} // namespace patchead
