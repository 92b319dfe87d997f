#include "SetupPage.h"

#include "MaskPreviewPanel.h"
#include "ReferencePanel.h"
#include "ReferenceScorer.h"
#include "SettingsPanel.h"
#include "common/Error.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QTimer>
#include <QVBoxLayout>

namespace patchead::ui {

SetupPage::SetupPage(QWidget *parent)
    : QWidget(parent),
      mReferences(new ReferencePanel(this)),
      mSettings(new SettingsPanel(this)),
      mMaskPreview(new MaskPreviewPanel(mSettings, this)),
      mScorer(new ReferenceScorer(this)),
      mScoreTimer(new QTimer(this)),
      mLotFolder(new QLineEdit(this)),
      mLotName(new QLineEdit(this)),
      mRun(new QPushButton(tr("R&un inspection"), this))
{
    mScoreTimer->setSingleShot(true);
    mScoreTimer->setInterval(600);
    connect(mScoreTimer, &QTimer::timeout, this, &SetupPage::scoreReferences);
    connect(mReferences, &ReferencePanel::referencesChanged, this, &SetupPage::scheduleScoring);
    connect(mReferences, &ReferencePanel::scoreRequested, this, &SetupPage::scoreReferences);
    connect(mSettings, &SettingsPanel::settingsChanged, this, [this] {
        mReferences->clearScores();
        scheduleScoring();
    });
    connect(mScorer, &ReferenceScorer::progressed, this, [this](int done, int total) {
        mReferences->setStatus(tr("Scoring references: %1 of %2 encoded…").arg(done).arg(total));
    });
    connect(mScorer, &ReferenceScorer::scored, this, &SetupPage::onScored);
    connect(mScorer, &ReferenceScorer::failed, mReferences, &ReferencePanel::setStatus);

    auto *referenceGroup = new QGroupBox(tr("Good samples (references)"), this);
    auto *referenceLayout = new QVBoxLayout(referenceGroup);
    referenceLayout->addWidget(mReferences);
    auto *maskGroup = new QGroupBox(tr("Foreground mask preview"), this);
    auto *maskLayout = new QVBoxLayout(maskGroup);
    maskLayout->addWidget(mMaskPreview);
    connect(mReferences->listWidget(), &QListWidget::currentItemChanged, this, [this](QListWidgetItem *item) {
        if (item)
            mMaskPreview->showImage(item->data(ReferencePanel::PathRole).toString());
    });
    auto *left = new QSplitter(Qt::Vertical, this);
    left->addWidget(referenceGroup);
    left->addWidget(maskGroup);
    left->setStretchFactor(0, 2);
    left->setStretchFactor(1, 3);
    left->setChildrenCollapsible(false);

    auto *scroll = new QScrollArea(this);
    scroll->setWidget(mSettings);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    auto *right = new QWidget(this);
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addWidget(scroll, 1);
    rightLayout->addWidget(createLotGroup());

    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(left);
    splitter->addWidget(right);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(splitter);
    mReferences->setStatus(tr("Drop good-sample images or a folder on the thumbnails, or use Add images."));
}

QWidget *SetupPage::createLotGroup()
{
    auto *group = new QGroupBox(tr("Lot"), this);
    auto *form = new QFormLayout(group);
    auto *browse = new QPushButton(tr("Bro&wse…"), group);
    connect(browse, &QPushButton::clicked, this, &SetupPage::browseLotFolder);
    auto *folderRow = new QHBoxLayout;
    folderRow->addWidget(mLotFolder, 1);
    folderRow->addWidget(browse);
    mLotFolder->setToolTip(tr("Folder of part images; every supported image in it is inspected"));
    auto *folderLabel = new QLabel(tr("Fol&der:"), group);
    folderLabel->setBuddy(mLotFolder);
    form->addRow(folderLabel, folderRow);
    mLotName->setToolTip(tr("Identifies the lot in the database; running a stored lot again resumes it"));
    form->addRow(tr("&Name:"), mLotName);
    mRun->setToolTip(tr("Inspect the lot against the references (F5)"));
    form->addRow(QString(), mRun);
    connect(mRun, &QPushButton::clicked, this, &SetupPage::runRequested);
    connect(mLotName, &QLineEdit::textEdited, this, [this] { mNameEdited = !mLotName->text().isEmpty(); });
    connect(mLotFolder, &QLineEdit::editingFinished, this, [this] { setLotFolder(mLotFolder->text()); });
    return group;
}

QString SetupPage::lotFolder() const
{
    return mLotFolder->text().trimmed();
}

QString SetupPage::lotName() const
{
    return mLotName->text().trimmed();
}

void SetupPage::setLotFolder(const QString &folder)
{
    mLotFolder->setText(folder);
    if (!mNameEdited)
        mLotName->setText(QFileInfo(folder).fileName());
}

void SetupPage::setRunning(bool running)
{
    mRun->setEnabled(!running);
}

void SetupPage::browseLotFolder()
{
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Choose the folder of the lot"), lotFolder());
    if (!folder.isEmpty())
        setLotFolder(folder);
}

void SetupPage::scheduleScoring()
{
    if (mAutoScore && mSettings->hasValidManifest() && !mReferences->paths().isEmpty())
        mScoreTimer->start();
    else if (!mSettings->hasValidManifest())
        mReferences->setStatus(tr("Choose an encoder manifest in the settings to score the references."));
}

void SetupPage::scoreReferences()
{
    mScoreTimer->stop();
    ReferenceScoreRequest request;
    request.paths = mReferences->paths();
    if (request.paths.isEmpty()) {
        mReferences->setStatus(tr("Add good-sample images first."));
        return;
    }
    try {
        request.settings = mSettings->settings();
    } catch (const SettingsError &error) {
        mReferences->setStatus(error.message());
        return;
    }
    request.manifestPath = mSettings->manifestPath();
    request.device = mSettings->device();
    mReferences->setStatus(tr("Loading the encoder to score the references…"));
    mScorer->request(request);
}

void SetupPage::onScored(const ReferenceScoreResult &result)
{
    mReferences->setResult(result);
    mReferences->setStatus(result.images.size() > 1
                               ? tr("Leave-one-out scores of %n references.", nullptr, static_cast<int>(result.images.size()))
                               : tr("Leave-one-out scores need at least two usable references."));
}

} // namespace patchead::ui
