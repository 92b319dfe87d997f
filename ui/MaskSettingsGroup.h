#pragma once

#include "scoring/ForegroundMask.h"

#include <QGroupBox>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSettings;
class QSlider;

namespace patchead::ui {

// The foreground mask settings of the settings panel. The mask source, the
// PCA and attention thresholds and the background weight are on sliders,
// which the mask preview follows while they move. Below them are the mask
// image and a summary of the regions drawn on the mask preview, with a
// button that clears them.
class MaskSettingsGroup : public QGroupBox {
    Q_OBJECT

public:
    explicit MaskSettingsGroup(QWidget *parent = nullptr);

    MaskSettings mask() const;
    // Shows these settings without emitting changed().
    void setMask(const MaskSettings &mask);
    // Replaces the drawn regions and emits changed(). Drawing a region while
    // the source is None switches it to Region, as --roi does on the command line.
    void setRegions(const QRectF &regionOfInterest, const QVector<QRectF> &ignoreRegions);
    // Offers the attention source only for encoders with an attention output.
    void setAttentionAvailable(bool available);

    void load(const QSettings &stored, const QString &prefix);
    void save(QSettings &stored, const QString &prefix) const;

    QComboBox *sourceBox() const { return mSource; }
    QSlider *pcaThresholdSlider() const { return mPcaThreshold; }
    QSlider *attentionThresholdSlider() const { return mAttentionThreshold; }
    QSlider *backgroundWeightSlider() const { return mBackgroundWeight; }
    QLineEdit *maskImageEdit() const { return mMaskImage; }
    QPushButton *clearRegionsButton() const { return mClearRegions; }
    QLabel *regionsLabel() const { return mRegionsLabel; }

signals:
    void changed();

private:
    QWidget *createSliderRow(QSlider *slider, QLabel *value);
    void browseMaskImage();
    void updateLabels();
    void updateEnabled();
    void onChanged();

    QComboBox *mSource;
    QSlider *mPcaThreshold;
    QLabel *mPcaValue;
    QSlider *mAttentionThreshold;
    QLabel *mAttentionValue;
    QSlider *mBackgroundWeight;
    QLabel *mBackgroundValue;
    QLineEdit *mMaskImage;
    QLabel *mRegionsLabel;
    QPushButton *mClearRegions;
    QRectF mRegionOfInterest;
    QVector<QRectF> mIgnoreRegions;
    bool mAttentionAvailable = true;
    bool mUpdating = false;
};

} // namespace patchead::ui
