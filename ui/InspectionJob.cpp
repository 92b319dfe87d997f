#include "InspectionJob.h"

#include "JobSupport.h"
#include "UiLogging.h"
#include "common/Error.h"

#include <QThread>

namespace patchead::ui {

InspectionJob::InspectionJob(QObject *parent) : QObject(parent)
{
    qRegisterMetaType<LotProgress>();
    qRegisterMetaType<PartRecord>();
    qRegisterMetaType<LotSummary>();
}

InspectionJob::~InspectionJob()
{
    if (mThread) {
        mCancel = true;
        mThread->wait();
    }
}

bool InspectionJob::start(const InspectionJobInput &input)
{
    if (isRunning())
        return false;
    mCancel = false;
    mSummary = LotSummary();
    mError.clear();
    qCInfo(lcUi) << "Inspection of lot" << input.request.lotName << "starting in" << input.databasePath;
    mThread = startWorkerThread(this, [this, input] { run(input); }, [this] { onThreadFinished(); });
    return true;
}

void InspectionJob::cancel()
{
    if (isRunning() && !mCancel.exchange(true))
        qCInfo(lcUi) << "Inspection cancel requested";
}

void InspectionJob::run(const InspectionJobInput &input)
{
    try {
        emit stageProgressed(QStringLiteral("encoder"), 0, 1);
        std::unique_ptr<LotStore> store = LotStore::open(input.databasePath);
        std::unique_ptr<Encoder> encoder = loadEncoderForJob(input.manifestPath, input.device);
        if (mCancel) {
            mSummary.cancelled = true;
            return;
        }
        LotCallbacks callbacks;
        callbacks.stageProgress = [this](const QString &stage, int done, int total) {
            emit stageProgressed(stage, done, total);
        };
        callbacks.partStored = [this](const LotProgress &progress, const PartRecord &part) {
            emit partStored(progress, part);
        };
        LotInspection inspection(*encoder, *store);
        mSummary = inspection.run(input.request, callbacks, &mCancel);
    } catch (const Error &error) {
        // The reference build reports a cancel as an error, which is no failure here.
        if (mCancel)
            mSummary.cancelled = true;
        else
            mError = error.message();
    } catch (const std::exception &error) {
        mError = tr("The inspection stopped on an unexpected error: %1").arg(QString::fromLocal8Bit(error.what()));
    }
}

void InspectionJob::onThreadFinished()
{
    mThread = nullptr;
    if (!mError.isEmpty()) {
        qCWarning(lcUi) << "Inspection failed:" << mError;
        emit failed(mError);
        return;
    }
    qCInfo(lcUi) << "Inspection" << (mSummary.cancelled ? "cancelled" : "finished") << "with"
                 << mSummary.scoredThisRun << "parts scored";
    emit finished(mSummary);
}

} // namespace patchead::ui
