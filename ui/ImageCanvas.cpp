#include "ImageCanvas.h"

#include <QPainter>

namespace patchead::ui {

ImageCanvas::ImageCanvas(QWidget *parent) : QWidget(parent)
{
    setMinimumSize(160, 120);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    setAttribute(Qt::WA_OpaquePaintEvent);
}

void ImageCanvas::setImage(const QImage &image)
{
    mImage = image;
    mCache = QPixmap();
    update();
}

void ImageCanvas::setPlaceholderText(const QString &text)
{
    mPlaceholder = text;
    update();
}

QSize ImageCanvas::sizeHint() const
{
    return QSize(560, 420);
}

void ImageCanvas::resizeEvent(QResizeEvent *event)
{
    mCache = QPixmap();
    QWidget::resizeEvent(event);
}

QRect ImageCanvas::imageRect() const
{
    if (mImage.isNull())
        return QRect();
    const QSize fitted = mImage.size().scaled(size(), Qt::KeepAspectRatio);
    return QRect(QPoint((width() - fitted.width()) / 2, (height() - fitted.height()) / 2), fitted);
}

void ImageCanvas::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.fillRect(rect(), palette().color(QPalette::Window).darker(115));
    if (mImage.isNull()) {
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(rect().adjusted(12, 12, -12, -12), Qt::AlignCenter | Qt::TextWordWrap, mPlaceholder);
        return;
    }

    const QRect target = imageRect();
    const qreal ratio = devicePixelRatioF();
    const QSize devicePixels = target.size() * ratio;
    if (mCache.isNull() || mCache.size() != devicePixels) {
        mCache = QPixmap::fromImage(mImage.scaled(devicePixels, Qt::IgnoreAspectRatio, Qt::SmoothTransformation));
        mCache.setDevicePixelRatio(ratio);
    }
    painter.drawPixmap(target.topLeft(), mCache);
    paintOverImage(painter, target);
}

void ImageCanvas::paintOverImage(QPainter &, const QRect &)
{
}

} // namespace patchead::ui
