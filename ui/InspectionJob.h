#pragma once

#include "inspection/LotInspection.h"

#include <QObject>
#include <QPointer>
#include <QThread>
#include <atomic>



namespace patchead::ui {

// Everything one inspection run needs, fixed when it starts.
struct InspectionJobInput {
    QString databasePath;
    QString manifestPath;
    QString device = QStringLiteral("auto");
    LotRequest request;
};

// Runs LotInspection::run on a worker thread that opens its own LotStore on
// the database and loads its own encoder, so the GUI thread never waits for
// the encoder or the database. Each stored part arrives through partStored
// as it is committed. cancel() takes effect between parts and between
// reference images; with the default MobileNetV2 on a CPU that is well
// under a second (test_inspection_gui measures it).
class InspectionJob : public QObject {
    Q_OBJECT

public:
    explicit InspectionJob(QObject *parent = nullptr);
    // Cancels a running inspection and waits for it to stop.
    ~InspectionJob() override;

    // Starts a run; returns false when one is already running.
    bool start(const InspectionJobInput &input);
    void cancel();
    bool isRunning() const { return mThread != nullptr; }
    bool isCancelling() const { return mCancel.load(); }

signals:
    // (stage, done, total): "encoder" while the encoder loads, "references"
    // while the reference set is built and, for batch zero-shot lots,
    // "encoding" while the parts are encoded.
    void stageProgressed(const QString &stage, int done, int total);
    void partStored(const patchead::LotProgress &progress, const patchead::PartRecord &part);
    // The run ended, and summary.cancelled is true when it was cancelled.
    // Emitted after isRunning() became false.
    void finished(const patchead::LotSummary &summary);
    // The run could not start or stopped on an error, with the message for the user.
    void failed(const QString &message);

private:
    void run(const InspectionJobInput &input);
    void onThreadFinished();

    QPointer<QThread> mThread;
    std::atomic<bool> mCancel{false};
    // Written by the worker before its thread finishes, read after.
    LotSummary mSummary;
    QString mError;
};

} // namespace patchead::ui

Q_DECLARE_METATYPE(patchead::LotProgress)
Q_DECLARE_METATYPE(patchead::PartRecord)
Q_DECLARE_METATYPE(patchead::LotSummary)
