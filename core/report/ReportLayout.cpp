#include "report/ReportLayout.h"

#include "common/Logging.h"

#include <QFontMetricsF>
#include <QPaintDevice>
#include <QPainter>

namespace patchead {

namespace {

QFont reportFont(qreal points, QFont::Weight weight = QFont::Normal)
{
    // Debian installs DejaVu Sans with fontconfig; the other families cover
    // systems without it. QPdfWriter embeds the subset of glyphs used.
    QFont font;
    font.setFamilies({QStringLiteral("DejaVu Sans"), QStringLiteral("Liberation Sans"), QStringLiteral("Arial")});
    font.setStyleHint(QFont::SansSerif);
    // No ligatures, so that text copied or searched in the PDF reads "fl"
    // and "fi" rather than single ligature characters.
    font.setStyleStrategy(QFont::PreferNoShaping);
    font.setPointSizeF(points);
    font.setWeight(weight);
    return font;
}

QFont monoFont(qreal points)
{
    QFont font;
    font.setFamilies({QStringLiteral("DejaVu Sans Mono"), QStringLiteral("Liberation Mono"), QStringLiteral("Courier New")});
    font.setStyleHint(QFont::Monospace);
    font.setStyleStrategy(QFont::PreferNoShaping);
    font.setPointSizeF(points);
    return font;
}

qreal spacingAbove(const ReportBlock &block, qreal spacing)
{
    return block.joinsPrevious ? 0.0 : spacing;
}

// Total height of `blocks[first]` and the blocks it keeps on its page.
qreal keptHeight(const ReportBlocks &blocks, std::size_t first, qreal width, qreal spacing)
{
    qreal total = blocks[first]->height(width);
    for (std::size_t i = first; i + 1 < blocks.size() && blocks[i]->keepWithNext; ++i)
        total += spacingAbove(*blocks[i + 1], spacing) + blocks[i + 1]->height(width);
    return total;
}

} // namespace

ReportStyle::ReportStyle(QPaintDevice *paintDevice)
    : device(paintDevice),
      title(reportFont(17.0, QFont::Bold)),
      heading(reportFont(11.5, QFont::Bold)),
      body(reportFont(9.0)),
      bodyBold(reportFont(9.0, QFont::Bold)),
      small(reportFont(7.5)),
      smallBold(reportFont(7.5, QFont::Bold)),
      mono(monoFont(7.5)),
      mDotsPerMm(paintDevice->logicalDpiY() / 25.4)
{
}

qreal ReportStyle::textHeight(const QFont &font, qreal width, const QString &text, int flags) const
{
    if (text.isEmpty())
        return lineHeight(font);
    const QFontMetricsF metrics(font, device);
    return metrics.boundingRect(QRectF(0, 0, width, 1e7), flags, text).height();
}

qreal ReportStyle::lineHeight(const QFont &font) const
{
    return QFontMetricsF(font, device).height();
}

qreal ReportStyle::textWidth(const QFont &font, const QString &text) const
{
    return QFontMetricsF(font, device).horizontalAdvance(text);
}

QString ReportStyle::elidedText(const QFont &font, const QString &text, qreal width, Qt::TextElideMode mode) const
{
    return QFontMetricsF(font, device).elidedText(text, mode, width);
}

QVector<ReportPage> paginateBlocks(const ReportBlocks &blocks, const QRectF &body, qreal spacing)
{
    QVector<ReportPage> pages(1);
    qreal y = body.top();
    const ReportBlock *previous = nullptr;

    auto place = [&](const ReportBlock *block) {
        const qreal height = block->height(body.width());
        if (!pages.last().isEmpty())
            y += spacingAbove(*block, spacing);
        pages.last().append({block, QRectF(body.left(), y, body.width(), height)});
        y += height;
        previous = block;
    };
    auto newPage = [&]() {
        pages.append(ReportPage());
        y = body.top();
    };

    for (std::size_t i = 0; i < blocks.size(); ++i) {
        const ReportBlock *block = blocks[i].get();
        const bool pageEmpty = pages.last().isEmpty();
        if (block->pageBreakBefore && !pageEmpty) {
            newPage();
        } else if (!pageEmpty) {
            const qreal needed = spacingAbove(*block, spacing) + keptHeight(blocks, i, body.width(), spacing);
            if (y + needed > body.bottom()) {
                newPage();
                // A header that travelled along with a kept heading is placed
                // already; repeat it only when its block moved on its own.
                if (block->continuationHeader && previous != block->continuationHeader.get())
                    place(block->continuationHeader.get());
            }
        }
        if (pages.last().isEmpty() && block->height(body.width()) > body.height())
            qCWarning(lcReport) << "A report block of" << block->height(body.width())
                                << "pixels is taller than the page body; it runs into the bottom margin.";
        place(block);
    }
    return pages;
}

void paintPageFrame(QPainter &painter, const ReportStyle &style, const QRectF &body,
                    const ReportPageFrame &frame, int pageNumber, int pageCount)
{
    painter.save();
    const qreal gap = style.mm(3.0);
    const qreal headerLine = style.lineHeight(style.small);

    painter.setPen(QPen(style.rule, style.mm(0.25)));
    const qreal headerRuleY = body.top() - gap;
    const qreal footerRuleY = body.bottom() + gap;
    painter.drawLine(QPointF(body.left(), headerRuleY), QPointF(body.right(), headerRuleY));
    painter.drawLine(QPointF(body.left(), footerRuleY), QPointF(body.right(), footerRuleY));

    painter.setFont(style.small);
    painter.setPen(style.muted);
    const QRectF header(body.left(), headerRuleY - style.mm(1.0) - headerLine, body.width(), headerLine);
    const QRectF footer(body.left(), footerRuleY + style.mm(1.0), body.width(), headerLine);
    const qreal half = body.width() / 2.0;
    painter.drawText(header, Qt::AlignLeft | Qt::AlignBottom,
                     style.elidedText(style.small, frame.headerLeft, half * 1.4, Qt::ElideRight));
    painter.drawText(header, Qt::AlignRight | Qt::AlignBottom, frame.headerRight);
    painter.drawText(footer, Qt::AlignLeft | Qt::AlignTop, frame.footerLeft);
    painter.drawText(footer, Qt::AlignRight | Qt::AlignTop,
                     QStringLiteral("Page %1 of %2").arg(pageNumber).arg(pageCount));
    painter.restore();
}

} // namespace patchead
