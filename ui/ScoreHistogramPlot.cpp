#include "ScoreHistogramPlot.h"

#include "PlotStyle.h"
#include "VerdictStyle.h"

#include <QVBoxLayout>
#include <algorithm>
#include <qcustomplot.h>

namespace patchead::ui {

namespace {

double barTotal(const QCPBars *bars)
{
    double total = 0.0;
    for (auto it = bars->data()->constBegin(); it != bars->data()->constEnd(); ++it)
        total += it->value;
    return total;
}

QCPItemStraightLine *verticalLine(QCustomPlot *plot)
{
    auto *line = new QCPItemStraightLine(plot);
    line->setClipToAxisRect(true);
    return line;
}

void placeLine(QCPItemStraightLine *line, double x)
{
    line->point1->setCoords(x, 0.0);
    line->point2->setCoords(x, 1.0);
}

} // namespace

ScoreHistogramPlot::ScoreHistogramPlot(QWidget *parent)
    : QWidget(parent), mPlot(new QCustomPlot(this))
{
    mPassBars = new QCPBars(mPlot->xAxis, mPlot->yAxis);
    mReviewBars = new QCPBars(mPlot->xAxis, mPlot->yAxis);
    mFailBars = new QCPBars(mPlot->xAxis, mPlot->yAxis);
    mReviewBars->moveAbove(mPassBars);
    mFailBars->moveAbove(mReviewBars);
    mPassBars->setName(verdictText(Verdict::Pass));
    mReviewBars->setName(verdictText(Verdict::Review));
    mFailBars->setName(verdictText(Verdict::Fail));
    mRejectLine = verticalLine(mPlot);
    mReviewLine = verticalLine(mPlot);

    mPlot->xAxis->setLabel(tr("Image score"));
    mPlot->yAxis->setLabel(tr("Parts"));
    mPlot->legend->setVisible(true);
    mPlot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    mPlot->setMinimumHeight(160);
    mPlot->setToolTip(tr("Scores of the lot's parts by verdict; the solid line is the reject threshold, "
                         "the dashed line the review threshold"));

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(mPlot);
    applyColours();
    rebuildBars();
}

QSize ScoreHistogramPlot::sizeHint() const
{
    return QSize(360, 220);
}

void ScoreHistogramPlot::setScores(const std::vector<double> &scores, double rangeMax)
{
    mScores = scores;
    mRangeMax = rangeMax > 0.0 ? rangeMax : 1.0;
    rebuildBars();
}

void ScoreHistogramPlot::setThresholds(double reject, double review)
{
    mReject = reject;
    mReview = review;
    rebuildBars();
}

double ScoreHistogramPlot::rejectLinePosition() const
{
    return mRejectLine->point1->coords().x();
}

double ScoreHistogramPlot::reviewLinePosition() const
{
    return mReviewLine->point1->coords().x();
}

int ScoreHistogramPlot::passBarTotal() const
{
    return qRound(barTotal(mPassBars));
}

int ScoreHistogramPlot::reviewBarTotal() const
{
    return qRound(barTotal(mReviewBars));
}

int ScoreHistogramPlot::failBarTotal() const
{
    return qRound(barTotal(mFailBars));
}

void ScoreHistogramPlot::rebuildBars()
{
    const double binWidth = mRangeMax / kBinCount;
    QVector<double> keys(kBinCount);
    QVector<double> pass(kBinCount, 0.0);
    QVector<double> review(kBinCount, 0.0);
    QVector<double> fail(kBinCount, 0.0);
    for (int bin = 0; bin < kBinCount; ++bin)
        keys[bin] = (bin + 0.5) * binWidth;
    for (double score : mScores) {
        // Scores beyond the range are counted in the last bin.
        const int bin = std::clamp(static_cast<int>(score / binWidth), 0, kBinCount - 1);
        switch (verdictForScore(score, mReject, mReview)) {
        case Verdict::Fail: fail[bin] += 1.0; break;
        case Verdict::Review: review[bin] += 1.0; break;
        default: pass[bin] += 1.0; break;
        }
    }
    mPassBars->setData(keys, pass, true);
    mReviewBars->setData(keys, review, true);
    mFailBars->setData(keys, fail, true);
    for (QCPBars *bars : {mPassBars, mReviewBars, mFailBars})
        bars->setWidth(binWidth * 0.9);

    placeLine(mRejectLine, mReject);
    placeLine(mReviewLine, mReview);
    mReviewLine->setVisible(mReview < mReject);

    int highest = 1;
    for (int bin = 0; bin < kBinCount; ++bin)
        highest = std::max(highest, static_cast<int>(pass[bin] + review[bin] + fail[bin]));
    mPlot->xAxis->setRange(0.0, mRangeMax);
    mPlot->yAxis->setRange(0.0, highest * 1.15);
    mPlot->replot(QCustomPlot::rpQueuedReplot);
}

void ScoreHistogramPlot::applyColours()
{
    applyPaletteToPlot(mPlot, palette());
    const std::pair<QCPBars *, Verdict> series[] = {
        {mPassBars, Verdict::Pass}, {mReviewBars, Verdict::Review}, {mFailBars, Verdict::Fail}};
    for (const auto &[bars, verdict] : series) {
        const QColor colour = verdictColour(verdict);
        bars->setBrush(colour);
        bars->setPen(QPen(colour.darker(130)));
    }
    mRejectLine->setPen(QPen(verdictColour(Verdict::Fail).darker(110), 2));
    mReviewLine->setPen(QPen(verdictColour(Verdict::Review).darker(130), 2, Qt::DashLine));
    mPlot->replot(QCustomPlot::rpQueuedReplot);
}

void ScoreHistogramPlot::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange)
        applyColours();
    QWidget::changeEvent(event);
}

} // namespace patchead::ui
