#pragma once

#include "report/LotReportData.h"
#include "report/ReportLayout.h"

#include <QImage>
#include <QStringList>
#include <QVector>

namespace patchead {

// The report title with the lot name under it and a coloured rule.
class TitleBlock : public ReportBlock {
public:
    TitleBlock(const ReportStyle &style, QString title, QString subtitle);
    qreal height(qreal width) const override;
    void paint(QPainter &painter, const QRectF &area) const override;

private:
    const ReportStyle &mStyle;
    QString mTitle;
    QString mSubtitle;
};

// A section heading; it stays on the page of the block after it.
class HeadingBlock : public ReportBlock {
public:
    HeadingBlock(const ReportStyle &style, QString text);
    qreal height(qreal width) const override;
    void paint(QPainter &painter, const QRectF &area) const override;

private:
    const ReportStyle &mStyle;
    QString mText;
};

// Wrapped text in one font and colour.
class ParagraphBlock : public ReportBlock {
public:
    ParagraphBlock(const ReportStyle &style, QString text, QFont font, QColor colour);
    qreal height(qreal width) const override;
    void paint(QPainter &painter, const QRectF &area) const override;

private:
    const ReportStyle &mStyle;
    QString mText;
    QFont mFont;
    QColor mColour;
};

// Labels in a fixed-width left column, wrapped values beside them.
class FieldGridBlock : public ReportBlock {
public:
    FieldGridBlock(const ReportStyle &style, QVector<ReportField> fields, qreal labelWidthMm);
    qreal height(qreal width) const override;
    void paint(QPainter &painter, const QRectF &area) const override;

private:
    qreal rowHeight(const ReportField &field, qreal valueWidth) const;
    const QFont &valueFont(const ReportField &field) const;

    const ReportStyle &mStyle;
    QVector<ReportField> mFields;
    qreal mLabelWidth = 0.0;
};

// Tiles with the part count per automatic verdict.
class VerdictCountsBlock : public ReportBlock {
public:
    VerdictCountsBlock(const ReportStyle &style, const LotCounts &counts);
    qreal height(qreal width) const override;
    void paint(QPainter &painter, const QRectF &area) const override;

private:
    const ReportStyle &mStyle;
    LotCounts mCounts;
};

// One column of a TableRowBlock.
struct TableColumn {
    qreal fraction = 0.1;                 // of the table width
    Qt::Alignment alignment = Qt::AlignLeft;
    bool wrap = false;                    // wrap long text; otherwise elide in the middle
};

// One row of a table; header rows are bold on a tinted band.
class TableRowBlock : public ReportBlock {
public:
    TableRowBlock(const ReportStyle &style, QVector<TableColumn> columns, QStringList cells, bool header,
                  bool shaded = false, QColor accent = QColor());
    qreal height(qreal width) const override;
    void paint(QPainter &painter, const QRectF &area) const override;

private:
    const QFont &font() const;
    QRectF cellRect(const QRectF &row, int column) const;

    const ReportStyle &mStyle;
    QVector<TableColumn> mColumns;
    QStringList mCells;
    bool mHeader = false;
    bool mShaded = false;
    QColor mAccent; // colour of the last cell's text (the verdict), invalid for ink
};

// One row of reference thumbnails with file name and leave-one-out score;
// a missing file gets a framed note in place of its thumbnail.
class ReferenceStripBlock : public ReportBlock {
public:
    static constexpr int kPerRow = 6;
    ReferenceStripBlock(const ReportStyle &style, QVector<ReferenceRecord> references);
    qreal height(qreal width) const override;
    void paint(QPainter &painter, const QRectF &area) const override;

private:
    qreal cellWidth(qreal width) const;

    const ReportStyle &mStyle;
    QVector<ReferenceRecord> mReferences;
};

// The heatmap colour scale from score 0 to twice the reject threshold, with
// the reject threshold marked at the middle.
class ColourScaleBlock : public ReportBlock {
public:
    ColourScaleBlock(const ReportStyle &style, double rejectThreshold);
    qreal height(qreal width) const override;
    void paint(QPainter &painter, const QRectF &area) const override;

private:
    const ReportStyle &mStyle;
    double mRejectThreshold = 0.0;
};

// Colour of a verdict in badges, tables and the histogram.
QColor verdictColour(const ReportStyle &style, Verdict verdict);

// Draws `image` scaled into `box` keeping its aspect ratio, centred, with a
// thin frame; a null image gets a grey panel with `note` in it.
void paintPictureBox(QPainter &painter, const ReportStyle &style, const QRectF &box, const QImage &image,
                     const QString &note);

} // namespace patchead
