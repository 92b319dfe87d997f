#include "report/PartRowBlock.h"

#include "report/ReportBlocks.h"
#include "scoring/Threshold.h"
#include "store/LotStore.h"

#include <QFileInfo>
#include <QPainter>

#include <algorithm>

namespace patchead {

namespace {

constexpr qreal kPictureSideMm = 46.0;
constexpr qreal kPictureGapMm = 3.0;
constexpr qreal kDetailsGapMm = 5.0;
constexpr qreal kLabelWidthMm = 24.0;
constexpr int kFieldFlags = Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap;
constexpr int kPathFlags = Qt::AlignLeft | Qt::AlignTop | Qt::TextWrapAnywhere;

QString operatorVerdictText(const PartRecord &part)
{
    if (part.operatorVerdict == OperatorVerdict::None)
        return QStringLiteral("not reviewed");
    QString text = operatorVerdictName(part.operatorVerdict);
    if (!part.operatorName.isEmpty())
        text += QStringLiteral(" by ") + part.operatorName;
    return text;
}

} // namespace

PartRowBlock::PartRowBlock(const ReportStyle &style, const LotStore &store, PartRecord part, int partNumber,
                           const HeatmapRendering &rendering, int maxImageSide)
    : mStyle(style), mStore(store), mPart(std::move(part)), mPartNumber(partNumber), mRendering(rendering),
      mMaxImageSide(maxImageSide)
{
}

QVector<ReportField> PartRowBlock::fields() const
{
    QVector<ReportField> rows;
    const bool scored = mPart.verdict != Verdict::Error;
    if (scored) {
        rows.append({QStringLiteral("Raw score"), reportScore(mPart.imageScore)});
        rows.append({QStringLiteral("Normalised"),
                     QStringLiteral("%1 (0.5 = reject threshold)")
                         .arg(normalisedScore(mPart.imageScore, mRendering.rejectThreshold), 0, 'f', 3)});
    }
    rows.append({QStringLiteral("Automatic"), verdictName(mPart.verdict)});
    rows.append({QStringLiteral("Operator"), operatorVerdictText(mPart)});
    rows.append({QStringLiteral("Scored at"), reportTimestamp(mPart.scoredAt)});
    if (mPart.imageWidth > 0)
        rows.append({QStringLiteral("Image size"), QStringLiteral("%1 × %2 px").arg(mPart.imageWidth).arg(mPart.imageHeight)});
    if (!mPart.error.isEmpty())
        rows.append({QStringLiteral("Error"), mPart.error});
    rows.append({QStringLiteral("Path"), mPart.path, true});
    return rows;
}

const QFont &PartRowBlock::fieldFont(const ReportField &field) const
{
    return field.monospace ? mStyle.mono : mStyle.small;
}

qreal PartRowBlock::pictureSide() const
{
    return mStyle.mm(kPictureSideMm);
}

qreal PartRowBlock::detailsLeft(qreal) const
{
    return 2 * pictureSide() + mStyle.mm(kPictureGapMm + kDetailsGapMm);
}

qreal PartRowBlock::fieldsHeight(qreal width) const
{
    const qreal valueWidth = width - detailsLeft(width) - mStyle.mm(kLabelWidthMm);
    qreal total = 0.0;
    for (const ReportField &field : fields()) {
        const qreal value = mStyle.textHeight(fieldFont(field), valueWidth, field.value,
                                              field.monospace ? kPathFlags : kFieldFlags);
        total += std::max(value, mStyle.lineHeight(mStyle.small)) + mStyle.mm(0.6);
    }
    return total;
}

qreal PartRowBlock::detailsHeight(qreal width) const
{
    const qreal nameWidth = width - detailsLeft(width);
    const QString name = QFileInfo(mPart.path).fileName();
    return mStyle.lineHeight(mStyle.small) + mStyle.mm(1.5)                        // badge line
        + mStyle.textHeight(mStyle.bodyBold, nameWidth, name, kPathFlags) + mStyle.mm(1.5)
        + fieldsHeight(width);
}

qreal PartRowBlock::height(qreal width) const
{
    const qreal pictures = pictureSide() + mStyle.mm(1.0) + mStyle.lineHeight(mStyle.small);
    return std::max(pictures, detailsHeight(width)) + mStyle.mm(3.0);
}

void PartRowBlock::paint(QPainter &painter, const QRectF &area) const
{
    painter.save();
    paintPictures(painter, area);
    paintDetails(painter, area);
    painter.setPen(QPen(mStyle.rule, mStyle.mm(0.2)));
    painter.drawLine(QPointF(area.left(), area.bottom()), QPointF(area.right(), area.bottom()));
    painter.restore();
}

void PartRowBlock::paintPictures(QPainter &painter, const QRectF &area) const
{
    // The stored record was read without its map to keep memory flat; read
    // it now, once, for this row only.
    PartRecord withMap = mPart;
    if (mPart.verdict != Verdict::Error && mPart.mapWidth > 0) {
        if (const std::optional<PartRecord> stored = mStore.part(mPart.id, true))
            withMap = *stored;
    }
    const PartPictures pictures = renderPartPictures(withMap, mRendering, mMaxImageSide);

    const qreal side = pictureSide();
    const QRectF imageBox(area.left(), area.top(), side, side);
    const QRectF overlayBox(imageBox.right() + mStyle.mm(kPictureGapMm), area.top(), side, side);
    paintPictureBox(painter, mStyle, imageBox, pictures.image.image,
                    QStringLiteral("Image not available:\n") + pictures.image.note);
    paintPictureBox(painter, mStyle, overlayBox, pictures.overlay.image, pictures.overlay.note);

    const qreal line = mStyle.lineHeight(mStyle.small);
    painter.setFont(mStyle.small);
    painter.setPen(mStyle.muted);
    painter.drawText(QRectF(imageBox.left(), imageBox.bottom() + mStyle.mm(1.0), side, line),
                     Qt::AlignLeft | Qt::AlignTop, QStringLiteral("Part image"));
    const QString overlayCaption = pictures.overlay.image.isNull() || pictures.overlay.note.isEmpty()
        ? QStringLiteral("Anomaly heatmap") : pictures.overlay.note;
    painter.drawText(QRectF(overlayBox.left(), overlayBox.bottom() + mStyle.mm(1.0), side, line),
                     Qt::AlignLeft | Qt::AlignTop,
                     mStyle.elidedText(mStyle.small, overlayCaption, side, Qt::ElideRight));
}

void PartRowBlock::paintBadge(QPainter &painter, const QPointF &topLeft) const
{
    const QString text = verdictName(mPart.verdict).toUpper();
    const qreal line = mStyle.lineHeight(mStyle.smallBold);
    const QRectF badge(topLeft, QSizeF(mStyle.textWidth(mStyle.smallBold, text) + mStyle.mm(3.0), line + mStyle.mm(0.6)));
    painter.setPen(Qt::NoPen);
    painter.setBrush(verdictColour(mStyle, mPart.verdict));
    painter.drawRoundedRect(badge, mStyle.mm(0.8), mStyle.mm(0.8));
    painter.setPen(Qt::white);
    painter.setFont(mStyle.smallBold);
    painter.drawText(badge, Qt::AlignCenter, text);

    painter.setFont(mStyle.small);
    painter.setPen(mStyle.muted);
    QString after = QStringLiteral("Part %1").arg(mPartNumber);
    if (mPart.operatorVerdict == OperatorVerdict::Rejected && mPart.verdict == Verdict::Pass)
        after += QStringLiteral(", rejected by the operator");
    painter.drawText(QRectF(badge.right() + mStyle.mm(2.0), badge.top(), mStyle.mm(60), badge.height()),
                     Qt::AlignLeft | Qt::AlignVCenter, after);
}

void PartRowBlock::paintDetails(QPainter &painter, const QRectF &area) const
{
    const qreal left = area.left() + detailsLeft(area.width());
    const qreal width = area.right() - left;
    qreal y = area.top();
    paintBadge(painter, QPointF(left, y));
    y += mStyle.lineHeight(mStyle.small) + mStyle.mm(1.5);

    const QString name = QFileInfo(mPart.path).fileName();
    const qreal nameHeight = mStyle.textHeight(mStyle.bodyBold, width, name, kPathFlags);
    painter.setFont(mStyle.bodyBold);
    painter.setPen(mStyle.ink);
    painter.drawText(QRectF(left, y, width, nameHeight), kPathFlags, name);
    y += nameHeight + mStyle.mm(1.5);

    const qreal labelWidth = mStyle.mm(kLabelWidthMm);
    const qreal valueWidth = width - labelWidth;
    for (const ReportField &field : fields()) {
        const int flags = field.monospace ? kPathFlags : kFieldFlags;
        const qreal rowHeight = std::max(mStyle.textHeight(fieldFont(field), valueWidth, field.value, flags),
                                         mStyle.lineHeight(mStyle.small));
        painter.setFont(mStyle.small);
        painter.setPen(mStyle.muted);
        painter.drawText(QRectF(left, y, labelWidth, rowHeight), kFieldFlags, field.label);
        const bool isError = field.label == QLatin1String("Error");
        painter.setFont(fieldFont(field));
        painter.setPen(isError ? mStyle.fail : mStyle.ink);
        painter.drawText(QRectF(left + labelWidth, y, valueWidth, rowHeight), flags, field.value);
        y += rowHeight + mStyle.mm(0.6);
    }
}

} // namespace patchead
