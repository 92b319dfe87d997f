#pragma once

#include "HeatmapRenderer.h"

#include <QWidget>

class QAction;
class QLabel;
class QSlider;
class QTimer;

namespace patchead::ui {

class ImageCanvas;
class LotDocument;

// One part under review: its image with the heatmap over it (coloured on
// the lot's scale, so 0.5 of the colour map is the reject threshold), the
// raw and normalised score, the automatic verdict and the operator's
// decision. The heatmap opacity is adjustable, and the image is loaded and
// the map rendered off the GUI thread.
class PartReviewView : public QWidget {
    Q_OBJECT

public:
    explicit PartReviewView(LotDocument *document, QWidget *parent = nullptr);

    // Shows a part of the open lot; 0 clears the view.
    void showPart(qint64 partId);
    qint64 partId() const { return mPartId; }
    // Adds buttons for review actions (previous, next, accept, reject).
    void setReviewActions(const QList<QAction *> &actions);

    // Heatmap opacity in [0, 1].
    double opacity() const;
    void setOpacity(double opacity);

    QSlider *opacitySlider() const { return mOpacity; }
    ImageCanvas *canvas() const { return mCanvas; }
    QLabel *scoreLabel() const { return mScore; }
    QLabel *normalisedLabel() const { return mNormalised; }
    QLabel *verdictLabel() const { return mVerdict; }
    QLabel *operatorLabel() const { return mOperator; }

signals:
    // The composite image of a part is on screen (also after an opacity
    // or threshold change).
    void frameShown(qint64 partId);

private:
    QWidget *createInfoPanel();
    void updateLabels();
    void onFrameRendered(const HeatmapFrame &frame);
    void recolour();
    void composeImage();
    void onPartChanged(int row);

    LotDocument *mDocument;
    HeatmapRenderer mRenderer;
    qint64 mPartId = 0;
    HeatmapFrame mFrame;
    cv::Mat mColoured;
    QTimer *mRecolourTimer;

    QLabel *mTitle;
    ImageCanvas *mCanvas;
    QSlider *mOpacity;
    QLabel *mOpacityValue;
    QLabel *mScore;
    QLabel *mNormalised;
    QLabel *mVerdict;
    QLabel *mOperator;
    QLabel *mMessage;
    QWidget *mActionRow;
};

} // namespace patchead::ui
