#include "LotDocument.h"

#include "EncoderLocator.h"
#include "UiLogging.h"
#include "common/Error.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QUndoStack>

namespace patchead::ui {

LotDocument::LotDocument(QObject *parent) : QObject(parent), mUndoStack(new QUndoStack(this)) {}

LotDocument::~LotDocument() = default;

QString LotDocument::databasePath() const
{
    return mStore ? mStore->path() : QString();
}

void LotDocument::openDatabase(const QString &path)
{
    std::unique_ptr<LotStore> store = LotStore::open(path);
    closeLot();
    mStore = std::move(store);
    qCInfo(lcUi) << "Opened lot database" << mStore->path();
    emit databaseChanged(mStore->path());
}

void LotDocument::openLot(qint64 lotId)
{
    if (!mStore)
        throw StoreError(tr("No lot database is open. Open one with File > Open database."));
    const std::optional<LotRecord> lot = mStore->lot(lotId);
    if (!lot)
        throw StoreError(tr("Lot %1 is not in %2.").arg(lotId).arg(mStore->path()));
    mUndoStack->clear();
    mLot = *lot;
    mReject = mLot.rejectThreshold;
    mReview = mLot.reviewThreshold;
    readLotSettings();
    loadParts();
    qCInfo(lcUi) << "Opened lot" << mLot.name << "with" << mParts.size() << "parts";
    emit lotChanged();
    emit thresholdsChanged(mReject, mReview);
}

bool LotDocument::openLotNamed(const QString &name)
{
    if (!mStore)
        return false;
    const std::optional<LotRecord> lot = mStore->findLot(name);
    if (!lot)
        return false;
    openLot(lot->id);
    return true;
}

void LotDocument::closeLot()
{
    mUndoStack->clear();
    mLot = LotRecord();
    mParts.clear();
    mRows.clear();
    mReject = 0.0;
    mReview = 0.0;
    emit lotChanged();
}

void LotDocument::reloadLot()
{
    if (!hasLot() || !mStore)
        return;
    if (const std::optional<LotRecord> lot = mStore->lot(mLot.id)) {
        mLot = *lot;
        loadParts();
        rederiveVerdicts();
        emit lotChanged();
        emit lotRecordChanged();
    }
}

void LotDocument::refreshLotRecord()
{
    if (!hasLot() || !mStore)
        return;
    try {
        if (const std::optional<LotRecord> lot = mStore->lot(mLot.id)) {
            mLot = *lot;
            emit lotRecordChanged();
        }
    } catch (const StoreError &error) {
        emit errorOccurred(error.message());
    }
}

void LotDocument::loadParts()
{
    mParts = mStore->parts(mLot.id, false);
    mRows.clear();
    for (int row = 0; row < mParts.size(); ++row)
        mRows.insert(mParts[row].id, row);
}

void LotDocument::readLotSettings()
{
    mGeometry = inputGeometryForLot(mLot, mPreferredManifest);
    mMapSigma = mapSigmaForLot(mLot);
}

std::optional<PartRecord> LotDocument::partWithMap(qint64 partId)
{
    if (!mStore)
        return std::nullopt;
    try {
        return mStore->part(partId, true);
    } catch (const StoreError &error) {
        qCWarning(lcUi) << "Cannot read part" << partId << ":" << error.message();
        emit errorOccurred(error.message());
        return std::nullopt;
    }
}

LotCounts LotDocument::counts() const
{
    LotCounts counts;
    counts.total = mParts.size();
    for (const PartRecord &part : mParts) {
        switch (part.verdict) {
        case Verdict::Pass: ++counts.pass; break;
        case Verdict::Review: ++counts.review; break;
        case Verdict::Fail: ++counts.fail; break;
        case Verdict::Error: ++counts.error; break;
        }
    }
    return counts;
}

void LotDocument::rederiveVerdicts()
{
    for (PartRecord &part : mParts) {
        if (part.verdict != Verdict::Error)
            part.verdict = verdictForScore(part.imageScore, mReject, mReview);
    }
}

bool LotDocument::applyThresholds(double reject, double review, bool persist, const QString &reason)
{
    if (!hasLot())
        return false;
    mReject = reject;
    mReview = review;
    rederiveVerdicts();
    emit thresholdsChanged(mReject, mReview);

    const bool stored = reject == mLot.rejectThreshold && review == mLot.reviewThreshold;
    if (!persist || stored)
        return true;
    try {
        mStore->setThresholds(mLot.id, reject, review, reason);
        if (const std::optional<LotRecord> lot = mStore->lot(mLot.id))
            mLot = *lot;
    } catch (const StoreError &error) {
        qCWarning(lcUi) << "Threshold change of lot" << mLot.name << "not stored:" << error.message();
        emit errorOccurred(error.message());
        return false;
    }
    qCInfo(lcUi) << "Lot" << mLot.name << "thresholds stored: reject" << reject << "review" << review;
    emit lotRecordChanged();
    return true;
}

bool LotDocument::applyOperatorVerdict(qint64 partId, OperatorVerdict verdict)
{
    const int row = rowOfPart(partId);
    if (row < 0)
        return false;
    try {
        mStore->setOperatorVerdict(partId, verdict, mOperatorName);
    } catch (const StoreError &error) {
        qCWarning(lcUi) << "Operator verdict of part" << partId << "not stored:" << error.message();
        emit errorOccurred(error.message());
        return false;
    }
    mParts[row].operatorVerdict = verdict;
    mParts[row].operatorName = verdict == OperatorVerdict::None ? QString() : mOperatorName;
    emit partChanged(row);
    return true;
}

void LotDocument::addStoredPart(const PartRecord &part)
{
    if (!hasLot() || part.lotId != mLot.id)
        return;
    PartRecord record = part;
    record.anomalyMap.clear();
    record.anomalyMap.shrink_to_fit();
    if (record.verdict != Verdict::Error)
        record.verdict = verdictForScore(record.imageScore, mReject, mReview);

    // A re-scored part keeps its path, but the store may give it a new id.
    int existing = rowOfPart(record.id);
    for (int row = 0; existing < 0 && row < mParts.size(); ++row) {
        if (mParts[row].path == record.path)
            existing = row;
    }
    if (existing >= 0) {
        mRows.remove(mParts[existing].id);
        mRows.insert(record.id, existing);
        mParts[existing] = record;
        emit partChanged(existing);
        return;
    }
    mParts.append(record);
    mRows.insert(record.id, mParts.size() - 1);
    emit partInserted(mParts.size() - 1);
}

} // namespace patchead::ui
