#pragma once

#include "report/LotReportData.h"
#include "report/ReportImages.h"
#include "report/ReportLayout.h"

namespace patchead {

class LotStore;

// One part of the report: its image, its heatmap overlay and its scores and
// verdicts beside them. The pictures and the anomaly map are loaded only
// while the row is painted, so a report of many parts keeps one part's
// pixels in memory at a time.
class PartRowBlock : public ReportBlock {
public:
    PartRowBlock(const ReportStyle &style, const LotStore &store, PartRecord part, int partNumber,
                 const HeatmapRendering &rendering, int maxImageSide);
    qreal height(qreal width) const override;
    void paint(QPainter &painter, const QRectF &area) const override;

private:
    QVector<ReportField> fields() const;
    const QFont &fieldFont(const ReportField &field) const;
    qreal pictureSide() const;
    qreal detailsLeft(qreal width) const;
    qreal detailsHeight(qreal width) const;
    qreal fieldsHeight(qreal width) const;
    void paintPictures(QPainter &painter, const QRectF &area) const;
    void paintDetails(QPainter &painter, const QRectF &area) const;
    void paintBadge(QPainter &painter, const QPointF &topLeft) const;

    const ReportStyle &mStyle;
    const LotStore &mStore;
    PartRecord mPart; // without its anomaly map
    int mPartNumber = 0;
    HeatmapRendering mRendering;
    int mMaxImageSide = 600;
};

} // namespace patchead
