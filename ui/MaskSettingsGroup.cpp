#include "MaskSettingsGroup.h"

#include "common/Error.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSlider>
#include <QStandardItemModel>

namespace patchead::ui {

namespace {

// Slider positions per unit: the PCA threshold moves in steps of 0.05
// standard deviations over [-2, 2], the attention threshold and the
// background weight in steps of 0.01 over [0, 1].
constexpr double kPcaSteps = 20.0;
constexpr double kUnitSteps = 100.0;

QSlider *horizontalSlider(QWidget *parent, int minimum, int maximum, int pageStep)
{
    auto *slider = new QSlider(Qt::Horizontal, parent);
    slider->setRange(minimum, maximum);
    slider->setPageStep(pageStep);
    return slider;
}

// Rectangles as "x y w h" groups separated by ";", because QSettings
// returns a one-element list as a plain value.
QString rectsToText(const QVector<QRectF> &rects)
{
    auto number = [](double value) { return QString::number(value, 'g', 17); }; // exact round trip
    QStringList groups;
    for (const QRectF &r : rects)
        groups.append(QStringList{number(r.x()), number(r.y()), number(r.width()), number(r.height())}
                          .join(QLatin1Char(' ')));
    return groups.join(QLatin1Char(';'));
}

QVector<QRectF> rectsFromText(const QString &text)
{
    QVector<QRectF> rects;
    for (const QString &group : text.split(QLatin1Char(';'), Qt::SkipEmptyParts)) {
        const QStringList values = group.split(QLatin1Char(' '), Qt::SkipEmptyParts);
        if (values.size() == 4)
            rects.append(QRectF(values[0].toDouble(), values[1].toDouble(), values[2].toDouble(), values[3].toDouble()));
    }
    return rects;
}

} // namespace

MaskSettingsGroup::MaskSettingsGroup(QWidget *parent)
    : QGroupBox(tr("Foreground mask"), parent),
      mSource(new QComboBox(this)),
      mPcaThreshold(horizontalSlider(this, -40, 40, 5)),
      mPcaValue(new QLabel(this)),
      mAttentionThreshold(horizontalSlider(this, 0, 100, 5)),
      mAttentionValue(new QLabel(this)),
      mBackgroundWeight(horizontalSlider(this, 0, 100, 10)),
      mBackgroundValue(new QLabel(this)),
      mMaskImage(new QLineEdit(this)),
      mRegionsLabel(new QLabel(this)),
      mClearRegions(new QPushButton(tr("C&lear regions"), this))
{
    auto *form = new QFormLayout(this);
    mSource->addItem(tr("None: every patch counts fully"), maskSourceName(MaskSource::None));
    mSource->addItem(tr("PCA of the image's own patch features"), maskSourceName(MaskSource::Pca));
    mSource->addItem(tr("Encoder attention (ViT encoders)"), maskSourceName(MaskSource::Attention));
    mSource->addItem(tr("Regions and mask image only"), maskSourceName(MaskSource::Region));
    mSource->setToolTip(tr("Where the foreground comes from. Regions drawn on the preview and the mask image "
                           "also limit the PCA and attention masks."));
    form->addRow(tr("Mask &source:"), mSource);

    mPcaThreshold->setToolTip(tr("Cut on the first principal component, in standard deviations from its mean; "
                                 "higher values give a smaller foreground"));
    form->addRow(tr("PCA threshold:"), createSliderRow(mPcaThreshold, mPcaValue));
    mAttentionThreshold->setToolTip(tr("Cut on the attention after scaling it to 0 to 1 per image"));
    form->addRow(tr("Attention threshold:"), createSliderRow(mAttentionThreshold, mAttentionValue));
    mBackgroundWeight->setToolTip(tr("Share of its score that a background patch keeps: 100 % turns the mask "
                                     "off, 0 % ignores the background"));
    form->addRow(tr("Background weight:"), createSliderRow(mBackgroundWeight, mBackgroundValue));

    auto *browse = new QPushButton(tr("Br&owse…"), this);
    connect(browse, &QPushButton::clicked, this, &MaskSettingsGroup::browseMaskImage);
    auto *maskRow = new QHBoxLayout;
    maskRow->addWidget(mMaskImage, 1);
    maskRow->addWidget(browse);
    mMaskImage->setPlaceholderText(tr("No mask image"));
    mMaskImage->setClearButtonEnabled(true);
    mMaskImage->setToolTip(tr("A grey image, white where parts are inspected, scaled to each part image"));
    auto *maskLabel = new QLabel(tr("Mask &image:"), this);
    maskLabel->setBuddy(mMaskImage);
    form->addRow(maskLabel, maskRow);

    mRegionsLabel->setToolTip(tr("Draw the region of interest and ignore regions on the mask preview"));
    form->addRow(tr("Regions:"), mRegionsLabel);
    mClearRegions->setToolTip(tr("Remove the region of interest and every ignore region"));
    auto *clearRow = new QHBoxLayout;
    clearRow->addWidget(mClearRegions);
    clearRow->addStretch(1);
    form->addRow(QString(), clearRow);

    connect(mSource, &QComboBox::currentIndexChanged, this, &MaskSettingsGroup::onChanged);
    connect(mPcaThreshold, &QSlider::valueChanged, this, &MaskSettingsGroup::onChanged);
    connect(mAttentionThreshold, &QSlider::valueChanged, this, &MaskSettingsGroup::onChanged);
    connect(mBackgroundWeight, &QSlider::valueChanged, this, &MaskSettingsGroup::onChanged);
    connect(mMaskImage, &QLineEdit::editingFinished, this, &MaskSettingsGroup::onChanged);
    connect(mClearRegions, &QPushButton::clicked, this, [this] { setRegions(QRectF(), {}); });
    setMask(MaskSettings());
}

QWidget *MaskSettingsGroup::createSliderRow(QSlider *slider, QLabel *value)
{
    auto *row = new QWidget(this);
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(slider, 1);
    // Wide enough for the longest value text, so the slider does not jump.
    value->setMinimumWidth(value->fontMetrics().horizontalAdvance(QStringLiteral("-0.00 σ ")));
    value->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    layout->addWidget(value);
    return row;
}

MaskSettings MaskSettingsGroup::mask() const
{
    MaskSettings mask;
    mask.source = maskSourceFromName(mSource->currentData().toString());
    mask.pcaThreshold = mPcaThreshold->value() / kPcaSteps;
    mask.attentionThreshold = mAttentionThreshold->value() / kUnitSteps;
    mask.backgroundWeight = mBackgroundWeight->value() / kUnitSteps;
    mask.maskImagePath = mMaskImage->text().trimmed();
    mask.regionOfInterest = mRegionOfInterest;
    mask.ignoreRegions = mIgnoreRegions;
    return mask;
}

void MaskSettingsGroup::setMask(const MaskSettings &mask)
{
    mUpdating = true;
    const int index = mSource->findData(maskSourceName(mask.source));
    mSource->setCurrentIndex(index >= 0 ? index : 0);
    mPcaThreshold->setValue(qRound(mask.pcaThreshold * kPcaSteps));
    mAttentionThreshold->setValue(qRound(mask.attentionThreshold * kUnitSteps));
    mBackgroundWeight->setValue(qRound(mask.backgroundWeight * kUnitSteps));
    mMaskImage->setText(mask.maskImagePath);
    mRegionOfInterest = mask.regionOfInterest;
    mIgnoreRegions = mask.ignoreRegions;
    mUpdating = false;
    updateLabels();
    updateEnabled();
}

void MaskSettingsGroup::setRegions(const QRectF &regionOfInterest, const QVector<QRectF> &ignoreRegions)
{
    mRegionOfInterest = regionOfInterest;
    mIgnoreRegions = ignoreRegions;
    const bool anyRegion = !regionOfInterest.isEmpty() || !ignoreRegions.isEmpty();
    if (anyRegion && mSource->currentData().toString() == maskSourceName(MaskSource::None)) {
        // The source change emits changed() through onChanged.
        mSource->setCurrentIndex(mSource->findData(maskSourceName(MaskSource::Region)));
        return;
    }
    onChanged();
}

void MaskSettingsGroup::setAttentionAvailable(bool available)
{
    mAttentionAvailable = available;
    auto *model = qobject_cast<QStandardItemModel *>(mSource->model());
    QStandardItem *item = model->item(mSource->findData(maskSourceName(MaskSource::Attention)));
    item->setEnabled(available);
    item->setToolTip(available ? QString() : tr("This encoder has no attention output; choose a ViT encoder "
                                                "exported with attention"));
}

void MaskSettingsGroup::load(const QSettings &stored, const QString &prefix)
{
    const MaskSettings defaults;
    MaskSettings mask;
    try {
        mask.source = maskSourceFromName(stored.value(prefix + QStringLiteral("source"),
                                                      maskSourceName(defaults.source)).toString());
    } catch (const SettingsError &) {
        mask.source = defaults.source; // an unknown name, from a later version
    }
    mask.pcaThreshold = stored.value(prefix + QStringLiteral("pcaThreshold"), defaults.pcaThreshold).toDouble();
    mask.attentionThreshold = stored.value(prefix + QStringLiteral("attentionThreshold"), defaults.attentionThreshold).toDouble();
    mask.backgroundWeight = stored.value(prefix + QStringLiteral("backgroundWeight"), defaults.backgroundWeight).toDouble();
    mask.maskImagePath = stored.value(prefix + QStringLiteral("maskImage")).toString();
    const QVector<QRectF> roi = rectsFromText(stored.value(prefix + QStringLiteral("regionOfInterest")).toString());
    mask.regionOfInterest = roi.isEmpty() ? QRectF() : roi.first();
    mask.ignoreRegions = rectsFromText(stored.value(prefix + QStringLiteral("ignoreRegions")).toString());
    setMask(mask);
}

void MaskSettingsGroup::save(QSettings &stored, const QString &prefix) const
{
    const MaskSettings current = mask();
    stored.setValue(prefix + QStringLiteral("source"), maskSourceName(current.source));
    stored.setValue(prefix + QStringLiteral("pcaThreshold"), current.pcaThreshold);
    stored.setValue(prefix + QStringLiteral("attentionThreshold"), current.attentionThreshold);
    stored.setValue(prefix + QStringLiteral("backgroundWeight"), current.backgroundWeight);
    stored.setValue(prefix + QStringLiteral("maskImage"), current.maskImagePath);
    stored.setValue(prefix + QStringLiteral("regionOfInterest"),
                    current.regionOfInterest.isEmpty() ? QString() : rectsToText({current.regionOfInterest}));
    stored.setValue(prefix + QStringLiteral("ignoreRegions"), rectsToText(current.ignoreRegions));
}

void MaskSettingsGroup::browseMaskImage()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Choose a mask image"),
                                                      QFileInfo(mMaskImage->text()).absolutePath(),
                                                      tr("Images (*.png *.bmp *.jpg *.jpeg *.tif *.tiff)"));
    if (path.isEmpty())
        return;
    mMaskImage->setText(path);
    onChanged();
}

void MaskSettingsGroup::updateLabels()
{
    const MaskSettings current = mask();
    mPcaValue->setText(tr("%1 σ").arg(current.pcaThreshold, 0, 'f', 2));
    mAttentionValue->setText(QString::number(current.attentionThreshold, 'f', 2));
    mBackgroundValue->setText(tr("%1 %").arg(mBackgroundWeight->value()));
    const QString roi = current.regionOfInterest.isEmpty()
                            ? tr("the whole image")
                            : tr("%1 % × %2 % of the image")
                                  .arg(qRound(current.regionOfInterest.width() * 100.0))
                                  .arg(qRound(current.regionOfInterest.height() * 100.0));
    const int ignoreCount = static_cast<int>(current.ignoreRegions.size());
    const QString ignores = ignoreCount == 0   ? tr("no ignore regions")
                            : ignoreCount == 1 ? tr("1 ignore region")
                                               : tr("%1 ignore regions").arg(ignoreCount);
    mRegionsLabel->setText(tr("%1, %2").arg(roi, ignores));
    mClearRegions->setEnabled(!current.regionOfInterest.isEmpty() || !current.ignoreRegions.isEmpty());
}

void MaskSettingsGroup::updateEnabled()
{
    const QString source = mSource->currentData().toString();
    mPcaThreshold->setEnabled(source == maskSourceName(MaskSource::Pca));
    mAttentionThreshold->setEnabled(source == maskSourceName(MaskSource::Attention));
    mBackgroundWeight->setEnabled(source != maskSourceName(MaskSource::None));
}

void MaskSettingsGroup::onChanged()
{
    updateLabels();
    updateEnabled();
    if (!mUpdating)
        emit changed();
}

} // namespace patchead::ui
