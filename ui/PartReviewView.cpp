#include "PartReviewView.h"

#include "ImageCanvas.h"
#include "ImageConversion.h"
#include "LotDocument.h"
#include "VerdictStyle.h"
#include "scoring/AnomalyMap.h"
#include "scoring/Threshold.h"

#include <QAction>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QSettings>
#include <QSlider>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

namespace patchead::ui {

namespace {

const QString kOpacityKey = QStringLiteral("review/heatmapOpacity");

QLabel *selectableLabel(QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

} // namespace

PartReviewView::PartReviewView(LotDocument *document, QWidget *parent)
    : QWidget(parent),
      mDocument(document),
      mRecolourTimer(new QTimer(this)),
      mTitle(new QLabel(this)),
      mCanvas(new ImageCanvas(this)),
      mOpacity(new QSlider(Qt::Horizontal, this)),
      mOpacityValue(new QLabel(this)),
      mScore(selectableLabel(this)),
      mNormalised(selectableLabel(this)),
      mVerdict(selectableLabel(this)),
      mOperator(selectableLabel(this)),
      mMessage(new QLabel(this)),
      mActionRow(new QWidget(this))
{
    QFont titleFont = mTitle->font();
    titleFont.setBold(true);
    mTitle->setFont(titleFont);
    mTitle->setTextInteractionFlags(Qt::TextSelectableByMouse);
    mCanvas->setPlaceholderText(tr("Select a part in the table to see it with its heatmap."));
    mMessage->setWordWrap(true);
    mMessage->hide();

    mOpacity->setRange(0, 100);
    mOpacity->setValue(QSettings().value(kOpacityKey, 45).toInt());
    mOpacity->setToolTip(tr("Heatmap opacity: 0 shows the image alone, 100 the heatmap alone"));
    mOpacityValue->setMinimumWidth(mOpacityValue->fontMetrics().horizontalAdvance(QStringLiteral("100 %")));
    mOpacityValue->setText(tr("%1 %").arg(mOpacity->value()));
    connect(mOpacity, &QSlider::valueChanged, this, [this](int value) {
        mOpacityValue->setText(tr("%1 %").arg(value));
        QSettings().setValue(kOpacityKey, value);
        composeImage();
    });

    mRecolourTimer->setSingleShot(true);
    mRecolourTimer->setInterval(0);
    connect(mRecolourTimer, &QTimer::timeout, this, &PartReviewView::recolour);
    connect(&mRenderer, &HeatmapRenderer::rendered, this, &PartReviewView::onFrameRendered);
    connect(document, &LotDocument::thresholdsChanged, this, [this] {
        updateLabels();
        mRecolourTimer->start();
    });
    connect(document, &LotDocument::partChanged, this, &PartReviewView::onPartChanged);
    connect(document, &LotDocument::lotChanged, this, [this] { showPart(0); });

    auto *opacityRow = new QHBoxLayout;
    auto *opacityLabel = new QLabel(tr("Heatmap &opacity:"), this);
    opacityLabel->setBuddy(mOpacity);
    opacityRow->addWidget(opacityLabel);
    opacityRow->addWidget(mOpacity, 1);
    opacityRow->addWidget(mOpacityValue);

    auto *actionLayout = new QHBoxLayout(mActionRow);
    actionLayout->setContentsMargins(0, 0, 0, 0);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(mTitle);
    layout->addWidget(mCanvas, 1);
    layout->addLayout(opacityRow);
    layout->addWidget(createInfoPanel());
    layout->addWidget(mMessage);
    layout->addWidget(mActionRow);
    updateLabels();
}

QWidget *PartReviewView::createInfoPanel()
{
    auto *panel = new QWidget(this);
    auto *form = new QFormLayout(panel);
    form->setContentsMargins(0, 0, 0, 0);
    form->addRow(tr("Score:"), mScore);
    form->addRow(tr("Normalised score:"), mNormalised);
    form->addRow(tr("Automatic verdict:"), mVerdict);
    form->addRow(tr("Operator decision:"), mOperator);
    mNormalised->setToolTip(tr("Score divided by twice the reject threshold, clamped to [0, 1]: "
                               "0.5 is at the reject threshold"));
    return panel;
}

void PartReviewView::setReviewActions(const QList<QAction *> &actions)
{
    auto *layout = static_cast<QHBoxLayout *>(mActionRow->layout());
    for (QAction *action : actions) {
        auto *button = new QToolButton(mActionRow);
        button->setDefaultAction(action);
        button->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
        layout->addWidget(button);
    }
    layout->addStretch(1);
}

double PartReviewView::opacity() const
{
    return mOpacity->value() / 100.0;
}

void PartReviewView::setOpacity(double opacity)
{
    mOpacity->setValue(qRound(opacity * 100.0));
}

void PartReviewView::showPart(qint64 partId)
{
    mPartId = partId;
    mFrame = HeatmapFrame();
    mColoured = cv::Mat();
    updateLabels();
    if (partId == 0) {
        mCanvas->setImage(QImage());
        return;
    }

    const std::optional<PartRecord> part = mDocument->partWithMap(partId);
    if (!part)
        return;
    HeatmapInput input;
    input.partId = partId;
    input.imagePath = part->path;
    input.patchScores.width = part->mapWidth;
    input.patchScores.height = part->mapHeight;
    input.patchScores.values = part->anomalyMap;
    input.inputSize = mDocument->encoderInputSize(cv::Size(part->imageWidth, part->imageHeight));
    input.sigma = mDocument->mapSigma();
    input.fallbackSize = cv::Size(part->imageWidth, part->imageHeight);
    mRenderer.request(input);
}

void PartReviewView::onFrameRendered(const HeatmapFrame &frame)
{
    if (frame.partId != mPartId)
        return;
    mFrame = frame;
    mMessage->setText(frame.message);
    mMessage->setVisible(!frame.message.isEmpty());
    recolour();
}

void PartReviewView::recolour()
{
    if (mFrame.rgb.empty())
        return;
    mColoured = mFrame.map.empty() ? cv::Mat() : colouriseAnomalyMap(mFrame.map, mDocument->rejectThreshold());
    composeImage();
}

void PartReviewView::composeImage()
{
    if (mFrame.rgb.empty())
        return;
    const cv::Mat composite = mColoured.empty() ? mFrame.rgb : overlayHeatmap(mFrame.rgb, mColoured, opacity());
    mCanvas->setImage(imageFromRgb(composite));
    emit frameShown(mPartId);
}

void PartReviewView::onPartChanged(int row)
{
    if (mPartId != 0 && mDocument->rowOfPart(mPartId) == row)
        updateLabels();
}

void PartReviewView::updateLabels()
{
    const int row = mPartId != 0 ? mDocument->rowOfPart(mPartId) : -1;
    if (row < 0) {
        mTitle->setText(tr("No part selected"));
        for (QLabel *label : {mScore, mNormalised, mVerdict, mOperator})
            label->setText(QStringLiteral("–"));
        mMessage->hide();
        return;
    }

    const PartRecord &part = mDocument->part(row);
    mTitle->setText(QFileInfo(part.path).fileName());
    mTitle->setToolTip(part.path);
    const bool scored = part.verdict != Verdict::Error;
    mScore->setText(scored ? QString::number(part.imageScore, 'f', 4) : QStringLiteral("–"));
    mNormalised->setText(scored ? QString::number(normalisedScore(part.imageScore, mDocument->rejectThreshold()), 'f', 3)
                                : QStringLiteral("–"));
    mVerdict->setText(scored ? verdictText(part.verdict)
                             : tr("%1: %2").arg(verdictText(part.verdict), part.error));
    mOperator->setText(part.operatorVerdict == OperatorVerdict::None
                           ? operatorVerdictText(part.operatorVerdict)
                           : tr("%1 by %2").arg(operatorVerdictText(part.operatorVerdict),
                                                part.operatorName.isEmpty() ? tr("unknown operator") : part.operatorName));
}

} // namespace patchead::ui
