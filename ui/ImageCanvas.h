#pragma once

#include <QImage>
#include <QPixmap>
#include <QWidget>

class QPainter;

namespace patchead::ui {

// Paints one image scaled to fit, centred, with its aspect ratio kept.
// The scaled pixmap is cached per widget size and device-pixel ratio, so
// it stays sharp on high-DPI screens and repaints cost a blit.
class ImageCanvas : public QWidget {
    Q_OBJECT

public:
    explicit ImageCanvas(QWidget *parent = nullptr);

    void setImage(const QImage &image);
    const QImage &image() const { return mImage; }
    // Text shown in place of an image.
    void setPlaceholderText(const QString &text);

    QSize sizeHint() const override;
    // Widget rectangle of the image as painted; empty without an image.
    QRect imageRect() const;

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    // Paints over the image after it is drawn into `target`; the default
    // paints nothing.
    virtual void paintOverImage(QPainter &painter, const QRect &target);

private:
    QImage mImage;
    QPixmap mCache;
    QString mPlaceholder;
};

} // namespace patchead::ui
