#include "MaskCanvas.h"

#include <QApplication>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>

#include <algorithm>

namespace patchead::ui {

namespace {

// Widget pixels a drag must cover on each side to draw a region. Shorter
// drags count as clicks.
constexpr qreal kMinimumRegionSide = 4.0;

} // namespace

MaskCanvas::MaskCanvas(QWidget *parent) : ImageCanvas(parent)
{
    setMinimumSize(200, 150);
    setFocusPolicy(Qt::StrongFocus);
    setCursor(Qt::CrossCursor);
    setToolTip(tr("Drag to draw a region; click a region to select it, then press Delete to remove it"));
}

void MaskCanvas::setMask(const PatchGrid &foreground, double backgroundWeight)
{
    mShade = QImage();
    if (!foreground.isEmpty()) {
        // Background shading from the palette's shadow colour, from faint at
        // weight 1 (the mask changes no score) to dense at weight 0.
        QColor shade = palette().color(QPalette::Shadow);
        shade.setAlphaF(static_cast<float>(0.2 + 0.55 * (1.0 - std::clamp(backgroundWeight, 0.0, 1.0))));
        mShade = QImage(foreground.width, foreground.height, QImage::Format_ARGB32_Premultiplied);
        mShade.fill(Qt::transparent);
        for (int y = 0; y < foreground.height; ++y) {
            for (int x = 0; x < foreground.width; ++x) {
                if (foreground.at(y, x) < 0.5f)
                    mShade.setPixelColor(x, y, shade);
            }
        }
    }
    update();
}

void MaskCanvas::setRegions(const QRectF &regionOfInterest, const QVector<QRectF> &ignoreRegions)
{
    mRegionOfInterest = regionOfInterest;
    mIgnoreRegions = ignoreRegions;
    const bool selectionGone = (mSelected == 0 && regionOfInterest.isEmpty())
                               || mSelected > static_cast<int>(ignoreRegions.size());
    if (selectionGone)
        select(-1);
    update();
}

QSize MaskCanvas::sizeHint() const
{
    return QSize(480, 360);
}

QPointF MaskCanvas::toImageFraction(const QPointF &widgetPoint) const
{
    const QRectF target = imageRect();
    const qreal x = (widgetPoint.x() - target.left()) / target.width();
    const qreal y = (widgetPoint.y() - target.top()) / target.height();
    return QPointF(std::clamp(x, 0.0, 1.0), std::clamp(y, 0.0, 1.0));
}

QRectF MaskCanvas::toWidget(const QRectF &fraction) const
{
    const QRectF target = imageRect();
    return QRectF(target.left() + fraction.left() * target.width(), target.top() + fraction.top() * target.height(),
                  fraction.width() * target.width(), fraction.height() * target.height());
}

int MaskCanvas::regionAt(const QPointF &widgetPoint) const
{
    // Ignore regions are drawn last, so they are hit first, newest first.
    for (int i = static_cast<int>(mIgnoreRegions.size()) - 1; i >= 0; --i) {
        if (toWidget(mIgnoreRegions[i]).contains(widgetPoint))
            return 1 + i;
    }
    if (!mRegionOfInterest.isEmpty() && toWidget(mRegionOfInterest).contains(widgetPoint))
        return 0;
    return -1;
}

void MaskCanvas::select(int region)
{
    if (region == mSelected)
        return;
    mSelected = region;
    update();
    emit selectionChanged(region);
}

void MaskCanvas::deleteSelectedRegion()
{
    if (mSelected < 0)
        return;
    if (mSelected == 0)
        mRegionOfInterest = QRectF();
    else
        mIgnoreRegions.removeAt(mSelected - 1);
    select(-1);
    emit regionsEdited(mRegionOfInterest, mIgnoreRegions);
}

void MaskCanvas::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton || image().isNull() || !imageRect().contains(event->position().toPoint())) {
        ImageCanvas::mousePressEvent(event);
        return;
    }
    mDragging = true;
    mDragStart = toImageFraction(event->position());
    mDragEnd = mDragStart;
    update();
}

void MaskCanvas::mouseMoveEvent(QMouseEvent *event)
{
    if (!mDragging)
        return;
    mDragEnd = toImageFraction(event->position());
    update();
}

void MaskCanvas::mouseReleaseEvent(QMouseEvent *event)
{
    if (!mDragging || event->button() != Qt::LeftButton)
        return;
    mDragging = false;
    mDragEnd = toImageFraction(event->position());
    const QRectF drawn = QRectF(mDragStart, mDragEnd).normalized();
    const QRectF drawnOnScreen = toWidget(drawn);
    if (drawnOnScreen.width() < kMinimumRegionSide || drawnOnScreen.height() < kMinimumRegionSide) {
        select(regionAt(event->position()));
        update();
        return;
    }
    if (mMode == DrawMode::RegionOfInterest) {
        mRegionOfInterest = drawn;
        select(0);
    } else {
        mIgnoreRegions.append(drawn);
        select(static_cast<int>(mIgnoreRegions.size()));
    }
    update();
    emit regionsEdited(mRegionOfInterest, mIgnoreRegions);
}

void MaskCanvas::keyPressEvent(QKeyEvent *event)
{
    if ((event->key() == Qt::Key_Delete || event->key() == Qt::Key_Backspace) && mSelected >= 0) {
        deleteSelectedRegion();
        return;
    }
    if (event->key() == Qt::Key_Escape && mDragging) {
        mDragging = false;
        update();
        return;
    }
    ImageCanvas::keyPressEvent(event);
}

void MaskCanvas::paintOverImage(QPainter &painter, const QRect &target)
{
    // Unsmoothed, so every patch stays a visible square.
    if (!mShade.isNull())
        painter.drawImage(target, mShade);
    paintRegions(painter);
}

void MaskCanvas::paintRegions(QPainter &painter) const
{
    painter.setRenderHint(QPainter::Antialiasing);
    const QColor accent = palette().color(QPalette::Highlight);
    auto penFor = [&](int region, Qt::PenStyle style) {
        QPen pen(accent, region == mSelected ? 3.0 : 2.0, style);
        pen.setCosmetic(true);
        return pen;
    };

    if (!mRegionOfInterest.isEmpty()) {
        painter.setPen(penFor(0, Qt::SolidLine));
        painter.setBrush(Qt::NoBrush);
        painter.drawRect(toWidget(mRegionOfInterest));
    }
    for (int i = 0; i < mIgnoreRegions.size(); ++i) {
        // Hatched, so ignore regions differ from the region of interest by
        // pattern and not by colour alone.
        painter.setPen(penFor(1 + i, Qt::DashLine));
        painter.setBrush(QBrush(accent, Qt::BDiagPattern));
        painter.drawRect(toWidget(mIgnoreRegions[i]));
    }
    if (mDragging) {
        QPen rubberBand(palette().color(QPalette::HighlightedText), 1.0, Qt::DashLine);
        rubberBand.setCosmetic(true);
        painter.setPen(rubberBand);
        painter.setBrush(Qt::NoBrush);
        painter.drawRect(toWidget(QRectF(mDragStart, mDragEnd).normalized()));
    }
}

} // namespace patchead::ui
