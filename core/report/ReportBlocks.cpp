#include "report/ReportBlocks.h"

#include "report/ReportImages.h"

#include <QFileInfo>
#include <QPainter>

#include <algorithm>

namespace patchead {

namespace {

constexpr int kWrapFlags = Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap;
// Wraps long paths and hashes anywhere, since they have no spaces.
constexpr int kWrapAnywhereFlags = Qt::AlignLeft | Qt::AlignTop | Qt::TextWrapAnywhere;

// Long side of a reference thumbnail in pixels: about 280 dpi in the 27 mm
// cell of an A4 page.
constexpr int kThumbnailSide = 300;

} // namespace

QColor verdictColour(const ReportStyle &style, Verdict verdict)
{
    switch (verdict) {
    case Verdict::Pass: return style.pass;
    case Verdict::Review: return style.review;
    case Verdict::Fail: return style.fail;
    case Verdict::Error: return style.error;
    }
    return style.ink;
}

void paintPictureBox(QPainter &painter, const ReportStyle &style, const QRectF &box, const QImage &image,
                     const QString &note)
{
    painter.save();
    QRectF frame = box;
    if (image.isNull()) {
        painter.fillRect(box, style.panel);
        painter.setPen(style.muted);
        painter.setFont(style.small);
        const QRectF textBox = box.adjusted(style.mm(2), style.mm(2), -style.mm(2), -style.mm(2));
        painter.drawText(textBox, Qt::AlignCenter | Qt::TextWordWrap, note);
    } else {
        QSizeF size = image.size();
        size.scale(box.size(), Qt::KeepAspectRatio);
        frame = QRectF(box.center().x() - size.width() / 2.0, box.center().y() - size.height() / 2.0,
                       size.width(), size.height());
        painter.setRenderHint(QPainter::SmoothPixmapTransform);
        painter.drawImage(frame, image);
    }
    painter.setPen(QPen(style.rule, style.mm(0.2)));
    painter.setBrush(Qt::NoBrush);
    painter.drawRect(frame);
    painter.restore();
}

TitleBlock::TitleBlock(const ReportStyle &style, QString title, QString subtitle)
    : mStyle(style), mTitle(std::move(title)), mSubtitle(std::move(subtitle))
{
}

qreal TitleBlock::height(qreal width) const
{
    return mStyle.lineHeight(mStyle.title) + mStyle.textHeight(mStyle.heading, width, mSubtitle, kWrapFlags)
        + mStyle.mm(3.0);
}

void TitleBlock::paint(QPainter &painter, const QRectF &area) const
{
    painter.save();
    painter.setPen(mStyle.ink);
    painter.setFont(mStyle.title);
    const qreal titleHeight = mStyle.lineHeight(mStyle.title);
    painter.drawText(QRectF(area.left(), area.top(), area.width(), titleHeight), Qt::AlignLeft | Qt::AlignVCenter,
                     mTitle);
    painter.setFont(mStyle.heading);
    painter.setPen(mStyle.accent);
    painter.drawText(QRectF(area.left(), area.top() + titleHeight, area.width(), area.height()), kWrapFlags,
                     mSubtitle);
    painter.fillRect(QRectF(area.left(), area.bottom() - mStyle.mm(0.8), area.width(), mStyle.mm(0.8)),
                     mStyle.accent);
    painter.restore();
}

HeadingBlock::HeadingBlock(const ReportStyle &style, QString text) : mStyle(style), mText(std::move(text))
{
    keepWithNext = true;
}

qreal HeadingBlock::height(qreal) const
{
    return mStyle.mm(3.0) + mStyle.lineHeight(mStyle.heading) + mStyle.mm(1.2);
}

void HeadingBlock::paint(QPainter &painter, const QRectF &area) const
{
    painter.save();
    painter.setFont(mStyle.heading);
    painter.setPen(mStyle.accent);
    const QRectF text(area.left(), area.top() + mStyle.mm(3.0), area.width(), mStyle.lineHeight(mStyle.heading));
    painter.drawText(text, Qt::AlignLeft | Qt::AlignVCenter, mText);
    painter.setPen(QPen(mStyle.rule, mStyle.mm(0.3)));
    painter.drawLine(QPointF(area.left(), area.bottom()), QPointF(area.right(), area.bottom()));
    painter.restore();
}

ParagraphBlock::ParagraphBlock(const ReportStyle &style, QString text, QFont font, QColor colour)
    : mStyle(style), mText(std::move(text)), mFont(std::move(font)), mColour(colour)
{
}

qreal ParagraphBlock::height(qreal width) const
{
    return mStyle.textHeight(mFont, width, mText, kWrapFlags);
}

void ParagraphBlock::paint(QPainter &painter, const QRectF &area) const
{
    painter.save();
    painter.setFont(mFont);
    painter.setPen(mColour);
    painter.drawText(area, kWrapFlags, mText);
    painter.restore();
}

FieldGridBlock::FieldGridBlock(const ReportStyle &style, QVector<ReportField> fields, qreal labelWidthMm)
    : mStyle(style), mFields(std::move(fields)), mLabelWidth(style.mm(labelWidthMm))
{
}

const QFont &FieldGridBlock::valueFont(const ReportField &field) const
{
    return field.monospace ? mStyle.mono : mStyle.body;
}

qreal FieldGridBlock::rowHeight(const ReportField &field, qreal valueWidth) const
{
    const int flags = field.monospace ? kWrapAnywhereFlags : kWrapFlags;
    const qreal value = mStyle.textHeight(valueFont(field), valueWidth, field.value, flags);
    return std::max(value, mStyle.lineHeight(mStyle.body)) + mStyle.mm(1.4);
}

qreal FieldGridBlock::height(qreal width) const
{
    qreal total = 0.0;
    for (const ReportField &field : mFields)
        total += rowHeight(field, width - mLabelWidth);
    return total;
}

void FieldGridBlock::paint(QPainter &painter, const QRectF &area) const
{
    painter.save();
    const qreal valueWidth = area.width() - mLabelWidth;
    qreal y = area.top();
    for (const ReportField &field : mFields) {
        const qreal rowHeight = this->rowHeight(field, valueWidth);
        const qreal pad = mStyle.mm(0.7);
        painter.setFont(mStyle.body);
        painter.setPen(mStyle.muted);
        painter.drawText(QRectF(area.left(), y + pad, mLabelWidth - mStyle.mm(2), rowHeight), kWrapFlags,
                         field.label);
        painter.setFont(valueFont(field));
        painter.setPen(mStyle.ink);
        // Monospace values are shorter than a body line; centre them on it.
        const qreal shift = field.monospace
            ? (mStyle.lineHeight(mStyle.body) - mStyle.lineHeight(mStyle.mono)) / 2.0 : 0.0;
        painter.drawText(QRectF(area.left() + mLabelWidth, y + pad + shift, valueWidth, rowHeight),
                         field.monospace ? kWrapAnywhereFlags : kWrapFlags, field.value);
        y += rowHeight;
        painter.setPen(QPen(mStyle.rule, mStyle.mm(0.15)));
        painter.drawLine(QPointF(area.left(), y), QPointF(area.right(), y));
    }
    painter.restore();
}

VerdictCountsBlock::VerdictCountsBlock(const ReportStyle &style, const LotCounts &counts)
    : mStyle(style), mCounts(counts)
{
}

qreal VerdictCountsBlock::height(qreal) const
{
    return mStyle.mm(19.0);
}

void VerdictCountsBlock::paint(QPainter &painter, const QRectF &area) const
{
    struct Tile {
        QString label;
        int count;
        QColor colour;
    };
    const QVector<Tile> tiles{
        {QStringLiteral("Parts"), mCounts.total, mStyle.accent},
        {QStringLiteral("Pass"), mCounts.pass, mStyle.pass},
        {QStringLiteral("Review"), mCounts.review, mStyle.review},
        {QStringLiteral("Fail"), mCounts.fail, mStyle.fail},
        {QStringLiteral("Unreadable"), mCounts.error, mStyle.error},
    };
    painter.save();
    const qreal gap = mStyle.mm(3.0);
    const qreal tileWidth = (area.width() - gap * (tiles.size() - 1)) / tiles.size();
    for (int i = 0; i < tiles.size(); ++i) {
        const Tile &tile = tiles[i];
        const QRectF box(area.left() + i * (tileWidth + gap), area.top(), tileWidth, area.height());
        painter.fillRect(box, mStyle.panel);
        painter.fillRect(QRectF(box.left(), box.top(), box.width(), mStyle.mm(1.2)), tile.colour);
        const QRectF inner = box.adjusted(mStyle.mm(3), mStyle.mm(2.5), -mStyle.mm(3), -mStyle.mm(1.5));
        painter.setPen(mStyle.ink);
        painter.setFont(mStyle.title);
        painter.drawText(inner, Qt::AlignLeft | Qt::AlignTop, QString::number(tile.count));
        painter.setFont(mStyle.small);
        painter.setPen(mStyle.muted);
        QString label = tile.label;
        if (i > 0 && mCounts.total > 0)
            label += QStringLiteral("  %1 %").arg(100.0 * tile.count / mCounts.total, 0, 'f', 1);
        painter.drawText(inner, Qt::AlignLeft | Qt::AlignBottom, label);
    }
    painter.restore();
}

TableRowBlock::TableRowBlock(const ReportStyle &style, QVector<TableColumn> columns, QStringList cells, bool header,
                             bool shaded, QColor accent)
    : mStyle(style), mColumns(std::move(columns)), mCells(std::move(cells)), mHeader(header), mShaded(shaded),
      mAccent(accent)
{
}

const QFont &TableRowBlock::font() const
{
    return mHeader ? mStyle.smallBold : mStyle.small;
}

QRectF TableRowBlock::cellRect(const QRectF &row, int column) const
{
    qreal left = row.left();
    for (int i = 0; i < column; ++i)
        left += mColumns[i].fraction * row.width();
    const qreal pad = mStyle.mm(1.2);
    return QRectF(left + pad, row.top() + mStyle.mm(0.8), mColumns[column].fraction * row.width() - 2 * pad,
                  row.height() - mStyle.mm(1.6));
}

qreal TableRowBlock::height(qreal width) const
{
    qreal tallest = mStyle.lineHeight(font());
    for (int i = 0; i < mColumns.size() && i < mCells.size(); ++i) {
        if (!mColumns[i].wrap)
            continue;
        const qreal cellWidth = mColumns[i].fraction * width - 2 * mStyle.mm(1.2);
        tallest = std::max(tallest, mStyle.textHeight(font(), cellWidth, mCells[i], kWrapFlags));
    }
    return tallest + mStyle.mm(1.6);
}

void TableRowBlock::paint(QPainter &painter, const QRectF &area) const
{
    painter.save();
    if (mHeader || mShaded)
        painter.fillRect(area, mHeader ? mStyle.panel : QColor(0xfa, 0xfb, 0xfc));
    painter.setFont(font());
    for (int i = 0; i < mColumns.size() && i < mCells.size(); ++i) {
        const QRectF cell = cellRect(area, i);
        const bool lastCell = i == mColumns.size() - 1;
        painter.setPen(lastCell && mAccent.isValid() ? mAccent : (mHeader ? mStyle.muted : mStyle.ink));
        if (mColumns[i].wrap) {
            painter.drawText(cell, static_cast<int>(mColumns[i].alignment) | Qt::AlignTop | Qt::TextWordWrap, mCells[i]);
        } else {
            const QString text = mStyle.elidedText(font(), mCells[i], cell.width(), Qt::ElideMiddle);
            painter.drawText(cell, static_cast<int>(mColumns[i].alignment) | Qt::AlignVCenter, text);
        }
    }
    painter.setPen(QPen(mStyle.rule, mStyle.mm(mHeader ? 0.3 : 0.1)));
    painter.drawLine(QPointF(area.left(), area.bottom()), QPointF(area.right(), area.bottom()));
    painter.restore();
}

ReferenceStripBlock::ReferenceStripBlock(const ReportStyle &style, QVector<ReferenceRecord> references)
    : mStyle(style), mReferences(std::move(references))
{
}

qreal ReferenceStripBlock::cellWidth(qreal width) const
{
    return (width - mStyle.mm(3.0) * (kPerRow - 1)) / kPerRow;
}

qreal ReferenceStripBlock::height(qreal width) const
{
    return cellWidth(width) + mStyle.mm(1.0) + 2 * mStyle.lineHeight(mStyle.small);
}

void ReferenceStripBlock::paint(QPainter &painter, const QRectF &area) const
{
    painter.save();
    const qreal cell = cellWidth(area.width());
    const qreal line = mStyle.lineHeight(mStyle.small);
    for (int i = 0; i < mReferences.size(); ++i) {
        const ReferenceRecord &reference = mReferences[i];
        const QRectF box(area.left() + i * (cell + mStyle.mm(3.0)), area.top(), cell, cell);
        const ReportPicture thumbnail = loadReportPicture(reference.path, kThumbnailSide);
        paintPictureBox(painter, mStyle, box, thumbnail.image,
                        QStringLiteral("File not available:\n") + thumbnail.note);

        const QRectF name(box.left(), box.bottom() + mStyle.mm(1.0), cell, line);
        painter.setFont(mStyle.small);
        painter.setPen(mStyle.ink);
        painter.drawText(name, Qt::AlignLeft | Qt::AlignTop,
                         mStyle.elidedText(mStyle.small, QFileInfo(reference.path).fileName(), cell, Qt::ElideMiddle));
        painter.setPen(mStyle.muted);
        const QString score = QStringLiteral("score %1").arg(reportScore(reference.leaveOneOutScore));
        painter.drawText(name.translated(0, line), Qt::AlignLeft | Qt::AlignTop,
                         mStyle.elidedText(mStyle.small, score, cell, Qt::ElideRight));
    }
    painter.restore();
}

ColourScaleBlock::ColourScaleBlock(const ReportStyle &style, double rejectThreshold)
    : mStyle(style), mRejectThreshold(rejectThreshold)
{
}

qreal ColourScaleBlock::height(qreal) const
{
    return mStyle.mm(4.0) + mStyle.lineHeight(mStyle.small) + mStyle.mm(1.0);
}

void ColourScaleBlock::paint(QPainter &painter, const QRectF &area) const
{
    painter.save();
    const QString label = QStringLiteral("Heatmap colours (patch score):");
    const qreal labelWidth = mStyle.textWidth(mStyle.small, label) + mStyle.mm(3);
    const QRectF bar(area.left() + labelWidth, area.top(), mStyle.mm(100), mStyle.mm(4.0));
    painter.setFont(mStyle.small);
    painter.setPen(mStyle.muted);
    painter.drawText(QRectF(area.left(), bar.top(), labelWidth, bar.height()), Qt::AlignLeft | Qt::AlignVCenter, label);
    painter.drawImage(bar, heatmapColourScale(256, mRejectThreshold));
    painter.setPen(QPen(mStyle.rule, mStyle.mm(0.2)));
    painter.drawRect(bar);

    // The reject threshold sits at the middle of the scale (normalised 0.5).
    painter.setPen(QPen(mStyle.ink, mStyle.mm(0.3)));
    painter.drawLine(QPointF(bar.center().x(), bar.top() - mStyle.mm(0.6)),
                     QPointF(bar.center().x(), bar.bottom() + mStyle.mm(0.6)));
    const qreal line = mStyle.lineHeight(mStyle.small);
    const QRectF labels(bar.left(), bar.bottom() + mStyle.mm(0.7), bar.width(), line);
    painter.setPen(mStyle.muted);
    painter.drawText(labels, Qt::AlignLeft | Qt::AlignTop, QStringLiteral("0"));
    painter.drawText(labels, Qt::AlignHCenter | Qt::AlignTop,
                     QStringLiteral("%1 (reject threshold)").arg(reportScore(mRejectThreshold)));
    painter.drawText(labels, Qt::AlignRight | Qt::AlignTop,
                     QStringLiteral("≥ %1").arg(reportScore(2.0 * mRejectThreshold)));
    painter.restore();
}

} // namespace patchead
