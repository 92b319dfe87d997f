#include "ZeroShotSettingsGroup.h"

#include "common/Error.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QSettings>

namespace patchead::ui {

namespace {

const QVector<int> kNeighbourhoodSizes{1, 3, 5};

QDoubleSpinBox *percentSpin(QWidget *parent, double minimum, double maximum, int decimals, double step)
{
    auto *spin = new QDoubleSpinBox(parent);
    spin->setRange(minimum, maximum);
    spin->setDecimals(decimals);
    spin->setSingleStep(step);
    spin->setSuffix(QStringLiteral(" %"));
    return spin;
}

} // namespace

ZeroShotSettingsGroup::ZeroShotSettingsGroup(QWidget *parent)
    : QGroupBox(tr("Batch zero-shot: score parts against each other"), parent),
      mRule(new QComboBox(this)),
      mFraction(percentSpin(this, 1.0, 100.0, 1, 5.0)),
      mQuantile(percentSpin(this, 0.01, 100.0, 2, 0.05)),
      mReferences(new QCheckBox(tr("References join the batch"), this))
{
    setCheckable(true);
    setToolTip(tr("Scores every part against the other parts of its lot, so a lot can be inspected without "
                  "references; thresholds then come from the lot's own scores"));
    auto *form = new QFormLayout(this);
    mRule->addItem(tr("Mean of the smallest distances to the other parts (MuSc)"),
                   mutualScoringRuleName(MutualScoringRule::SmallestFractionMean));
    mRule->addItem(tr("Mean below a quantile of the pooled distances"),
                   mutualScoringRuleName(MutualScoringRule::PooledQuantileMean));
    form->addRow(tr("Rule:"), mRule);
    mFraction->setToolTip(tr("Share of the other parts whose nearest-patch distances are averaged (MuSc: 30 %)"));
    form->addRow(tr("Smallest fraction:"), mFraction);
    mQuantile->setToolTip(tr("Quantile of the pooled distances at or below which they are averaged "
                             "(AnomalyDINO: 0.1 %)"));
    form->addRow(tr("Pooled quantile:"), mQuantile);

    auto *sizes = new QHBoxLayout;
    for (int size : kNeighbourhoodSizes) {
        auto *box = new QCheckBox(tr("%1 × %1").arg(size), this);
        box->setToolTip(tr("Score with patch features averaged over %1 × %1 neighbours; the scores of every "
                           "chosen size are averaged. Each size keeps its own copy of the lot's features.").arg(size));
        sizes->addWidget(box);
        mNeighbourhoods.append(box);
        connect(box, &QCheckBox::toggled, this, &ZeroShotSettingsGroup::changed);
    }
    sizes->addStretch(1);
    form->addRow(tr("Neighbourhoods:"), sizes);
    mReferences->setToolTip(tr("Send the good samples with a zero-shot lot: they are compared against but never "
                               "scored"));
    form->addRow(QString(), mReferences);

    connect(this, &QGroupBox::toggled, this, &ZeroShotSettingsGroup::changed);
    connect(mRule, &QComboBox::currentIndexChanged, this, [this] {
        updateEnabled();
        emit changed();
    });
    connect(mFraction, &QDoubleSpinBox::valueChanged, this, &ZeroShotSettingsGroup::changed);
    connect(mQuantile, &QDoubleSpinBox::valueChanged, this, &ZeroShotSettingsGroup::changed);
    connect(mReferences, &QCheckBox::toggled, this, &ZeroShotSettingsGroup::changed);
}

QCheckBox *ZeroShotSettingsGroup::neighbourhoodBox(int size) const
{
    const int index = kNeighbourhoodSizes.indexOf(size);
    return index >= 0 ? mNeighbourhoods[index] : nullptr;
}

void ZeroShotSettingsGroup::apply(ZeroShotSettings &zeroShot) const
{
    zeroShot.enabled = isChecked();
    zeroShot.scoring.rule = mutualScoringRuleFromName(mRule->currentData().toString());
    zeroShot.scoring.smallestFraction = mFraction->value() / 100.0;
    zeroShot.scoring.pooledQuantile = mQuantile->value() / 100.0;
    zeroShot.neighbourhoods.clear();
    for (int i = 0; i < kNeighbourhoodSizes.size(); ++i) {
        if (mNeighbourhoods[i]->isChecked())
            zeroShot.neighbourhoods.append(kNeighbourhoodSizes[i]);
    }
    if (zeroShot.neighbourhoods.isEmpty() && isChecked())
        throw SettingsError(tr("Choose at least one zero-shot neighbourhood size (1 × 1, 3 × 3 or 5 × 5)."));
    if (zeroShot.neighbourhoods.isEmpty())
        zeroShot.neighbourhoods = ZeroShotSettings().neighbourhoods; // unused while zero-shot is off
}

bool ZeroShotSettingsGroup::referencesJoinBatch() const
{
    return mReferences->isChecked();
}

void ZeroShotSettingsGroup::load(const QSettings &stored, const QString &prefix)
{
    const QSignalBlocker blocker(this);
    const ZeroShotSettings defaults;
    setChecked(stored.value(prefix + QStringLiteral("zeroShot"), defaults.enabled).toBool());
    const int rule = mRule->findData(stored.value(prefix + QStringLiteral("zeroShotRule"),
                                                  mutualScoringRuleName(defaults.scoring.rule)));
    mRule->setCurrentIndex(rule >= 0 ? rule : 0);
    mFraction->setValue(100.0 * stored.value(prefix + QStringLiteral("zeroShotFraction"),
                                             defaults.scoring.smallestFraction).toDouble());
    mQuantile->setValue(100.0 * stored.value(prefix + QStringLiteral("zeroShotQuantile"),
                                             defaults.scoring.pooledQuantile).toDouble());
    QStringList defaultSizes;
    for (int size : defaults.neighbourhoods)
        defaultSizes.append(QString::number(size));
    QVector<int> sizes;
    const QString storedSizes = stored.value(prefix + QStringLiteral("zeroShotNeighbourhoods"),
                                             defaultSizes.join(QLatin1Char(','))).toString();
    for (const QString &size : storedSizes.split(QLatin1Char(','), Qt::SkipEmptyParts))
        sizes.append(size.toInt());
    for (int i = 0; i < kNeighbourhoodSizes.size(); ++i)
        mNeighbourhoods[i]->setChecked(sizes.contains(kNeighbourhoodSizes[i]));
    mReferences->setChecked(stored.value(prefix + QStringLiteral("zeroShotReferences"), true).toBool());
    updateEnabled();
}

void ZeroShotSettingsGroup::save(QSettings &stored, const QString &prefix) const
{
    stored.setValue(prefix + QStringLiteral("zeroShot"), isChecked());
    stored.setValue(prefix + QStringLiteral("zeroShotRule"), mRule->currentData());
    stored.setValue(prefix + QStringLiteral("zeroShotFraction"), mFraction->value() / 100.0);
    stored.setValue(prefix + QStringLiteral("zeroShotQuantile"), mQuantile->value() / 100.0);
    // A comma-separated string, because QSettings returns a one-element list as a plain value.
    QStringList sizes;
    for (int i = 0; i < kNeighbourhoodSizes.size(); ++i) {
        if (mNeighbourhoods[i]->isChecked())
            sizes.append(QString::number(kNeighbourhoodSizes[i]));
    }
    stored.setValue(prefix + QStringLiteral("zeroShotNeighbourhoods"), sizes.join(QLatin1Char(',')));
    stored.setValue(prefix + QStringLiteral("zeroShotReferences"), mReferences->isChecked());
}

void ZeroShotSettingsGroup::updateEnabled()
{
    const bool musc = mRule->currentData().toString() == mutualScoringRuleName(MutualScoringRule::SmallestFractionMean);
    mFraction->setEnabled(musc);
    mQuantile->setEnabled(!musc);
}

} // namespace patchead::ui
