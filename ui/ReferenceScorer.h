#pragma once

#include "inspection/ReferenceSet.h"

#include <QObject>
#include <QPointer>
#include <QThread>
#include <atomic>
#include <memory>
#include <optional>



namespace patchead::ui {

// A request to score a set of good samples against each other.
struct ReferenceScoreRequest {
    QStringList paths;
    InspectionSettings settings;
    QString manifestPath;
    QString device = QStringLiteral("auto");
};

// The leave-one-out scores of a reference set and what follows from them.
struct ReferenceScoreResult {
    QStringList requestedPaths;
    std::vector<ReferenceImage> images;      // usable references, with leave-one-out scores
    std::vector<RejectedInput> rejected;     // unusable ones, with the reason
    AlignmentDecision alignment;
    std::optional<Thresholds> thresholds;    // absent when none can be derived
    QString thresholdMessage;                // why there are no thresholds
};

// Builds reference sets (ReferenceSet::build) on a worker thread. The latest
// request wins: a new request cancels the running build and starts once it
// has stopped, and results of superseded requests are dropped. The encoder
// is loaded on the worker thread and kept for the next request with the
// same manifest and device.
class ReferenceScorer : public QObject {
    Q_OBJECT

public:
    explicit ReferenceScorer(QObject *parent = nullptr);
    ~ReferenceScorer() override;

    void request(const ReferenceScoreRequest &request);
    void cancel();
    bool isRunning() const { return mThread != nullptr; }

signals:
    void progressed(int done, int total);
    void scored(const patchead::ui::ReferenceScoreResult &result);
    void failed(const QString &message);

private:
    void startPending();
    void run(const ReferenceScoreRequest &request);
    void onThreadFinished();

    QPointer<QThread> mThread;
    std::atomic<bool> mCancel{false};
    std::optional<ReferenceScoreRequest> mPending;
    // Touched only by the worker while a thread runs.
    std::unique_ptr<Encoder> mEncoder;
    QString mEncoderKey;
    std::optional<ReferenceScoreResult> mResult;
    QString mError;
};

} // namespace patchead::ui

Q_DECLARE_METATYPE(patchead::ui::ReferenceScoreResult)
