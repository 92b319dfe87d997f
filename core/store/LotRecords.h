#pragma once

#include <QDateTime>
#include <QString>
#include <QVector>
#include <QtGlobal>
#include <vector>

namespace patchead {

// Automatic verdict from the image score and the lot's thresholds:
// score >= reject threshold is Fail, score >= review threshold is Review,
// lower is Pass. Error marks a part whose image could not be scored.
enum class Verdict { Pass, Review, Fail, Error };

// The operator's decision during review, stored beside the automatic verdict.
enum class OperatorVerdict { None, Accepted, Rejected };

QString verdictName(Verdict verdict);                 // "pass", "review", "fail", "error"
Verdict verdictFromName(const QString &name);         // throws StoreError on unknown names
QString operatorVerdictName(OperatorVerdict verdict); // "", "accepted", "rejected"
OperatorVerdict operatorVerdictFromName(const QString &name);

// Verdict for a score under the given thresholds (see Verdict). A NaN score
// is Fail, so a broken score never passes a part.
Verdict verdictForScore(double imageScore, double rejectThreshold, double reviewThreshold);

// One lot: a folder of parts inspected with one set of settings and model.
struct LotRecord {
    qint64 id = 0;
    QString name;
    QString folder;
    QDateTime createdAt;
    QString operatorName;
    QString settingsJson;      // inspection settings as compact JSON
    QString modelName;
    QString modelHash;         // SHA-256 of the TorchScript module
    double rejectThreshold = 0.0;
    double reviewThreshold = 0.0; // equal to rejectThreshold when there is no review band
    QString thresholdRule;     // how the thresholds were derived, in words
    QString status;            // "created", "running", "complete", "cancelled"
};

// A known-good image used to build the lot's reference set.
struct ReferenceRecord {
    qint64 id = 0;
    qint64 lotId = 0;
    QString path;
    QString sha256;
    double leaveOneOutScore = 0.0; // image score against the other references
};

// The result for one part. The anomaly map is kept at patch-grid resolution
// (mapWidth x mapHeight raw patch scores), from which any view or report
// re-renders heatmaps at any threshold.
struct PartRecord {
    qint64 id = 0;
    qint64 lotId = 0;
    QString path;
    QString sha256;
    int imageWidth = 0;
    int imageHeight = 0;
    double imageScore = 0.0;
    Verdict verdict = Verdict::Pass;
    OperatorVerdict operatorVerdict = OperatorVerdict::None;
    QString operatorName;
    QString error;             // non-empty exactly when verdict is Error
    int mapWidth = 0;
    int mapHeight = 0;
    std::vector<float> anomalyMap; // mapHeight * mapWidth, row-major; empty unless loaded
    QDateTime scoredAt;
    double durationMs = 0.0;
};

struct ThresholdChange {
    qint64 id = 0;
    qint64 lotId = 0;
    QDateTime changedAt;
    double oldReject = 0.0;
    double newReject = 0.0;
    double oldReview = 0.0;
    double newReview = 0.0;
    QString reason;
};

// One entry of the append-only audit log of a lot.
struct AuditEvent {
    qint64 id = 0;
    qint64 lotId = 0;
    QDateTime at;
    QString event;         // "lot_created", "inspection_started", "threshold_changed", ...
    QString detailsJson;
};

// Counts of a lot's parts by automatic verdict.
struct LotCounts {
    int total = 0;
    int pass = 0;
    int review = 0;
    int fail = 0;
    int error = 0;
};

} // namespace patchead
