#pragma once

#include "inspection/InspectionSettings.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QSpinBox;

namespace patchead::ui {

class MaskSettingsGroup;
class ZeroShotSettingsGroup;

// The encoder and every scoring setting in one form: encoder manifest,
// device, resolution, aspect rule, layers, shots, neighbourhood, image score
// rule, top fraction, map sigma, alignment, batch zero-shot, foreground mask,
// threshold rule and optional fixed thresholds, and the operator's name.
// Values are remembered with QSettings; each lot stores the settings it was
// inspected with.
class SettingsPanel : public QWidget {
    Q_OBJECT

public:
    explicit SettingsPanel(QWidget *parent = nullptr);

    // The settings in the form. Throws SettingsError naming the first value
    // out of range.
    InspectionSettings settings() const;
    QString manifestPath() const;
    void setManifestPath(const QString &path);
    QString device() const;
    QString operatorName() const;
    // Returns the first `shots` of `paths`, or all of them when shots is 0.
    QStringList referencesForShots(const QStringList &paths) const;
    // Returns the references to send with a run: referencesForShots, or
    // none for a zero-shot lot whose references do not join the batch.
    QStringList referencesForRun(const QStringList &paths) const;
    // Replaces the mask's region of interest and ignore regions (fractions
    // of the image) and emits settingsChanged().
    void setMaskRegions(const QRectF &regionOfInterest, const QVector<QRectF> &ignoreRegions);
    // Whether the manifest could be read; false also when the file is missing.
    bool hasValidManifest() const { return mManifestValid; }

    QLineEdit *manifestEdit() const { return mManifest; }
    QDoubleSpinBox *rejectMarginSpin() const { return mRejectMargin; }
    QGroupBox *fixedThresholdGroup() const { return mFixedGroup; }
    QDoubleSpinBox *fixedRejectSpin() const { return mFixedReject; }
    QDoubleSpinBox *fixedReviewSpin() const { return mFixedReview; }
    QSpinBox *resolutionSpin() const { return mResolution; }
    QCheckBox *keepAspectBox() const { return mKeepAspect; }
    QSpinBox *shotsSpin() const { return mShots; }
    QListWidget *layerList() const { return mLayers; }
    QCheckBox *defaultLayersBox() const { return mDefaultLayersBox; }
    QComboBox *alignmentBox() const { return mAlignment; }
    QComboBox *rotationStepBox() const { return mRotationStep; }
    QCheckBox *flipsBox() const { return mFlips; }
    MaskSettingsGroup *maskGroup() const { return mMaskGroup; }
    ZeroShotSettingsGroup *zeroShotGroup() const { return mZeroShotGroup; }

signals:
    // Any value changed; emitted after it was saved.
    void settingsChanged();

private:
    QWidget *createEncoderGroup();
    QWidget *createScoringGroup();
    QWidget *createThresholdGroup();
    void load();
    void save() const;
    void browseManifest();
    void loadManifest();
    void updateRuleText();
    void onChanged();
    QStringList checkedLayers() const;

    bool mLoading = false;
    bool mManifestValid = false;
    QStringList mDefaultLayers;

    QLineEdit *mManifest;
    QLabel *mEncoderInfo;
    QComboBox *mDevice;
    QSpinBox *mResolution;
    QCheckBox *mKeepAspect;
    QCheckBox *mDefaultLayersBox;
    QListWidget *mLayers;
    QSpinBox *mNeighbourhood;
    QComboBox *mScoreRule;
    QDoubleSpinBox *mTopFraction;
    QDoubleSpinBox *mSigma;
    QComboBox *mAlignment;
    QComboBox *mRotationStep;
    QCheckBox *mFlips;
    QSpinBox *mShots;
    ZeroShotSettingsGroup *mZeroShotGroup;
    MaskSettingsGroup *mMaskGroup;
    QDoubleSpinBox *mReviewQuantile;
    QDoubleSpinBox *mRejectMargin;
    QGroupBox *mFixedGroup;
    QDoubleSpinBox *mFixedReject;
    QDoubleSpinBox *mFixedReview;
    QLabel *mRule;
    QLineEdit *mOperator;
};

} // namespace patchead::ui
