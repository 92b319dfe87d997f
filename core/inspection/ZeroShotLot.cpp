// Batch zero-shot inspection of a lot (LotInspection::runZeroShot).
#include "inspection/LotInspection.h"

#include "common/Error.h"
#include "common/Hashing.h"
#include "common/Logging.h"
#include "imaging/ImageLoader.h"
#include "inspection/ZeroShotBatch.h"

#include <QHash>

namespace patchead {

namespace {

// Marks thresholds that wait for the whole lot's scores. Verdicts stored
// before then are provisional and re-derived when the thresholds are set.
const QString kPendingRule = QStringLiteral("pending: derived from the lot's scores once every part is scored");

Thresholds initialThresholds(const InspectionSettings &settings)
{
    return userThresholds(settings).value_or(Thresholds{0.0, 0.0, kPendingRule});
}

} // namespace

LotSummary LotInspection::runZeroShot(const LotRequest &request, const QStringList &parts,
                                      const LotCallbacks &callbacks, const std::atomic<bool> *cancel)
{
    FeatureExtractor extractor(mEncoder, request.settings);
    ZeroShotBatch batch(extractor, request.settings);
    auto stage = [&](const QString &name, int done, int total) {
        if (callbacks.stageProgress)
            callbacks.stageProgress(name, done, total);
    };
    auto checkCancel = [&] {
        if (cancel && cancel->load())
            throw SettingsError(QStringLiteral("Inspection of lot \"%1\" cancelled while encoding; "
                                               "nothing was stored for this run.").arg(request.lotName));
    };

    // References, when given, join the batch but are never scored.
    QVector<ReferenceRecord> references;
    for (int i = 0; i < request.referencePaths.size(); ++i) {
        checkCancel();
        const QString &path = request.referencePaths[i];
        batch.add(loadImage(path).rgb);
        references.append({0, 0, path, fileSha256(path), 0.0});
        stage(QStringLiteral("references"), i + 1, request.referencePaths.size());
    }

    // Mutual scoring needs every part's features before the first score.
    QHash<QString, int> batchIndex;
    for (int i = 0; i < parts.size(); ++i) {
        checkCancel();
        try {
            batchIndex.insert(parts[i], batch.add(loadImage(parts[i]).rgb));
        } catch (const ImageError &error) {
            qCWarning(lcInspection) << "Part left out of the zero-shot batch:" << error.message();
        }
        stage(QStringLiteral("encoding"), i + 1, parts.size());
    }
    qCInfo(lcInspection) << "Zero-shot batch of lot" << request.lotName << ":" << batch.size() << "images,"
                         << batch.bytes() / (1024 * 1024) << "MiB of patch features";

    // Checked before the lot exists, so a lot too small for thresholds from
    // its own scores is never stored with provisional verdicts.
    if (!userThresholds(request.settings) && batchIndex.size() < 3)
        throw SettingsError(QStringLiteral("Lot \"%1\" has %2 readable part(s), but thresholds from a lot's own "
                                           "scores need at least three; add parts, or set --threshold.")
                                .arg(request.lotName).arg(batchIndex.size()));
    const LotRecord lot = prepareLot(request, references, {}, initialThresholds(request.settings));
    LotSummary summary;
    auto score = [&](const QString &path, const cv::Mat &) {
        // A part that failed to load while the batch was encoded but loads now
        // (a copy finished in between) has no features in the batch.
        const auto index = batchIndex.constFind(path);
        if (index == batchIndex.constEnd())
            throw ImageError(path, QStringLiteral("changed after the zero-shot batch was encoded, so it has no "
                                                  "features in it; it is retried on the next run of the lot"));
        return batch.score(*index);
    };
    // One lane: the scoring of each part already runs on every thread.
    scoreParts(parts, lot, request, score, 1, callbacks, cancel, summary);

    if (!summary.cancelled && lot.thresholdRule == kPendingRule) {
        // A lot started without --threshold and resumed with it takes the
        // user's thresholds.
        std::optional<Thresholds> thresholds = userThresholds(request.settings);
        if (!thresholds) {
            std::vector<double> scores;
            for (const PartRecord &part : mStore.parts(lot.id)) {
                if (part.verdict != Verdict::Error)
                    scores.push_back(part.imageScore);
            }
            thresholds = thresholdsFromLotScores(scores, request.settings.zeroShot.reviewSpread,
                                                 request.settings.zeroShot.rejectSpread);
        }
        mStore.setThresholds(lot.id, thresholds->reject, thresholds->review, thresholds->rule);
    }
    finishLot(lot.id, request, summary);
    return summary;
}

} // namespace patchead
