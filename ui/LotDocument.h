#pragma once

#include "EncoderLocator.h"
#include "store/LotStore.h"

#include <QHash>
#include <QObject>
#include <QVector>
#include <memory>
#include <opencv2/core.hpp>

class QUndoStack;

namespace patchead::ui {

// The open database and lot of the workstation, shared by every view: the
// lot record, its parts (without anomaly maps) and the thresholds in effect,
// with an undo stack for threshold and operator-verdict edits. Views react
// to its signals instead of reading the database themselves. Lives on the GUI
// thread; the LotStore it opens is used from that thread only.
class LotDocument : public QObject {
    Q_OBJECT

public:
    explicit LotDocument(QObject *parent = nullptr);
    ~LotDocument() override;

    // Opens or creates the database and closes the open lot. Throws
    // StoreError; the previous database stays open then.
    void openDatabase(const QString &path);
    bool hasDatabase() const { return mStore != nullptr; }
    QString databasePath() const;
    LotStore *store() const { return mStore.get(); }

    // Opens a lot of the database with its parts. Throws StoreError.
    void openLot(qint64 lotId);
    // Opens the lot with this name; returns false when there is none.
    bool openLotNamed(const QString &name);
    void closeLot();
    // Re-reads the open lot and its parts.
    void reloadLot();
    // Re-reads the lot record only (status, thresholds), keeping the part
    // rows and with them the views' selection.
    void refreshLotRecord();
    bool hasLot() const { return mLot.id != 0; }
    const LotRecord &lot() const { return mLot; }

    const QVector<PartRecord> &parts() const { return mParts; }
    const PartRecord &part(int row) const { return mParts.at(row); }
    int rowOfPart(qint64 partId) const { return mRows.value(partId, -1); }
    // The part with its anomaly map, read from the database; nullopt when
    // the part does not exist or the database cannot be read.
    std::optional<PartRecord> partWithMap(qint64 partId);

    // Thresholds in effect. While a slider is dragged they differ from the
    // stored ones in lot().
    double rejectThreshold() const { return mReject; }
    double reviewThreshold() const { return mReview; }
    // Counts by automatic verdict under the thresholds in effect.
    LotCounts counts() const;

    // The encoder input size and smoothing of the lot's anomaly maps, for
    // rendering heatmaps.
    cv::Size encoderInputSize(const cv::Size &imageSize) const { return mGeometry.inputSizeFor(imageSize); }
    double mapSigma() const { return mMapSigma; }
    // The manifest the settings name; used to find the lot's encoder.
    void setPreferredManifest(const QString &path) { mPreferredManifest = path; }
    void setOperatorName(const QString &name) { mOperatorName = name; }
    const QString &operatorName() const { return mOperatorName; }

    // Sets the thresholds in effect and re-derives the verdicts in memory.
    // With `persist` the change is also stored (LotStore::setThresholds, which
    // records it in the threshold history), unless it equals the stored
    // thresholds. Returns false and emits errorOccurred when storing fails.
    bool applyThresholds(double reject, double review, bool persist, const QString &reason);
    // Stores an operator's decision; returns false and emits errorOccurred
    // when storing fails.
    bool applyOperatorVerdict(qint64 partId, OperatorVerdict verdict);

    // Adds or replaces a part that an inspection run stored for the open
    // lot; parts of other lots are ignored. The anomaly map is not kept.
    void addStoredPart(const PartRecord &part);

    // Edits of thresholds and operator verdicts of the open lot; cleared
    // when another lot opens.
    QUndoStack *undoStack() const { return mUndoStack; }

signals:
    void databaseChanged(const QString &path);
    // Another lot (or none) is open; every part row changed.
    void lotChanged();
    void partInserted(int row);
    void partChanged(int row);
    // Thresholds in effect changed and verdicts were re-derived.
    void thresholdsChanged(double reject, double review);
    // The lot record changed in the database (thresholds or status).
    void lotRecordChanged();
    void errorOccurred(const QString &message);

private:
    void loadParts();
    void rederiveVerdicts();
    void readLotSettings();

    std::unique_ptr<LotStore> mStore;
    LotRecord mLot;
    QVector<PartRecord> mParts;
    QHash<qint64, int> mRows;
    double mReject = 0.0;
    double mReview = 0.0;
    LotInputGeometry mGeometry;
    double mMapSigma = 4.0;
    QString mPreferredManifest;
    QString mOperatorName;
    QUndoStack *mUndoStack = nullptr;
};

} // namespace patchead::ui
