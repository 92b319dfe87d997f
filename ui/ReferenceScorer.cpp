#include "ReferenceScorer.h"

#include "JobSupport.h"
#include "UiLogging.h"
#include "common/Error.h"
#include "inspection/FeatureExtractor.h"

#include <QThread>

namespace patchead::ui {

ReferenceScorer::ReferenceScorer(QObject *parent) : QObject(parent)
{
    qRegisterMetaType<ReferenceScoreResult>();
}

ReferenceScorer::~ReferenceScorer()
{
    mPending.reset();
    if (mThread) {
        mCancel = true;
        mThread->wait();
    }
}

void ReferenceScorer::request(const ReferenceScoreRequest &request)
{
    mPending = request;
    if (isRunning())
        mCancel = true;
    else
        startPending();
}

void ReferenceScorer::cancel()
{
    mPending.reset();
    if (isRunning())
        mCancel = true;
}

void ReferenceScorer::startPending()
{
    if (!mPending)
        return;
    const ReferenceScoreRequest request = std::move(*mPending);
    mPending.reset();
    mCancel = false;
    mResult.reset();
    mError.clear();
    mThread = startWorkerThread(this, [this, request] { run(request); }, [this] { onThreadFinished(); });
}

void ReferenceScorer::run(const ReferenceScoreRequest &request)
{
    try {
        const QString key = request.manifestPath + QLatin1Char('|') + request.device;
        if (!mEncoder || key != mEncoderKey) {
            mEncoder.reset();
            mEncoder = loadEncoderForJob(request.manifestPath, request.device);
            mEncoderKey = key;
        }
        FeatureExtractor extractor(*mEncoder, request.settings);
        auto progress = [this](int done, int total, const QString &) { emit progressed(done, total); };
        const ReferenceSet references = ReferenceSet::build(extractor, request.paths, request.settings, progress, &mCancel);

        ReferenceScoreResult result;
        result.requestedPaths = request.paths;
        result.images = references.images();
        result.rejected = references.rejected();
        result.alignment = references.alignment();
        try {
            result.thresholds = references.thresholds(request.settings);
        } catch (const SettingsError &error) {
            result.thresholdMessage = error.message();
        }
        mResult = std::move(result);
    } catch (const Error &error) {
        if (!mCancel)
            mError = error.message();
    } catch (const std::exception &error) {
        mError = tr("Scoring the references stopped on an unexpected error: %1").arg(QString::fromLocal8Bit(error.what()));
    }
}

void ReferenceScorer::onThreadFinished()
{
    mThread = nullptr;
    if (mPending) {
        // A newer request superseded this build, whatever its outcome.
        startPending();
        return;
    }
    if (mResult) {
        emit scored(*mResult);
    } else if (!mError.isEmpty()) {
        qCWarning(lcUi) << "Reference scoring failed:" << mError;
        emit failed(mError);
    }
}

} // namespace patchead::ui
