#pragma once

#include "inspection/InspectionSettings.h"

#include <QGroupBox>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QSettings;

namespace patchead::ui {

// The batch zero-shot settings of the settings panel, in a checkable group.
// It sets the mutual scoring rule (MuSc's smallest-fraction mean or the
// pooled quantile variant) and its parameter, the neighbourhood sizes whose
// scores are averaged (1, 3 and 5 patches), and whether the references join
// the batch.
class ZeroShotSettingsGroup : public QGroupBox {
    Q_OBJECT

public:
    explicit ZeroShotSettingsGroup(QWidget *parent = nullptr);

    // Writes the values into `zeroShot`. Throws SettingsError when zero-shot
    // is on and no neighbourhood size is chosen.
    void apply(ZeroShotSettings &zeroShot) const;
    // Whether the references are sent with a zero-shot lot, where they join
    // the batch as members that are compared against but never scored.
    bool referencesJoinBatch() const;

    void load(const QSettings &stored, const QString &prefix);
    void save(QSettings &stored, const QString &prefix) const;

    QComboBox *ruleBox() const { return mRule; }
    QDoubleSpinBox *fractionSpin() const { return mFraction; }
    QDoubleSpinBox *quantileSpin() const { return mQuantile; }
    QCheckBox *neighbourhoodBox(int size) const;
    QCheckBox *referencesBox() const { return mReferences; }

signals:
    void changed();

private:
    void updateEnabled();

    QComboBox *mRule;
    QDoubleSpinBox *mFraction;
    QDoubleSpinBox *mQuantile;
    QVector<QCheckBox *> mNeighbourhoods; // sizes 1, 3 and 5
    QCheckBox *mReferences;
};

} // namespace patchead::ui
