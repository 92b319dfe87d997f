#pragma once

#include "encoder/Encoder.h"
#include "inspection/InspectionSettings.h"
#include "inspection/PartScorer.h"
#include "inspection/ReferenceSet.h"
#include "store/LotStore.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <atomic>
#include <functional>

namespace patchead {

// The lot to inspect, its references and settings. Immutable once a run starts.
struct LotRequest {
    QString lotName;            // identifies the lot in the database; a re-run with the same name resumes
    QString lotFolder;
    QStringList partPaths;      // empty: every supported image in lotFolder, sorted by name
    QStringList referencePaths;
    QString operatorName;
    InspectionSettings settings;
    QString heatmapFolder;      // empty: no overlay images are written
    double heatmapOpacity = 0.45;
    // A part file modified less than this many milliseconds ago is watched
    // until it is that old; if its size or modification time changes
    // meanwhile, or while it is read, it is stored as "still being written"
    // (verdict Error) and scored again on the next run. 0 turns the check off.
    int settleMs = 1000;
    // Parts scored at once, each on its own thread with single-threaded
    // LibTorch and search. 0 chooses one lane per configured thread on the
    // CPU and one lane on a GPU. Results are committed as lanes finish them,
    // so the commit order may differ from the lot order.
    int partLanes = 0;
};

// Progress after each part, for progress bars and the terminal line.
struct LotProgress {
    int total = 0;          // parts in the lot
    int stored = 0;         // parts with a result, including earlier runs
    int scoredThisRun = 0;
    int failed = 0;         // parts whose image could not be scored (this run)
    double elapsedSeconds = 0.0;
    double etaSeconds = -1.0; // -1 until one part has been timed
    QString lastPart;
};

struct LotSummary {
    LotRecord lot;
    LotProgress progress;
    LotCounts counts;
    int scoredThisRun = 0;
    int alreadyStored = 0;
    int retriedErrors = 0;  // parts stored as Error by an earlier run and scored again in this one
    int changedFiles = 0;   // parts whose image file changed since an earlier run scored it, scored again
    bool cancelled = false;
    double secondsPerPart = 0.0;
    AlignmentDecision alignment;
    std::vector<RejectedInput> rejectedReferences;
    // Usable references whose leave-one-out score is far above the others'
    // (a defective part or another product among the good samples).
    std::vector<RejectedInput> outlierReferences;
};

struct LotCallbacks {
    // (stage, done, total): "references" while the reference set is built.
    std::function<void(const QString &, int, int)> stageProgress;
    std::function<void(const LotProgress &, const PartRecord &)> partStored;
};

// Runs the inspection of a lot and commits each part's result as it is
// produced, so a killed run loses at most two parts per lane (the one being
// scored and one waiting for its commit) and a re-run resumes. Few-shot: parts are scored against the reference set. Batch
// zero-shot (settings.zeroShot.enabled): every part is encoded first, then
// scored against the other parts (and the references, if any); thresholds
// not fixed by the user then come from the lot's score distribution once
// every part is scored. Used by the command line and the workstation alike.
class LotInspection {
public:
    LotInspection(Encoder &encoder, LotStore &store);

    // Throws SettingsError when the lot exists with other settings, another
    // model or other references, when another run is inspecting the lot
    // (LotRunLock), or when no reference is usable; StoreError
    // for database failures. Bad part images never throw: they are stored
    // with verdict Error and the message. A re-run scores every part not
    // stored yet, every part stored with verdict Error and every part whose
    // file changed since it was scored, and replaces their rows. Cancelling
    // returns once each lane has finished its current part and the parts
    // already scored are committed.
    LotSummary run(const LotRequest &request, const LotCallbacks &callbacks = {},
                   const std::atomic<bool> *cancel = nullptr);

    // Lists the files of a folder with an image extension, sorted by file
    // name, including broken symbolic links and special files so that the
    // run reports them. Throws SettingsError when the folder does not exist.
    static QStringList listImages(const QString &folder);

private:
    // Scores one part image; throws ImageError for unusable images.
    using PartScoreFunction = std::function<PartScore(const QString &path, const cv::Mat &rgb)>;

    // Creates the lot, or returns the stored one after checking that it was
    // inspected with the same settings, model and references.
    LotRecord prepareLot(const LotRequest &request, const QVector<ReferenceRecord> &references,
                         const QJsonObject &alignmentDecision, const Thresholds &initial);
    PartRecord inspectPart(const QString &path, qint64 lotId, const Thresholds &thresholds,
                           const PartScoreFunction &score, const LotRequest &request, const QString &heatmapName);
    // Scores every part not stored yet on `lanes` threads, commits each on the
    // calling thread and fills summary. `score` must be thread-safe when
    // lanes > 1.
    void scoreParts(const QStringList &parts, const LotRecord &lot, const LotRequest &request,
                    const PartScoreFunction &score, int lanes, const LotCallbacks &callbacks,
                    const std::atomic<bool> *cancel, LotSummary &summary);
    // Whether the image file of a stored part has other bytes now than when
    // it was scored. A changed file is recorded in the audit log with its
    // stored result, which the new result then replaces.
    bool recordChangedFile(const LotRecord &lot, const PartRecord &stored);
    int partLaneCount(const LotRequest &request) const;
    void finishLot(qint64 lotId, const LotRequest &request, LotSummary &summary);
    LotSummary runFewShot(const LotRequest &request, const QStringList &parts, const LotCallbacks &callbacks,
                          const std::atomic<bool> *cancel);
    LotSummary runZeroShot(const LotRequest &request, const QStringList &parts, const LotCallbacks &callbacks,
                           const std::atomic<bool> *cancel);

    Encoder &mEncoder;
    LotStore &mStore;
};

} // namespace patchead
