#pragma once

#include "ImageCanvas.h"
#include "common/FeatureMap.h"

#include <QRectF>
#include <QVector>

namespace patchead::ui {

// An image with its foreground mask and the user's regions over it. The
// mask is drawn on the patch grid, so each shaded square is one background
// patch. The shading is darker the less a background patch counts. A mouse
// drag draws the region of interest or an ignore region, as the draw mode
// sets. A click selects a region, and Delete or Backspace removes it. Regions are fractions of the image's
// width and height, as MaskSettings stores them, so they fit every image
// size of a lot.
class MaskCanvas : public ImageCanvas {
    Q_OBJECT

public:
    enum class DrawMode { RegionOfInterest, IgnoreRegion };

    explicit MaskCanvas(QWidget *parent = nullptr);

    // Foreground grid (1 = foreground) and the weight background patches
    // keep; an empty grid removes the shading.
    void setMask(const PatchGrid &foreground, double backgroundWeight);
    void setRegions(const QRectF &regionOfInterest, const QVector<QRectF> &ignoreRegions);
    QRectF regionOfInterest() const { return mRegionOfInterest; }
    const QVector<QRectF> &ignoreRegions() const { return mIgnoreRegions; }
    void setDrawMode(DrawMode mode) { mMode = mode; }
    DrawMode drawMode() const { return mMode; }

    // The selected region: -1 for none, 0 for the region of interest, 1 + i
    // for ignore region i.
    int selectedRegion() const { return mSelected; }
    void deleteSelectedRegion();
    QSize sizeHint() const override;

signals:
    // The user drew, deleted or cleared a region.
    void regionsEdited(const QRectF &regionOfInterest, const QVector<QRectF> &ignoreRegions);
    void selectionChanged(int selectedRegion);

protected:
    void paintOverImage(QPainter &painter, const QRect &target) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;

private:
    QPointF toImageFraction(const QPointF &widgetPoint) const;
    QRectF toWidget(const QRectF &fraction) const;
    int regionAt(const QPointF &widgetPoint) const;
    void select(int region);
    void paintRegions(QPainter &painter) const;

    QImage mShade; // one pixel per patch, transparent over the foreground
    QRectF mRegionOfInterest;
    QVector<QRectF> mIgnoreRegions;
    DrawMode mMode = DrawMode::RegionOfInterest;
    int mSelected = -1;
    bool mDragging = false;
    QPointF mDragStart; // fractions of the image
    QPointF mDragEnd;
};

} // namespace patchead::ui
