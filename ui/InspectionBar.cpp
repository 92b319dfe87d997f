#include "InspectionBar.h"

#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <cmath>

namespace patchead::ui {

QString formatDuration(double seconds)
{
    const qint64 whole = std::llround(std::max(0.0, seconds));
    if (whole >= 3600)
        return InspectionBar::tr("%1 h %2 min").arg(whole / 3600).arg((whole % 3600) / 60, 2, 10, QLatin1Char('0'));
    if (whole >= 60)
        return InspectionBar::tr("%1 min %2 s").arg(whole / 60).arg(whole % 60, 2, 10, QLatin1Char('0'));
    return InspectionBar::tr("%1 s").arg(whole);
}

InspectionBar::InspectionBar(QWidget *parent)
    : QWidget(parent), mBar(new QProgressBar(this)), mText(new QLabel(this)), mCancel(new QPushButton(tr("&Cancel"), this))
{
    mBar->setMinimumWidth(220);
    mBar->setTextVisible(true);
    mText->setTextInteractionFlags(Qt::TextSelectableByMouse);
    mCancel->setToolTip(tr("Stop after the part being scored; a later run of the same lot resumes (Shift+F5)"));
    connect(mCancel, &QPushButton::clicked, this, &InspectionBar::cancelRequested);

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 2, 6, 2);
    layout->addWidget(mBar);
    layout->addWidget(mText, 1);
    layout->addWidget(mCancel);
    setRunning(false);
}

void InspectionBar::setRunning(bool running)
{
    mCancel->setEnabled(running);
    mCancel->setVisible(running);
    mBar->setVisible(running);
}

void InspectionBar::showStage(const QString &stage, int done, int total)
{
    if (stage == QLatin1String("encoder")) {
        mBar->setRange(0, 0);
        mText->setText(tr("Loading the encoder…"));
        return;
    }
    mBar->setRange(0, std::max(1, total));
    mBar->setValue(done);
    if (stage == QLatin1String("references")) {
        mBar->setFormat(tr("%v / %m references"));
        mText->setText(tr("Encoding the reference images (%1 of %2)…").arg(done).arg(total));
    } else if (stage == QLatin1String("encoding")) {
        mBar->setFormat(tr("%v / %m parts encoded"));
        mText->setText(tr("Encoding the parts for zero-shot scoring (%1 of %2)…").arg(done).arg(total));
    } else {
        mBar->setFormat(tr("%v / %m"));
        mText->setText(tr("%1 (%2 of %3)…").arg(stage).arg(done).arg(total));
    }
}

void InspectionBar::showProgress(const LotProgress &progress)
{
    mBar->setRange(0, std::max(1, progress.total));
    mBar->setValue(progress.stored);
    mBar->setFormat(tr("%v / %m parts"));
    QString text = progress.etaSeconds >= 0.0
                       ? tr("%1 scored this run, about %2 left").arg(progress.scoredThisRun).arg(formatDuration(progress.etaSeconds))
                       : tr("%1 scored this run").arg(progress.scoredThisRun);
    if (progress.failed > 0)
        text += tr(", %n unreadable", nullptr, progress.failed);
    text += tr(" · %1").arg(QFileInfo(progress.lastPart).fileName());
    mText->setText(text);
}

void InspectionBar::showMessage(const QString &text)
{
    mText->setText(text);
}

} // namespace patchead::ui
