#include "SettingsPanel.h"

#include "EncoderLocator.h"
#include "MaskSettingsGroup.h"
#include "ZeroShotSettingsGroup.h"
#include "common/Error.h"
#include "encoder/EncoderManifest.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QVBoxLayout>

namespace patchead::ui {

namespace {

const QString kGroup = QStringLiteral("settings/");

QDoubleSpinBox *percentSpin(QWidget *parent, double minimum, double maximum, int decimals)
{
    auto *spin = new QDoubleSpinBox(parent);
    spin->setRange(minimum, maximum);
    spin->setDecimals(decimals);
    spin->setSuffix(QStringLiteral(" %"));
    return spin;
}

QDoubleSpinBox *scoreSpin(QWidget *parent)
{
    auto *spin = new QDoubleSpinBox(parent);
    spin->setRange(0.0, 1.0);
    spin->setDecimals(4);
    spin->setSingleStep(0.001);
    return spin;
}

} // namespace

SettingsPanel::SettingsPanel(QWidget *parent)
    : QWidget(parent),
      mManifest(new QLineEdit(this)),
      mEncoderInfo(new QLabel(this)),
      mDevice(new QComboBox(this)),
      mResolution(new QSpinBox(this)),
      mKeepAspect(new QCheckBox(tr("Keep the image's aspect ratio"), this)),
      mDefaultLayersBox(new QCheckBox(tr("Use the encoder's default layers"), this)),
      mLayers(new QListWidget(this)),
      mNeighbourhood(new QSpinBox(this)),
      mScoreRule(new QComboBox(this)),
      mTopFraction(percentSpin(this, 0.1, 100.0, 1)),
      mSigma(new QDoubleSpinBox(this)),
      mAlignment(new QComboBox(this)),
      mRotationStep(new QComboBox(this)),
      mFlips(new QCheckBox(tr("Allow mirrored copies"), this)),
      mShots(new QSpinBox(this)),
      mZeroShotGroup(new ZeroShotSettingsGroup(this)),
      mMaskGroup(new MaskSettingsGroup(this)),
      mReviewQuantile(percentSpin(this, 0.0, 100.0, 1)),
      mRejectMargin(percentSpin(this, 0.0, 500.0, 1)),
      mFixedGroup(new QGroupBox(tr("Fixed thresholds (replace the ones from good samples)"), this)),
      mFixedReject(scoreSpin(this)),
      mFixedReview(scoreSpin(this)),
      mRule(new QLabel(this)),
      mOperator(new QLineEdit(this))
{
    auto *operatorForm = new QFormLayout;
    operatorForm->addRow(tr("O&perator:"), mOperator);
    mOperator->setToolTip(tr("Stored with each lot and with every operator decision"));

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(operatorForm);
    layout->addWidget(createEncoderGroup());
    layout->addWidget(createScoringGroup());
    layout->addWidget(mZeroShotGroup);
    layout->addWidget(mMaskGroup);
    layout->addWidget(createThresholdGroup());
    layout->addStretch(1);

    load();
    loadManifest();
    updateRuleText();
}

QWidget *SettingsPanel::createEncoderGroup()
{
    auto *group = new QGroupBox(tr("Encoder"), this);
    auto *form = new QFormLayout(group);

    auto *browse = new QPushButton(tr("&Browse…"), group);
    connect(browse, &QPushButton::clicked, this, &SettingsPanel::browseManifest);
    auto *manifestRow = new QHBoxLayout;
    manifestRow->addWidget(mManifest, 1);
    manifestRow->addWidget(browse);
    mManifest->setToolTip(tr("The encoder's manifest.json, written by models/prepare-encoder.sh"));
    connect(mManifest, &QLineEdit::editingFinished, this, [this] {
        loadManifest();
        onChanged();
    });
    // A row whose field is a layout gets no buddy, so the label is made here.
    auto *manifestLabel = new QLabel(tr("&Manifest:"), group);
    manifestLabel->setBuddy(mManifest);
    form->addRow(manifestLabel, manifestRow);
    mEncoderInfo->setWordWrap(true);
    form->addRow(QString(), mEncoderInfo);

    mDevice->addItem(tr("Automatic (CUDA when available)"), QStringLiteral("auto"));
    mDevice->addItem(tr("CPU"), QStringLiteral("cpu"));
    mDevice->addItem(tr("CUDA"), QStringLiteral("cuda"));
    form->addRow(tr("Device:"), mDevice);

    mResolution->setRange(0, 4096);
    mResolution->setSingleStep(32);
    mResolution->setSuffix(tr(" px"));
    mResolution->setSpecialValueText(tr("Encoder's input size"));
    mResolution->setToolTip(tr("Long side of the encoder input; rounded to the encoder's size multiple"));
    form->addRow(tr("Resolution:"), mResolution);
    mKeepAspect->setToolTip(tr("Resize so the long side is the resolution instead of squashing to a square"));
    form->addRow(QString(), mKeepAspect);
    connect(mKeepAspect, &QCheckBox::toggled, this, &SettingsPanel::onChanged);

    mLayers->setMaximumHeight(140);
    mLayers->setToolTip(tr("Encoder outputs combined into the patch features, in the encoder's order"));
    form->addRow(tr("Layers:"), mDefaultLayersBox);
    form->addRow(QString(), mLayers);
    connect(mDefaultLayersBox, &QCheckBox::toggled, this, [this](bool useDefault) {
        mLayers->setEnabled(!useDefault);
        onChanged();
    });
    connect(mLayers, &QListWidget::itemChanged, this, &SettingsPanel::onChanged);

    mShots->setRange(0, 64);
    mShots->setSpecialValueText(tr("All references"));
    // NOTE: the leave-one-out scores on the set-up page still use every reference.
    mShots->setToolTip(tr("Inspect with only the first this many references of the list (few-shot k)"));
    form->addRow(tr("S&hots:"), mShots);
    connect(mShots, &QSpinBox::valueChanged, this, &SettingsPanel::onChanged);
    connect(mDevice, &QComboBox::currentIndexChanged, this, &SettingsPanel::onChanged);
    connect(mResolution, &QSpinBox::valueChanged, this, &SettingsPanel::onChanged);
    return group;
}

QWidget *SettingsPanel::createScoringGroup()
{
    auto *group = new QGroupBox(tr("Patch scoring"), this);
    auto *form = new QFormLayout(group);

    mNeighbourhood->setRange(1, 9);
    mNeighbourhood->setSingleStep(2);
    mNeighbourhood->setToolTip(tr("Each patch is averaged with its k × k neighbours before matching; 1 turns it off"));
    form->addRow(tr("Neighbourhood:"), mNeighbourhood);

    mScoreRule->addItem(tr("Mean of the top fraction of patch scores"), QStringLiteral("top-fraction-mean"));
    mScoreRule->addItem(tr("Largest patch score"), QStringLiteral("max"));
    form->addRow(tr("Image score:"), mScoreRule);
    mTopFraction->setToolTip(tr("Share of the largest patch scores averaged into the image score"));
    form->addRow(tr("Top fraction:"), mTopFraction);

    mSigma->setRange(0.0, 64.0);
    mSigma->setDecimals(1);
    mSigma->setSuffix(tr(" px"));
    mSigma->setToolTip(tr("Gaussian smoothing of the anomaly map, in encoder input pixels; 0 turns it off"));
    form->addRow(tr("Map sigma:"), mSigma);

    mAlignment->addItem(tr("Automatic (decided from the good samples)"), QStringLiteral("auto"));
    mAlignment->addItem(tr("Off"), QStringLiteral("off"));
    mAlignment->addItem(tr("Always add rotated copies"), QStringLiteral("always"));
    mAlignment->setToolTip(tr("Whether rotated and mirrored copies of the references join the memory bank"));
    form->addRow(tr("Alignment:"), mAlignment);
    mRotationStep->addItem(tr("45°"), 45);
    mRotationStep->addItem(tr("90°"), 90);
    form->addRow(tr("Rotation step:"), mRotationStep);
    form->addRow(QString(), mFlips);
    connect(mZeroShotGroup, &ZeroShotSettingsGroup::changed, this, &SettingsPanel::onChanged);
    connect(mMaskGroup, &MaskSettingsGroup::changed, this, &SettingsPanel::onChanged);

    connect(mNeighbourhood, &QSpinBox::valueChanged, this, &SettingsPanel::onChanged);
    connect(mScoreRule, &QComboBox::currentIndexChanged, this, [this] {
        mTopFraction->setEnabled(mScoreRule->currentData().toString() == QLatin1String("top-fraction-mean"));
        onChanged();
    });
    connect(mTopFraction, &QDoubleSpinBox::valueChanged, this, &SettingsPanel::onChanged);
    connect(mSigma, &QDoubleSpinBox::valueChanged, this, &SettingsPanel::onChanged);
    connect(mAlignment, &QComboBox::currentIndexChanged, this, &SettingsPanel::onChanged);
    connect(mRotationStep, &QComboBox::currentIndexChanged, this, &SettingsPanel::onChanged);
    connect(mFlips, &QCheckBox::toggled, this, &SettingsPanel::onChanged);
    return group;
}

QWidget *SettingsPanel::createThresholdGroup()
{
    auto *group = new QGroupBox(tr("Thresholds from good samples"), this);
    auto *form = new QFormLayout(group);
    mReviewQuantile->setToolTip(tr("Review threshold: this quantile of the references' leave-one-out scores "
                                   "(100 % is the largest)"));
    form->addRow(tr("Review quantile:"), mReviewQuantile);
    mRejectMargin->setToolTip(tr("Reject threshold: the review threshold raised by this margin"));
    form->addRow(tr("Reject margin:"), mRejectMargin);

    mFixedGroup->setCheckable(true);
    auto *fixedForm = new QFormLayout(mFixedGroup);
    fixedForm->addRow(tr("Reject at:"), mFixedReject);
    mFixedReview->setSpecialValueText(tr("No review band"));
    fixedForm->addRow(tr("Review at:"), mFixedReview);
    form->addRow(mFixedGroup);
    mRule->setWordWrap(true);
    form->addRow(mRule);

    connect(mReviewQuantile, &QDoubleSpinBox::valueChanged, this, &SettingsPanel::onChanged);
    connect(mRejectMargin, &QDoubleSpinBox::valueChanged, this, &SettingsPanel::onChanged);
    connect(mFixedGroup, &QGroupBox::toggled, this, &SettingsPanel::onChanged);
    connect(mFixedReject, &QDoubleSpinBox::valueChanged, this, &SettingsPanel::onChanged);
    connect(mFixedReview, &QDoubleSpinBox::valueChanged, this, &SettingsPanel::onChanged);
    connect(mOperator, &QLineEdit::editingFinished, this, &SettingsPanel::onChanged);
    return group;
}

void SettingsPanel::load()
{
    mLoading = true;
    const QSettings stored;
    const InspectionSettings defaults;
    auto selectData = [](QComboBox *box, const QVariant &value) {
        const int index = box->findData(value);
        box->setCurrentIndex(index >= 0 ? index : 0);
    };
    mOperator->setText(stored.value(kGroup + QStringLiteral("operator"), qEnvironmentVariable("USER")).toString());
    mManifest->setText(stored.value(kGroup + QStringLiteral("manifest"), defaultManifestPath()).toString());
    selectData(mDevice, stored.value(kGroup + QStringLiteral("device"), QStringLiteral("auto")));
    mResolution->setValue(stored.value(kGroup + QStringLiteral("resolution"), defaults.resolution).toInt());
    mKeepAspect->setChecked(stored.value(kGroup + QStringLiteral("keepAspect"), defaults.keepAspect).toBool());
    mShots->setValue(stored.value(kGroup + QStringLiteral("shots"), 0).toInt());
    mZeroShotGroup->load(stored, kGroup);
    mMaskGroup->load(stored, kGroup + QStringLiteral("mask/"));
    mDefaultLayersBox->setChecked(stored.value(kGroup + QStringLiteral("defaultLayers"), true).toBool());
    mLayers->setEnabled(!mDefaultLayersBox->isChecked());
    mNeighbourhood->setValue(stored.value(kGroup + QStringLiteral("neighbourhood"), defaults.features.neighbourhood).toInt());
    selectData(mScoreRule, stored.value(kGroup + QStringLiteral("imageScore"), imageScoreRuleName(defaults.imageScore.rule)));
    mTopFraction->setValue(100.0 * stored.value(kGroup + QStringLiteral("topFraction"), defaults.imageScore.topFraction).toDouble());
    mSigma->setValue(stored.value(kGroup + QStringLiteral("sigma"), defaults.mapSigma).toDouble());
    selectData(mAlignment, stored.value(kGroup + QStringLiteral("alignment"), alignmentModeName(defaults.alignment.mode)));
    selectData(mRotationStep, stored.value(kGroup + QStringLiteral("rotationStep"), defaults.alignment.rotationStepDegrees));
    mFlips->setChecked(stored.value(kGroup + QStringLiteral("flips"), defaults.alignment.allowFlips).toBool());
    mReviewQuantile->setValue(100.0 * stored.value(kGroup + QStringLiteral("reviewQuantile"), defaults.threshold.reviewQuantile).toDouble());
    mRejectMargin->setValue(100.0 * stored.value(kGroup + QStringLiteral("rejectMargin"), defaults.threshold.rejectMargin).toDouble());
    mFixedGroup->setChecked(stored.value(kGroup + QStringLiteral("fixedThresholds"), false).toBool());
    mFixedReject->setValue(stored.value(kGroup + QStringLiteral("fixedReject"), 0.0).toDouble());
    mFixedReview->setValue(stored.value(kGroup + QStringLiteral("fixedReview"), 0.0).toDouble());
    mTopFraction->setEnabled(mScoreRule->currentData().toString() == QLatin1String("top-fraction-mean"));
    mLoading = false;
}

void SettingsPanel::save() const
{
    QSettings stored;
    stored.setValue(kGroup + QStringLiteral("operator"), operatorName());
    stored.setValue(kGroup + QStringLiteral("manifest"), manifestPath());
    stored.setValue(kGroup + QStringLiteral("device"), device());
    stored.setValue(kGroup + QStringLiteral("resolution"), mResolution->value());
    stored.setValue(kGroup + QStringLiteral("keepAspect"), mKeepAspect->isChecked());
    stored.setValue(kGroup + QStringLiteral("shots"), mShots->value());
    mZeroShotGroup->save(stored, kGroup);
    mMaskGroup->save(stored, kGroup + QStringLiteral("mask/"));
    stored.setValue(kGroup + QStringLiteral("defaultLayers"), mDefaultLayersBox->isChecked());
    if (mManifestValid)
        stored.setValue(kGroup + QStringLiteral("layers"), checkedLayers());
    stored.setValue(kGroup + QStringLiteral("neighbourhood"), mNeighbourhood->value());
    stored.setValue(kGroup + QStringLiteral("imageScore"), mScoreRule->currentData());
    stored.setValue(kGroup + QStringLiteral("topFraction"), mTopFraction->value() / 100.0);
    stored.setValue(kGroup + QStringLiteral("sigma"), mSigma->value());
    stored.setValue(kGroup + QStringLiteral("alignment"), mAlignment->currentData());
    stored.setValue(kGroup + QStringLiteral("rotationStep"), mRotationStep->currentData());
    stored.setValue(kGroup + QStringLiteral("flips"), mFlips->isChecked());
    stored.setValue(kGroup + QStringLiteral("reviewQuantile"), mReviewQuantile->value() / 100.0);
    stored.setValue(kGroup + QStringLiteral("rejectMargin"), mRejectMargin->value() / 100.0);
    stored.setValue(kGroup + QStringLiteral("fixedThresholds"), mFixedGroup->isChecked());
    stored.setValue(kGroup + QStringLiteral("fixedReject"), mFixedReject->value());
    stored.setValue(kGroup + QStringLiteral("fixedReview"), mFixedReview->value());
}

void SettingsPanel::onChanged()
{
    if (mLoading)
        return;
    save();
    updateRuleText();
    emit settingsChanged();
}

void SettingsPanel::browseManifest()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Choose an encoder manifest"),
                                                      QFileInfo(manifestPath()).absolutePath(),
                                                      tr("Encoder manifests (manifest.json *.json)"));
    if (path.isEmpty())
        return;
    setManifestPath(path);
}

void SettingsPanel::setManifestPath(const QString &path)
{
    mManifest->setText(path);
    loadManifest();
    onChanged();
}

void SettingsPanel::loadManifest()
{
    const QSignalBlocker blocker(mLayers);
    const QStringList remembered = QSettings().value(kGroup + QStringLiteral("layers")).toStringList();
    mLayers->clear();
    mDefaultLayers.clear();
    mManifestValid = false;
    EncoderManifest manifest;
    try {
        manifest = loadEncoderManifest(manifestPath());
    } catch (const Error &error) {
        mEncoderInfo->setText(error.message());
        return;
    }
    mManifestValid = true;
    mDefaultLayers = manifest.defaultLayers;
    mMaskGroup->setAttentionAvailable(manifest.attentionOutputIndex() >= 0);
    mEncoderInfo->setText(tr("%1, %2 × %3 input, %4 outputs")
                              .arg(manifest.displayName.isEmpty() ? manifest.name : manifest.displayName)
                              .arg(manifest.input.width)
                              .arg(manifest.input.height)
                              .arg(manifest.outputs.size()));
    const QStringList checked = remembered.isEmpty() ? manifest.defaultLayers : remembered;
    for (const EncoderOutputSpec &output : manifest.outputs) {
        // The attention output feeds the attention mask and is not a feature layer.
        if (output.kind == EncoderOutputKind::Attention)
            continue;
        auto *item = new QListWidgetItem(tr("%1 (stride %2, %3 channels)").arg(output.name).arg(output.stride).arg(output.channels),
                                         mLayers);
        item->setData(Qt::UserRole, output.name);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(checked.contains(output.name) ? Qt::Checked : Qt::Unchecked);
    }
}

QStringList SettingsPanel::checkedLayers() const
{
    QStringList layers;
    for (int row = 0; row < mLayers->count(); ++row) {
        if (mLayers->item(row)->checkState() == Qt::Checked)
            layers << mLayers->item(row)->data(Qt::UserRole).toString();
    }
    return layers;
}

QString SettingsPanel::manifestPath() const
{
    return mManifest->text().trimmed();
}

QStringList SettingsPanel::referencesForShots(const QStringList &paths) const
{
    return mShots->value() > 0 ? paths.mid(0, mShots->value()) : paths;
}

QStringList SettingsPanel::referencesForRun(const QStringList &paths) const
{
    if (mZeroShotGroup->isChecked() && !mZeroShotGroup->referencesJoinBatch())
        return {};
    return referencesForShots(paths);
}

void SettingsPanel::setMaskRegions(const QRectF &regionOfInterest, const QVector<QRectF> &ignoreRegions)
{
    mMaskGroup->setRegions(regionOfInterest, ignoreRegions);
}

QString SettingsPanel::device() const
{
    return mDevice->currentData().toString();
}

QString SettingsPanel::operatorName() const
{
    return mOperator->text().trimmed();
}

InspectionSettings SettingsPanel::settings() const
{
    InspectionSettings settings;
    if (!mDefaultLayersBox->isChecked()) {
        settings.layers = checkedLayers();
        if (settings.layers.isEmpty())
            throw SettingsError(tr("Choose at least one encoder layer, or use the encoder's default layers."));
    }
    settings.resolution = mResolution->value();
    settings.keepAspect = mKeepAspect->isChecked();
    mZeroShotGroup->apply(settings.zeroShot);
    settings.mask = mMaskGroup->mask();
    settings.features.neighbourhood = mNeighbourhood->value();
    settings.imageScore.rule = imageScoreRuleFromName(mScoreRule->currentData().toString());
    settings.imageScore.topFraction = mTopFraction->value() / 100.0;
    settings.mapSigma = mSigma->value();
    settings.alignment.mode = alignmentModeFromName(mAlignment->currentData().toString());
    settings.alignment.rotationStepDegrees = mRotationStep->currentData().toInt();
    settings.alignment.allowFlips = mFlips->isChecked();
    settings.threshold.reviewQuantile = mReviewQuantile->value() / 100.0;
    settings.threshold.rejectMargin = mRejectMargin->value() / 100.0;
    if (mFixedGroup->isChecked()) {
        if (mFixedReject->value() <= 0.0)
            throw SettingsError(tr("Set a fixed reject threshold above 0, or turn fixed thresholds off."));
        settings.fixedRejectThreshold = mFixedReject->value();
        settings.fixedReviewThreshold = mFixedReview->value();
    }
    settings.validate();
    return settings;
}

void SettingsPanel::updateRuleText()
{
    if (mFixedGroup->isChecked()) {
        mRule->setText(mFixedReview->value() > 0.0
                           ? tr("Parts fail at %1 or more and go to review at %2 or more.")
                                 .arg(mFixedReject->value()).arg(mFixedReview->value())
                           : tr("Parts fail at %1 or more; there is no review band.").arg(mFixedReject->value()));
        return;
    }
    const QString review = mReviewQuantile->value() >= 100.0
                               ? tr("the largest leave-one-out score of the references")
                               : tr("the %1 % quantile of the references' leave-one-out scores")
                                     .arg(mReviewQuantile->value());
    mRule->setText(tr("Review threshold: %1. Reject threshold: the review threshold × (1 + %2 %). "
                      "Needs at least two references.").arg(review).arg(mRejectMargin->value()));
}

} // namespace patchead::ui
