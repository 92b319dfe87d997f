#pragma once

#include <QImage>
#include <QPixmap>
#include <QWidget>

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

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    QRect imageRect() const;

    QImage mImage;
    QPixmap mCache;
    QString mPlaceholder;
};

} // namespace patchead::ui
