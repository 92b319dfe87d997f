#pragma once

#include "report/ReportLayout.h"
#include "store/LotRecords.h"

#include <QVector>

#include <array>

namespace patchead {

// Image scores of a lot binned over a range that covers every score and both
// thresholds, with the counts of each bin split by automatic verdict.
struct ScoreHistogram {
    double low = 0.0;
    double high = 1.0;
    double tickStep = 0.1;                 // of the x axis; low and high are multiples of it
    QVector<std::array<int, 3>> bins;      // pass, review, fail counts per bin
    int maxBinCount = 0;
    int unscored = 0;                      // parts with verdict Error, not in any bin

    double binWidth() const { return bins.isEmpty() ? 0.0 : (high - low) / bins.size(); }
};

ScoreHistogram buildScoreHistogram(const QVector<PartRecord> &parts, double rejectThreshold,
                                   double reviewThreshold, int binCount = 60);

// Step of about `targetCount` axis ticks over [low, high]: 1, 2 or 5 times
// a power of ten.
double niceTickStep(double low, double high, int targetCount);

// The score histogram drawn as vector graphics: stacked bars coloured by
// verdict, both thresholds as vertical lines, axes with ticks and titles.
class HistogramBlock : public ReportBlock {
public:
    HistogramBlock(const ReportStyle &style, ScoreHistogram histogram, double rejectThreshold,
                   double reviewThreshold);
    qreal height(qreal width) const override;
    void paint(QPainter &painter, const QRectF &area) const override;

private:
    QRectF plotRect(const QRectF &area) const;
    qreal xFor(const QRectF &plot, double score) const;
    int countStep() const;
    void paintBars(QPainter &painter, const QRectF &plot) const;
    void paintAxes(QPainter &painter, const QRectF &plot) const;
    void paintThresholds(QPainter &painter, const QRectF &plot) const;
    void paintLegend(QPainter &painter, const QRectF &plot) const;

    const ReportStyle &mStyle;
    ScoreHistogram mHistogram;
    double mReject = 0.0;
    double mReview = 0.0;
};

} // namespace patchead
