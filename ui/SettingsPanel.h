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

// The encoder and every scoring setting in one form: encoder manifest,
// device, resolution, layers, neighbourhood, image score rule, top fraction,
// map sigma, alignment, threshold rule and optional fixed thresholds, and
// the operator's name. Values are remembered with QSettings; each lot
// stores the settings it was inspected with.
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
    // Whether the manifest could be read; false also when the file is missing.
    bool hasValidManifest() const { return mManifestValid; }

    QLineEdit *manifestEdit() const { return mManifest; }
    QDoubleSpinBox *rejectMarginSpin() const { return mRejectMargin; }
    QGroupBox *fixedThresholdGroup() const { return mFixedGroup; }
    QDoubleSpinBox *fixedRejectSpin() const { return mFixedReject; }
    QDoubleSpinBox *fixedReviewSpin() const { return mFixedReview; }

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
    QCheckBox *mZeroShot;
    QDoubleSpinBox *mReviewQuantile;
    QDoubleSpinBox *mRejectMargin;
    QGroupBox *mFixedGroup;
    QDoubleSpinBox *mFixedReject;
    QDoubleSpinBox *mFixedReview;
    QLabel *mRule;
    QLineEdit *mOperator;
};

} // namespace patchead::ui
