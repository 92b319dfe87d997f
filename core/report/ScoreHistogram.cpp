#include "report/ScoreHistogram.h"

#include "report/LotReportData.h"

#include <QPainter>

#include <algorithm>
#include <cmath>

namespace patchead {

namespace {

constexpr int kXTicks = 8;

int verdictSlot(Verdict verdict)
{
    switch (verdict) {
    case Verdict::Pass: return 0;
    case Verdict::Review: return 1;
    default: return 2;
    }
}

// Decimals that print every multiple of `step` exactly.
int tickDecimals(double step)
{
    return std::max(0, static_cast<int>(std::ceil(-std::log10(step) - 1e-9)));
}

} // namespace

double niceTickStep(double low, double high, int targetCount)
{
    const double span = std::max(high - low, 1e-12);
    const double rough = span / std::max(1, targetCount);
    const double power = std::pow(10.0, std::floor(std::log10(rough)));
    for (const double factor : {1.0, 2.0, 5.0}) {
        if (factor * power >= rough)
            return factor * power;
    }
    return 10.0 * power;
}

ScoreHistogram buildScoreHistogram(const QVector<PartRecord> &parts, double rejectThreshold,
                                   double reviewThreshold, int binCount)
{
    ScoreHistogram histogram;
    double low = std::min(rejectThreshold, reviewThreshold);
    double high = std::max(rejectThreshold, reviewThreshold);
    for (const PartRecord &part : parts) {
        if (part.verdict == Verdict::Error || !std::isfinite(part.imageScore))
            continue;
        low = std::min(low, part.imageScore);
        high = std::max(high, part.imageScore);
    }
    // Pad so that no bar or threshold line sits on the plot frame.
    const double span = high - low > 1e-9 ? high - low : std::max(std::abs(high), 1.0) * 0.1;
    const bool nonNegative = low >= 0.0;
    low -= 0.05 * span;
    high += 0.05 * span;
    if (nonNegative)
        low = std::max(low, 0.0);
    histogram.tickStep = niceTickStep(low, high, kXTicks);
    histogram.low = std::floor(low / histogram.tickStep) * histogram.tickStep;
    histogram.high = std::ceil(high / histogram.tickStep) * histogram.tickStep;

    histogram.bins.fill({0, 0, 0}, std::max(1, binCount));
    for (const PartRecord &part : parts) {
        if (part.verdict == Verdict::Error || !std::isfinite(part.imageScore)) {
            ++histogram.unscored;
            continue;
        }
        const double position = (part.imageScore - histogram.low) / histogram.binWidth();
        const int bin = std::clamp(static_cast<int>(position), 0, static_cast<int>(histogram.bins.size()) - 1);
        ++histogram.bins[bin][verdictSlot(part.verdict)];
    }
    for (const auto &bin : histogram.bins)
        histogram.maxBinCount = std::max(histogram.maxBinCount, bin[0] + bin[1] + bin[2]);
    return histogram;
}

HistogramBlock::HistogramBlock(const ReportStyle &style, ScoreHistogram histogram, double rejectThreshold,
                               double reviewThreshold)
    : mStyle(style), mHistogram(std::move(histogram)), mReject(rejectThreshold), mReview(reviewThreshold)
{
}

qreal HistogramBlock::height(qreal) const
{
    return mStyle.mm(68.0);
}

QRectF HistogramBlock::plotRect(const QRectF &area) const
{
    const qreal line = mStyle.lineHeight(mStyle.small);
    const qreal left = mStyle.mm(6.0) + mStyle.textWidth(mStyle.small, QStringLiteral("0000"));
    const qreal top = line + mStyle.mm(2.0);          // threshold labels
    const qreal bottom = 2 * line + mStyle.mm(3.0);   // tick labels and axis title
    return QRectF(area.left() + left, area.top() + top, area.width() - left - mStyle.mm(2.0),
                  area.height() - top - bottom);
}

qreal HistogramBlock::xFor(const QRectF &plot, double score) const
{
    return plot.left() + (score - mHistogram.low) / (mHistogram.high - mHistogram.low) * plot.width();
}

int HistogramBlock::countStep() const
{
    return std::max(1, static_cast<int>(niceTickStep(0.0, std::max(1, mHistogram.maxBinCount), 5)));
}

void HistogramBlock::paint(QPainter &painter, const QRectF &area) const
{
    painter.save();
    const QRectF plot = plotRect(area);
    paintAxes(painter, plot);
    paintBars(painter, plot);
    paintThresholds(painter, plot);
    paintLegend(painter, plot);
    painter.restore();
}

void HistogramBlock::paintBars(QPainter &painter, const QRectF &plot) const
{
    const int step = countStep();
    const int top = std::max(step, (mHistogram.maxBinCount + step - 1) / step * step);
    const qreal unit = plot.height() / top;
    const QColor colours[3] = {mStyle.pass, mStyle.review, mStyle.fail};
    const qreal gap = mStyle.mm(0.25);
    for (int i = 0; i < mHistogram.bins.size(); ++i) {
        const qreal left = xFor(plot, mHistogram.low + i * mHistogram.binWidth());
        const qreal right = xFor(plot, mHistogram.low + (i + 1) * mHistogram.binWidth());
        qreal base = plot.bottom();
        for (int slot = 0; slot < 3; ++slot) {
            const qreal barHeight = mHistogram.bins[i][slot] * unit;
            if (barHeight <= 0)
                continue;
            painter.fillRect(QRectF(left + gap, base - barHeight, right - left - 2 * gap, barHeight), colours[slot]);
            base -= barHeight;
        }
    }
}

void HistogramBlock::paintAxes(QPainter &painter, const QRectF &plot) const
{
    const qreal line = mStyle.lineHeight(mStyle.small);
    const qreal tick = mStyle.mm(1.2);
    painter.setFont(mStyle.small);

    // Count axis with horizontal grid lines.
    const int step = countStep();
    const int top = std::max(step, (mHistogram.maxBinCount + step - 1) / step * step);
    for (int count = 0; count <= top; count += step) {
        const qreal y = plot.bottom() - plot.height() * count / top;
        painter.setPen(QPen(count == 0 ? mStyle.ink : mStyle.rule, mStyle.mm(count == 0 ? 0.25 : 0.12)));
        painter.drawLine(QPointF(plot.left() - tick, y), QPointF(plot.right(), y));
        painter.setPen(mStyle.muted);
        painter.drawText(QRectF(plot.left() - mStyle.mm(20), y - line / 2, mStyle.mm(20) - tick - mStyle.mm(0.8), line),
                         Qt::AlignRight | Qt::AlignVCenter, QString::number(count));
    }

    // Score axis.
    const int decimals = tickDecimals(mHistogram.tickStep);
    const int tickCount = static_cast<int>(std::lround((mHistogram.high - mHistogram.low) / mHistogram.tickStep));
    for (int i = 0; i <= tickCount; ++i) {
        const double score = mHistogram.low + i * mHistogram.tickStep;
        const qreal x = xFor(plot, score);
        painter.setPen(QPen(mStyle.ink, mStyle.mm(0.2)));
        painter.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + tick));
        painter.setPen(mStyle.muted);
        painter.drawText(QRectF(x - mStyle.mm(10), plot.bottom() + tick + mStyle.mm(0.5), mStyle.mm(20), line),
                         Qt::AlignHCenter | Qt::AlignTop, QString::number(score, 'f', decimals));
    }
    painter.setPen(QPen(mStyle.ink, mStyle.mm(0.25)));
    painter.drawLine(plot.bottomLeft(), plot.topLeft());

    painter.setPen(mStyle.ink);
    QString title = QStringLiteral("Image score (raw)");
    if (mHistogram.unscored > 0)
        title += QStringLiteral("; %1 unreadable parts not shown").arg(mHistogram.unscored);
    painter.drawText(QRectF(plot.left(), plot.bottom() + tick + line + mStyle.mm(1.5), plot.width(), line),
                     Qt::AlignHCenter | Qt::AlignTop, title);
    painter.save();
    painter.translate(plot.left() - mStyle.mm(6.0) - mStyle.textWidth(mStyle.small, QStringLiteral("000")), plot.center().y());
    painter.rotate(-90);
    painter.drawText(QRectF(-plot.height() / 2, -line, plot.height(), line), Qt::AlignHCenter | Qt::AlignBottom,
                     QStringLiteral("Parts"));
    painter.restore();
}

void HistogramBlock::paintThresholds(QPainter &painter, const QRectF &plot) const
{
    const qreal line = mStyle.lineHeight(mStyle.small);
    const qreal labelWidth = mStyle.mm(40);
    painter.setFont(mStyle.smallBold);

    // The review label goes left of its line and the reject label right of
    // its line, so the two never overlap however close the thresholds are.
    const bool band = mReview < mReject;
    if (band) {
        const qreal x = xFor(plot, mReview);
        painter.setPen(QPen(mStyle.review, mStyle.mm(0.45), Qt::DashLine));
        painter.drawLine(QPointF(x, plot.top() - mStyle.mm(1)), QPointF(x, plot.bottom()));
        painter.setPen(mStyle.review);
        painter.drawText(QRectF(x - labelWidth - mStyle.mm(1), plot.top() - line - mStyle.mm(1.5), labelWidth, line),
                         Qt::AlignRight | Qt::AlignBottom, QStringLiteral("review %1").arg(reportScore(mReview)));
    }
    const qreal x = xFor(plot, mReject);
    painter.setPen(QPen(mStyle.fail, mStyle.mm(0.45)));
    painter.drawLine(QPointF(x, plot.top() - mStyle.mm(1)), QPointF(x, plot.bottom()));
    painter.setPen(mStyle.fail);
    painter.drawText(QRectF(x + mStyle.mm(1), plot.top() - line - mStyle.mm(1.5), labelWidth, line),
                     Qt::AlignLeft | Qt::AlignBottom, QStringLiteral("reject %1").arg(reportScore(mReject)));
}

void HistogramBlock::paintLegend(QPainter &painter, const QRectF &plot) const
{
    const QVector<QPair<QString, QColor>> entries{
        {QStringLiteral("pass"), mStyle.pass}, {QStringLiteral("review"), mStyle.review},
        {QStringLiteral("fail"), mStyle.fail}};
    painter.setFont(mStyle.small);
    const qreal line = mStyle.lineHeight(mStyle.small);
    const qreal swatch = mStyle.mm(2.5);
    qreal width = 0.0;
    for (const auto &entry : entries)
        width += swatch + mStyle.mm(1.2) + mStyle.textWidth(mStyle.small, entry.first) + mStyle.mm(3);

    // Top right inside the plot, on white so grid lines do not run through it.
    const QRectF box(plot.right() - width - mStyle.mm(1), plot.top() + mStyle.mm(1), width, line + mStyle.mm(1));
    painter.fillRect(box, Qt::white);
    qreal x = box.left() + mStyle.mm(1.5);
    for (const auto &entry : entries) {
        painter.fillRect(QRectF(x, box.center().y() - swatch / 2, swatch, swatch), entry.second);
        x += swatch + mStyle.mm(1.2);
        painter.setPen(mStyle.ink);
        const qreal textWidth = mStyle.textWidth(mStyle.small, entry.first);
        painter.drawText(QRectF(x, box.top(), textWidth + mStyle.mm(1), box.height()), Qt::AlignLeft | Qt::AlignVCenter,
                         entry.first);
        x += textWidth + mStyle.mm(3);
    }
}

} // namespace patchead
