#include "RocPlot.h"

#include "PlotStyle.h"
#include "common/Error.h"
#include "metrics/RankingMetrics.h"

#include <QLabel>
#include <QVBoxLayout>
#include <qcustomplot.h>

namespace patchead::ui {

RocPlot::RocPlot(QWidget *parent)
    : QWidget(parent), mPlot(new QCustomPlot(this)), mNote(new QLabel(this))
{
    mDiagonal = new QCPCurve(mPlot->xAxis, mPlot->yAxis);
    mDiagonal->setData({0.0, 1.0}, {0.0, 1.0});
    mDiagonal->removeFromLegend();
    mCurve = new QCPCurve(mPlot->xAxis, mPlot->yAxis);
    mOperatingPoint = mPlot->addGraph();
    mOperatingPoint->setLineStyle(QCPGraph::lsNone);
    mOperatingPoint->setName(tr("Reject threshold"));

    mPlot->xAxis->setLabel(tr("False positive rate"));
    mPlot->yAxis->setLabel(tr("True positive rate"));
    mPlot->setToolTip(tr("Share of the parts the operator rejected (true positive rate) and accepted (false "
                         "positive rate) that score at or above each threshold"));
    // A little margin keeps a curve along the edges clear of the axes.
    mPlot->xAxis->setRange(-0.02, 1.02);
    mPlot->yAxis->setRange(-0.02, 1.04);
    mPlot->legend->setVisible(true);
    mPlot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignRight);
    mPlot->setMinimumHeight(160);

    mNote->setWordWrap(true);
    mNote->setText(tr("The ROC curve appears once the operator has accepted at least one part and "
                      "rejected at least one."));

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(mPlot);
    layout->addWidget(mNote);
    mPlot->hide();
    applyColours();
}

QSize RocPlot::sizeHint() const
{
    return QSize(360, 240);
}

void RocPlot::setData(const std::vector<double> &scores, const std::vector<int> &labels, double rejectThreshold)
{
    const auto positives = std::count(labels.begin(), labels.end(), 1);
    const auto negatives = static_cast<long>(labels.size()) - positives;
    mHasCurve = positives > 0 && negatives > 0;
    mPlot->setVisible(mHasCurve);
    mNote->setVisible(!mHasCurve);
    if (!mHasCurve)
        return;

    RocCurve curve;
    try {
        curve = rocCurve(scores, labels);
        mAuc = rocAuc(scores, labels);
    } catch (const SettingsError &error) {
        mHasCurve = false;
        mPlot->hide();
        mNote->setText(error.message());
        mNote->show();
        return;
    }
    mCurve->setData(QVector<double>(curve.falsePositiveRates.begin(), curve.falsePositiveRates.end()),
                    QVector<double>(curve.truePositiveRates.begin(), curve.truePositiveRates.end()));
    mCurve->setName(tr("ROC, area %1 (%2 rejected, %3 accepted)").arg(mAuc, 0, 'f', 3).arg(positives).arg(negatives));

    double truePositives = 0.0;
    double falsePositives = 0.0;
    for (std::size_t i = 0; i < scores.size(); ++i) {
        if (scores[i] >= rejectThreshold)
            (labels[i] == 1 ? truePositives : falsePositives) += 1.0;
    }
    mOperatingPoint->setData({falsePositives / negatives}, {truePositives / positives});
    mPlot->replot(QCustomPlot::rpQueuedReplot);
}

void RocPlot::applyColours()
{
    applyPaletteToPlot(mPlot, palette());
    mDiagonal->setPen(QPen(palette().color(QPalette::Mid), 1, Qt::DashLine));
    mCurve->setPen(QPen(palette().color(QPalette::Highlight), 2));
    mOperatingPoint->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, palette().color(QPalette::WindowText),
                                                     palette().color(QPalette::Highlight), 9));
    mPlot->replot(QCustomPlot::rpQueuedReplot);
}

void RocPlot::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange)
        applyColours();
    QWidget::changeEvent(event);
}

} // namespace patchead::ui
