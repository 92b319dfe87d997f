#pragma once

#include "ThresholdCommand.h"

#include <QWidget>

class QDoubleSpinBox;
class QLabel;
class QSlider;

namespace patchead::ui {

class LotDocument;
class RocPlot;
class ScoreHistogramPlot;

// Reject and review threshold sliders with live pass, review, fail and
// error counts, the score histogram and, once the operator has decided on
// parts, the ROC curve. Every change goes through the document's undo
// stack as a ThresholdCommand: a slider drag is one undo step and one
// stored change, made when the slider is released.
class ThresholdPanel : public QWidget {
    Q_OBJECT

public:
    static constexpr int kSliderSteps = 1000;

    explicit ThresholdPanel(LotDocument *document, QWidget *parent = nullptr);

    // Disables editing, for example while an inspection adds parts that
    // are scored against the stored thresholds.
    void setEditingLocked(bool locked, const QString &reason = {});

    // The score at the right end of the sliders and the histogram.
    double scaleMax() const { return mScaleMax; }
    double scoreForSliderValue(int value) const;
    int sliderValueForScore(double score) const;

    QSlider *rejectSlider() const { return mRejectSlider; }
    QSlider *reviewSlider() const { return mReviewSlider; }
    QDoubleSpinBox *rejectSpin() const { return mRejectSpin; }
    QDoubleSpinBox *reviewSpin() const { return mReviewSpin; }
    QLabel *passCountLabel() const { return mPassCount; }
    QLabel *reviewCountLabel() const { return mReviewCount; }
    QLabel *failCountLabel() const { return mFailCount; }
    QLabel *errorCountLabel() const { return mErrorCount; }
    ScoreHistogramPlot *histogram() const { return mHistogram; }
    RocPlot *rocPlot() const { return mRoc; }

private:
    QWidget *createSliderGroup();
    QWidget *createCountRow();
    void onLotChanged();
    void onThresholdsChanged();
    void onPartsAdded();
    void rescale();
    void showThresholds();
    void updateCounts();
    void updateRoc();
    void onSliderMoved(bool rejectMoved);
    void onSpinEdited(bool rejectEdited);
    void onSliderReleased();
    void pushChange(const ThresholdPair &after, bool open, bool closing = false);

    LotDocument *mDocument;
    double mScaleMax = 1.0;
    bool mUpdating = false;
    bool mDragOpen = false;
    bool mLocked = false;
    ThresholdPair mDragStart;

    QSlider *mRejectSlider;
    QSlider *mReviewSlider;
    QDoubleSpinBox *mRejectSpin;
    QDoubleSpinBox *mReviewSpin;
    QLabel *mRule;
    QLabel *mStored;
    QLabel *mPassCount;
    QLabel *mReviewCount;
    QLabel *mFailCount;
    QLabel *mErrorCount;
    ScoreHistogramPlot *mHistogram;
    RocPlot *mRoc;
};

} // namespace patchead::ui
