#pragma once

#include <QColor>
#include <QFont>
#include <QRectF>
#include <QString>
#include <QVector>

#include <memory>
#include <vector>

class QPainter;
class QPaintDevice;

namespace patchead {

// Fonts, colours and units of the PDF report. Lengths are in device pixels
// of the paint device (300 per inch on the report's QPdfWriter), and mm()
// converts from millimetres so that layouts read in print units.
struct ReportStyle {
    explicit ReportStyle(QPaintDevice *device);

    qreal mm(qreal millimetres) const { return millimetres * mDotsPerMm; }

    // Height of `text` set in `font` and wrapped to `width` with the
    // QPainter::drawText `flags` that paint it.
    qreal textHeight(const QFont &font, qreal width, const QString &text, int flags) const;
    qreal lineHeight(const QFont &font) const;
    qreal textWidth(const QFont &font, const QString &text) const;
    QString elidedText(const QFont &font, const QString &text, qreal width, Qt::TextElideMode mode) const;

    QPaintDevice *device = nullptr;
    QFont title;
    QFont heading;
    QFont body;
    QFont bodyBold;
    QFont small;
    QFont smallBold;
    QFont mono;

    QColor ink{0x1f, 0x23, 0x28};
    QColor muted{0x5f, 0x66, 0x6d};
    QColor rule{0xc8, 0xcd, 0xd2};
    QColor panel{0xf3, 0xf5, 0xf7};
    QColor accent{0x1d, 0x4e, 0x89};
    QColor pass{0x2e, 0x7d, 0x32};
    QColor review{0xe0, 0x8a, 0x00};
    QColor fail{0xc6, 0x28, 0x28};
    QColor error{0x6d, 0x4c, 0x41};

private:
    qreal mDotsPerMm = 1.0;
};

// One vertical piece of the report that is never split across pages: a
// heading, a key/value grid, the histogram, one part's row, one table row.
class ReportBlock {
public:
    virtual ~ReportBlock() = default;

    // Height the block needs at the given width, in device pixels. Called
    // before painting, so it must not depend on the page the block lands on.
    virtual qreal height(qreal width) const = 0;
    virtual void paint(QPainter &painter, const QRectF &area) const = 0;

    // A heading that stays on the page of the block after it.
    bool keepWithNext = false;
    // Starts a new page unless the current page is still empty.
    bool pageBreakBefore = false;
    // Follows the previous block without the usual spacing, as table rows do.
    bool joinsPrevious = false;
    // Painted again at the top of a page when this block moves there because
    // the previous page is full, such as a table's column header.
    std::shared_ptr<const ReportBlock> continuationHeader;
};

using ReportBlocks = std::vector<std::shared_ptr<const ReportBlock>>;

// A block with the rectangle it is painted in.
struct PlacedBlock {
    const ReportBlock *block = nullptr;
    QRectF area;
};

using ReportPage = QVector<PlacedBlock>;

// Places the blocks top to bottom on pages whose printable body is `body`,
// `spacing` apart. A block taller than a whole page is placed alone on its
// page and painted past the bottom margin, because blocks are never split.
QVector<ReportPage> paginateBlocks(const ReportBlocks &blocks, const QRectF &body, qreal spacing);

// Running header and footer text of every page.
struct ReportPageFrame {
    QString headerLeft;  // report title and lot name
    QString headerRight; // program name and version
    QString footerLeft;  // generation timestamp (UTC)
};

// Paints the header rule and text above `body` and the footer with
// "Page N of M" below it, inside the page margins.
void paintPageFrame(QPainter &painter, const ReportStyle &style, const QRectF &body,
                    const ReportPageFrame &frame, int pageNumber, int pageCount);

} // namespace patchead
