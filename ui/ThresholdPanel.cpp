#include "ThresholdPanel.h"

#include "LotDocument.h"
#include "RocPlot.h"
#include "ScoreHistogramPlot.h"
#include "VerdictStyle.h"

#include <QCoreApplication>
#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QGroupBox>
#include <QLabel>
#include <QSignalBlocker>
#include <QSlider>
#include <QStyle>
#include <QUndoStack>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

namespace patchead::ui {

namespace {

QLabel *countLabel(Verdict verdict, QWidget *parent, QHBoxLayout *row)
{
    auto *icon = new QLabel(parent);
    const int side = parent->style()->pixelMetric(QStyle::PM_SmallIconSize);
    icon->setPixmap(verdictIcon(verdict).pixmap(QSize(side, side), parent->devicePixelRatioF()));
    auto *label = new QLabel(parent);
    label->setToolTip(QCoreApplication::translate("ThresholdPanel", "Parts with the automatic verdict %1 "
                                                                    "under the thresholds shown")
                          .arg(verdictText(verdict)));
    row->addWidget(icon);
    row->addWidget(label);
    row->addSpacing(12);
    return label;
}

QDoubleSpinBox *thresholdSpin(QWidget *parent)
{
    auto *spin = new QDoubleSpinBox(parent);
    spin->setDecimals(4);
    spin->setRange(0.0001, 1.0);
    spin->setSingleStep(0.001);
    spin->setKeyboardTracking(false);
    return spin;
}

} // namespace

ThresholdPanel::ThresholdPanel(LotDocument *document, QWidget *parent)
    : QWidget(parent),
      mDocument(document),
      mRejectSlider(new QSlider(Qt::Horizontal, this)),
      mReviewSlider(new QSlider(Qt::Horizontal, this)),
      mRejectSpin(thresholdSpin(this)),
      mReviewSpin(thresholdSpin(this)),
      mRule(new QLabel(this)),
      mStored(new QLabel(this)),
      mHistogram(new ScoreHistogramPlot(this)),
      mRoc(new RocPlot(this))
{
    for (QSlider *slider : {mRejectSlider, mReviewSlider}) {
        // A reject threshold of 0 would fail every part and void the normalised scale.
        slider->setRange(1, kSliderSteps);
        slider->setPageStep(kSliderSteps / 50);
    }
    mRejectSlider->setToolTip(tr("Reject threshold: parts scoring at or above it fail. "
                                 "One drag is one undo step (Ctrl+Z)."));
    mReviewSlider->setToolTip(tr("Review threshold: parts scoring at or above it, but below the reject "
                                 "threshold, go to review. One drag is one undo step (Ctrl+Z)."));
    mRejectSpin->setToolTip(mRejectSlider->toolTip());
    mReviewSpin->setToolTip(mReviewSlider->toolTip());
    mRule->setWordWrap(true);
    mStored->setWordWrap(true);

    connect(mRejectSlider, &QSlider::valueChanged, this, [this] { onSliderMoved(true); });
    connect(mReviewSlider, &QSlider::valueChanged, this, [this] { onSliderMoved(false); });
    for (QSlider *slider : {mRejectSlider, mReviewSlider}) {
        connect(slider, &QSlider::sliderPressed, this, [this] {
            mDragStart = {mDocument->rejectThreshold(), mDocument->reviewThreshold()};
        });
    }
    connect(mRejectSlider, &QSlider::sliderReleased, this, &ThresholdPanel::onSliderReleased);
    connect(mReviewSlider, &QSlider::sliderReleased, this, &ThresholdPanel::onSliderReleased);
    connect(mRejectSpin, &QDoubleSpinBox::valueChanged, this, [this] { onSpinEdited(true); });
    connect(mReviewSpin, &QDoubleSpinBox::valueChanged, this, [this] { onSpinEdited(false); });

    connect(document, &LotDocument::lotChanged, this, &ThresholdPanel::onLotChanged);
    connect(document, &LotDocument::thresholdsChanged, this, &ThresholdPanel::onThresholdsChanged);
    connect(document, &LotDocument::partInserted, this, &ThresholdPanel::onPartsAdded);
    connect(document, &LotDocument::partChanged, this, [this] {
        updateCounts();
        updateRoc();
    });
    connect(document, &LotDocument::lotRecordChanged, this, &ThresholdPanel::showThresholds);

    auto *rocGroup = new QGroupBox(tr("ROC against operator decisions"), this);
    auto *rocLayout = new QVBoxLayout(rocGroup);
    rocLayout->addWidget(mRoc);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(createSliderGroup());
    layout->addWidget(createCountRow());
    layout->addWidget(mHistogram, 3);
    layout->addWidget(rocGroup, 2);
    onLotChanged();
}

QWidget *ThresholdPanel::createSliderGroup()
{
    auto *group = new QGroupBox(tr("Thresholds"), this);
    auto *grid = new QGridLayout(group);
    auto *rejectLabel = new QLabel(tr("Reject a&t:"), group);
    rejectLabel->setBuddy(mRejectSlider);
    auto *reviewLabel = new QLabel(tr("Revie&w at:"), group);
    reviewLabel->setBuddy(mReviewSlider);
    grid->addWidget(rejectLabel, 0, 0);
    grid->addWidget(mRejectSlider, 0, 1);
    grid->addWidget(mRejectSpin, 0, 2);
    grid->addWidget(reviewLabel, 1, 0);
    grid->addWidget(mReviewSlider, 1, 1);
    grid->addWidget(mReviewSpin, 1, 2);
    grid->addWidget(mRule, 2, 0, 1, 3);
    grid->addWidget(mStored, 3, 0, 1, 3);
    grid->setColumnStretch(1, 1);
    return group;
}

QWidget *ThresholdPanel::createCountRow()
{
    auto *row = new QWidget(this);
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    mPassCount = countLabel(Verdict::Pass, row, layout);
    mReviewCount = countLabel(Verdict::Review, row, layout);
    mFailCount = countLabel(Verdict::Fail, row, layout);
    mErrorCount = countLabel(Verdict::Error, row, layout);
    layout->addStretch(1);
    return row;
}

void ThresholdPanel::setEditingLocked(bool locked, const QString &reason)
{
    mLocked = locked;
    for (QWidget *widget : std::initializer_list<QWidget *>{mRejectSlider, mReviewSlider, mRejectSpin, mReviewSpin}) {
        widget->setEnabled(!locked && mDocument->hasLot());
        widget->setStatusTip(reason);
    }
}

double ThresholdPanel::scoreForSliderValue(int value) const
{
    return mScaleMax * value / kSliderSteps;
}

int ThresholdPanel::sliderValueForScore(double score) const
{
    return std::clamp(static_cast<int>(std::lround(score / mScaleMax * kSliderSteps)), 1, kSliderSteps);
}

void ThresholdPanel::onLotChanged()
{
    mDragOpen = false;
    setEditingLocked(mLocked);
    rescale();
    onThresholdsChanged();
    showThresholds();
    updateRoc();
}

void ThresholdPanel::rescale()
{
    double highest = std::max(mDocument->rejectThreshold(), mDocument->reviewThreshold());
    for (const PartRecord &part : mDocument->parts()) {
        if (part.verdict != Verdict::Error && std::isfinite(part.imageScore))
            highest = std::max(highest, part.imageScore);
    }
    // Headroom above the largest value, so the reject slider can pass every part.
    mScaleMax = highest > 0.0 ? std::min(1.0, highest * 1.25) : 1.0;
    std::vector<double> scores;
    for (const PartRecord &part : mDocument->parts()) {
        if (part.verdict != Verdict::Error)
            scores.push_back(part.imageScore);
    }
    mHistogram->setScores(scores, mScaleMax);
}

void ThresholdPanel::onPartsAdded()
{
    // Rescaling during a drag would move the slider under the mouse.
    if (!mDragOpen)
        rescale();
    onThresholdsChanged();
}

void ThresholdPanel::onThresholdsChanged()
{
    mUpdating = true;
    {
        const QSignalBlocker blockRejectSlider(mRejectSlider);
        const QSignalBlocker blockReviewSlider(mReviewSlider);
        const QSignalBlocker blockRejectSpin(mRejectSpin);
        const QSignalBlocker blockReviewSpin(mReviewSpin);
        mRejectSlider->setValue(sliderValueForScore(mDocument->rejectThreshold()));
        mReviewSlider->setValue(sliderValueForScore(mDocument->reviewThreshold()));
        mRejectSpin->setValue(mDocument->rejectThreshold());
        mReviewSpin->setValue(mDocument->reviewThreshold());
    }
    mUpdating = false;
    mHistogram->setThresholds(mDocument->rejectThreshold(), mDocument->reviewThreshold());
    updateCounts();
    updateRoc();
}

void ThresholdPanel::showThresholds()
{
    if (!mDocument->hasLot()) {
        mRule->setText(tr("Open a lot to set its thresholds."));
        mStored->clear();
        return;
    }
    const LotRecord &lot = mDocument->lot();
    mRule->setText(tr("Threshold rule: %1").arg(lot.thresholdRule.isEmpty() ? tr("not recorded") : lot.thresholdRule));
    mStored->setText(tr("Stored: reject %1, review %2").arg(lot.rejectThreshold, 0, 'f', 4)
                         .arg(lot.reviewThreshold, 0, 'f', 4));
}

void ThresholdPanel::updateCounts()
{
    const LotCounts counts = mDocument->counts();
    mPassCount->setText(tr("Pass %1").arg(counts.pass));
    mReviewCount->setText(tr("Review %1").arg(counts.review));
    mFailCount->setText(tr("Fail %1").arg(counts.fail));
    mErrorCount->setText(tr("Error %1").arg(counts.error));
}

void ThresholdPanel::updateRoc()
{
    std::vector<double> scores;
    std::vector<int> labels;
    for (const PartRecord &part : mDocument->parts()) {
        if (part.verdict == Verdict::Error || part.operatorVerdict == OperatorVerdict::None)
            continue;
        scores.push_back(part.imageScore);
        labels.push_back(part.operatorVerdict == OperatorVerdict::Rejected ? 1 : 0);
    }
    mRoc->setData(scores, labels, mDocument->rejectThreshold());
}

void ThresholdPanel::onSliderMoved(bool rejectMoved)
{
    if (mUpdating || !mDocument->hasLot())
        return;
    const QSlider *slider = rejectMoved ? mRejectSlider : mReviewSlider;
    const bool dragging = slider->isSliderDown();
    // Back within a pixel of where it started, a dragged slider restores
    // the exact value it started from, so a drag that returns changes nothing.
    const double startValue = rejectMoved ? mDragStart.reject : mDragStart.review;
    const int stepsPerPixel = static_cast<int>(std::ceil(static_cast<double>(kSliderSteps) / std::max(1, slider->width())));
    const bool atStart = std::abs(slider->value() - sliderValueForScore(startValue)) <= stepsPerPixel;
    const double score = dragging && atStart ? startValue : scoreForSliderValue(slider->value());
    ThresholdPair after{mDocument->rejectThreshold(), mDocument->reviewThreshold()};
    if (rejectMoved) {
        after.reject = score;
        after.review = std::min(after.review, after.reject);
        if (dragging && after.reject >= mDragStart.review)
            after.review = mDragStart.review;
    } else {
        after.review = score;
        after.reject = std::max(after.reject, after.review);
        if (dragging && after.review <= mDragStart.reject)
            after.reject = mDragStart.reject;
    }
    pushChange(after, dragging);
}

void ThresholdPanel::onSpinEdited(bool rejectEdited)
{
    if (mUpdating || !mDocument->hasLot())
        return;
    ThresholdPair after{mRejectSpin->value(), mReviewSpin->value()};
    if (rejectEdited)
        after.review = std::min(after.review, after.reject);
    else
        after.reject = std::max(after.reject, after.review);
    pushChange(after, false);
}

void ThresholdPanel::onSliderReleased()
{
    if (!mDragOpen)
        return;
    const ThresholdPair current{mDocument->rejectThreshold(), mDocument->reviewThreshold()};
    pushChange(current, false, true);
}

void ThresholdPanel::pushChange(const ThresholdPair &after, bool open, bool closing)
{
    const ThresholdPair before{mDocument->rejectThreshold(), mDocument->reviewThreshold()};
    // The closing command of a drag repeats the current value; it is pushed
    // anyway because it stores the merged change.
    if (after == before && !closing)
        return;
    mDocument->undoStack()->push(new ThresholdCommand(mDocument, before, after, open));
    mDragOpen = open;
}

} // namespace patchead::ui
