#include "MainWindow.h"

#include "InspectionBar.h"
#include "InspectionJob.h"
#include "LotDocument.h"
#include "LotView.h"
#include "LotsBrowser.h"
#include "MaskPreviewPanel.h"
#include "OperatorVerdictCommand.h"
#include "PartReviewView.h"
#include "ReferencePanel.h"
#include "SettingsPanel.h"
#include "ShortcutsDialog.h"
#include "SetupPage.h"
#include "ThresholdPanel.h"
#include "UiLogging.h"
#include "common/Error.h"
#include "report/CsvExport.h"
#include "report/LotReport.h"

#include <QCloseEvent>
#include <QCoreApplication>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QSplitter>
#include <QStandardPaths>
#include <QStatusBar>
#include <QStyle>
#include <QTabWidget>
#include <QTableView>
#include <QUndoStack>
#include <QVBoxLayout>

namespace patchead::ui {

namespace {

const QString kRecentKey = QStringLiteral("recentDatabases");
constexpr int kMaxRecent = 8;

} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent), mDocument(new LotDocument(this)), mJob(new InspectionJob(this))
{
    initResources();
    // The PNG serves where Qt's SVG plugin is not installed.
    QIcon icon(QStringLiteral(":/icons/patchead.svg"));
    icon.addFile(QStringLiteral(":/icons/patchead-256.png"));
    setWindowIcon(icon);
    createPages();
    createActions();
    createMenus();

    connect(mDocument, &LotDocument::databaseChanged, this, [this] {
        updateTitle();
        updateActions();
    });
    connect(mDocument, &LotDocument::lotChanged, this, [this] {
        updateTitle();
        updateActions();
    });
    connect(mDocument, &LotDocument::errorOccurred, this,
            [this](const QString &message) { showError(tr("Database error"), message); });
    connect(mJob, &InspectionJob::stageProgressed, this, &MainWindow::onStageProgressed);
    connect(mJob, &InspectionJob::partStored, this, &MainWindow::onPartStored);
    connect(mJob, &InspectionJob::finished, this, &MainWindow::onInspectionFinished);
    connect(mJob, &InspectionJob::failed, this, &MainWindow::onInspectionFailed);
    connect(mBar, &InspectionBar::cancelRequested, this, &MainWindow::cancelInspection);
    connect(mSetup, &SetupPage::runRequested, this, &MainWindow::runInspection);
    connect(mLotView, &LotView::currentPartChanged, mReview, &PartReviewView::showPart);
    connect(mLots, &LotsBrowser::lotActivated, this, &MainWindow::openLot);
    connect(mPages, &QTabWidget::currentChanged, this, &MainWindow::updateActions);

    mDatabaseLabel = new QLabel(this);
    statusBar()->addPermanentWidget(mDatabaseLabel);
    resize(1500, 920);
    updateTitle();
    updateActions();
}

MainWindow::~MainWindow() = default;

void MainWindow::createPages()
{
    mSetup = new SetupPage(this);
    mLotView = new LotView(mDocument, this);
    mReview = new PartReviewView(mDocument, this);
    mThresholds = new ThresholdPanel(mDocument, this);
    mLots = new LotsBrowser(mDocument, this);
    mBar = new InspectionBar(this);
    mDocument->setPreferredManifest(mSetup->settingsPanel()->manifestPath());
    mDocument->setOperatorName(mSetup->settingsPanel()->operatorName());
    connect(mSetup->settingsPanel(), &SettingsPanel::settingsChanged, this, [this] {
        mDocument->setPreferredManifest(mSetup->settingsPanel()->manifestPath());
        mDocument->setOperatorName(mSetup->settingsPanel()->operatorName());
    });

    auto *review = new QSplitter(Qt::Horizontal, this);
    review->addWidget(mLotView);
    review->addWidget(mReview);
    review->addWidget(mThresholds);
    review->setStretchFactor(0, 3);
    review->setStretchFactor(1, 5);
    review->setStretchFactor(2, 4);
    review->setSizes({420, 620, 460});
    review->setChildrenCollapsible(false);

    mPages = new QTabWidget(this);
    mPages->setDocumentMode(true);
    mPages->addTab(mSetup, tr("Set-up"));
    mPages->addTab(review, tr("Review"));
    mPages->addTab(mLots, tr("Lots"));

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(mPages, 1);
    layout->addWidget(mBar);
    setCentralWidget(central);
}

QAction *MainWindow::createAction(QMenu *menu, const QString &text, const QList<QKeySequence> &keys, const QString &tip)
{
    auto *action = new QAction(text, this);
    action->setShortcuts(keys);
    QStringList keyNames;
    for (const QKeySequence &key : keys) {
        if (!key.isEmpty())
            keyNames << key.toString(QKeySequence::NativeText);
    }
    action->setToolTip(keyNames.isEmpty() ? tip : tr("%1 (%2)").arg(tip, keyNames.join(tr(" or "))));
    action->setStatusTip(tip);
    if (menu)
        menu->addAction(action);
    QWidget::addAction(action);
    return action;
}

void MainWindow::createActions()
{
    mUndo = mDocument->undoStack()->createUndoAction(this, tr("&Undo"));
    mUndo->setShortcuts(QKeySequence::Undo);
    mRedo = mDocument->undoStack()->createRedoAction(this, tr("&Redo"));
    mRedo->setShortcuts(QKeySequence::Redo);
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    mOpenDatabase = createAction(file, tr("&Open database…"), {QKeySequence::Open}, tr("Open or create a lot database"));
    mRecentMenu = file->addMenu(tr("Recent &databases"));
    mNewLot = createAction(file, tr("&New lot from folder…"), {QKeySequence::New},
                        tr("Choose a folder of part images to inspect as a lot"));
    mExportCsv = createAction(file, tr("&Export CSV…"), {QKeySequence(Qt::CTRL | Qt::Key_E)},
                           tr("Write every part of the open lot to a CSV file"));
    mExportReport = createAction(file, tr("Export PDF &report…"), {QKeySequence(Qt::CTRL | Qt::Key_P)},
                              tr("Write the lot report: summary, histogram and every flagged part with its heatmap"));
    file->addSeparator();
    mQuit = createAction(file, tr("&Quit"), {QKeySequence(Qt::CTRL | Qt::Key_Q)}, tr("Close the workstation"));
    connect(mOpenDatabase, &QAction::triggered, this, &MainWindow::browseDatabase);
    connect(mNewLot, &QAction::triggered, this, &MainWindow::newLotFromFolder);
    connect(mExportCsv, &QAction::triggered, this, &MainWindow::exportCsv);
    connect(mExportReport, &QAction::triggered, this, &MainWindow::exportReport);
    connect(mQuit, &QAction::triggered, this, &QWidget::close);
    updateRecentMenu();

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    edit->addAction(mUndo);
    edit->addAction(mRedo);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    mShowSetup = createAction(view, tr("&Set-up"), {QKeySequence(Qt::CTRL | Qt::Key_1)}, tr("Show the set-up page"));
    mShowReview = createAction(view, tr("&Review"), {QKeySequence(Qt::CTRL | Qt::Key_2)}, tr("Show the review page"));
    mShowLots = createAction(view, tr("&Lots"), {QKeySequence(Qt::CTRL | Qt::Key_3)}, tr("Show every lot of the database"));
    connect(mShowSetup, &QAction::triggered, this, [this] { showPage(SetupPageIndex); });
    connect(mShowReview, &QAction::triggered, this, [this] { showPage(ReviewPageIndex); });
    connect(mShowLots, &QAction::triggered, this, [this] { showPage(LotsPageIndex); });

    QMenu *inspection = menuBar()->addMenu(tr("&Inspection"));
    mRun = createAction(inspection, tr("&Run inspection"), {QKeySequence(Qt::Key_F5)},
                     tr("Inspect the lot of the set-up page against its references"));
    mCancel = createAction(inspection, tr("&Cancel inspection"), {QKeySequence(Qt::SHIFT | Qt::Key_F5)},
                        tr("Stop the running inspection after the current part"));
    mScoreReferences = createAction(inspection, tr("&Score references"), {QKeySequence(Qt::Key_F6)},
                                 tr("Score each reference against the others"));
    connect(mRun, &QAction::triggered, this, &MainWindow::runInspection);
    connect(mCancel, &QAction::triggered, this, &MainWindow::cancelInspection);
    connect(mScoreReferences, &QAction::triggered, mSetup, &SetupPage::scoreReferences);

    QMenu *review = menuBar()->addMenu(tr("&Review"));
    mNextFlagged = createAction(review, tr("&Next flagged part"), {QKeySequence(Qt::Key_N), QKeySequence(Qt::Key_J)},
                             tr("Select the next part in review, failed or unreadable"));
    mPreviousFlagged = createAction(review, tr("&Previous flagged part"), {QKeySequence(Qt::Key_P), QKeySequence(Qt::Key_K)},
                                 tr("Select the previous part in review, failed or unreadable"));
    review->addSeparator();
    mAccept = createAction(review, tr("&Accept part"), {QKeySequence(Qt::Key_A)},
                        tr("Mark the selected part as good and go to the next flagged part"));
    mReject = createAction(review, tr("Re&ject part"), {QKeySequence(Qt::Key_R)},
                        tr("Mark the selected part as defective and go to the next flagged part"));
    mClearDecision = createAction(review, tr("&Clear decision"), {QKeySequence(Qt::Key_U)},
                               tr("Remove the operator's decision on the selected part"));
    mAccept->setIcon(style()->standardIcon(QStyle::SP_DialogApplyButton));
    mReject->setIcon(style()->standardIcon(QStyle::SP_DialogCancelButton));
    mNextFlagged->setIcon(style()->standardIcon(QStyle::SP_ArrowDown));
    mPreviousFlagged->setIcon(style()->standardIcon(QStyle::SP_ArrowUp));
    connect(mNextFlagged, &QAction::triggered, mLotView, &LotView::selectNextFlagged);
    connect(mPreviousFlagged, &QAction::triggered, mLotView, &LotView::selectPreviousFlagged);
    connect(mAccept, &QAction::triggered, this, [this] { decideCurrentPart(OperatorVerdict::Accepted); });
    connect(mReject, &QAction::triggered, this, [this] { decideCurrentPart(OperatorVerdict::Rejected); });
    connect(mClearDecision, &QAction::triggered, this, [this] { decideCurrentPart(OperatorVerdict::None); });
    review->addSeparator();
    mPreviewMask = createAction(review, tr("Preview &mask of the part"), {QKeySequence(Qt::CTRL | Qt::Key_M)},
                                tr("Show the selected part's foreground mask on the set-up page, where the mask "
                                   "settings and regions are edited"));
    connect(mPreviewMask, &QAction::triggered, this, &MainWindow::previewCurrentPartMask);
    mLotView->tableView()->setContextMenuPolicy(Qt::ActionsContextMenu);
    mLotView->tableView()->addAction(mPreviewMask);
    mReview->setReviewActions({mPreviousFlagged, mNextFlagged, mAccept, mReject});

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    mShortcuts = createAction(help, tr("&Keyboard shortcuts"), {QKeySequence::HelpContents}, tr("List every keyboard shortcut"));
    mAbout = createAction(help, tr("&About PatchEAD Workstation"), {}, tr("Version and licences"));
    connect(mShortcuts, &QAction::triggered, this, &MainWindow::showShortcuts);
    connect(mAbout, &QAction::triggered, this, &MainWindow::showAbout);

    mActionGroups = {
        {tr("File"), {mOpenDatabase, mNewLot, mExportCsv, mExportReport, mQuit}},
        {tr("Edit"), {mUndo, mRedo}},
        {tr("View"), {mShowSetup, mShowReview, mShowLots}},
        {tr("Inspection"), {mRun, mCancel, mScoreReferences}},
        {tr("Review"), {mNextFlagged, mPreviousFlagged, mAccept, mReject, mClearDecision, mPreviewMask}},
        {tr("Help"), {mShortcuts}},
    };
}

void MainWindow::updateActions()
{
    const bool running = mJob->isRunning();
    const bool reviewing = mDocument->hasLot() && mPages->currentIndex() == ReviewPageIndex;
    for (QAction *action : {mNextFlagged, mPreviousFlagged, mAccept, mReject, mClearDecision, mPreviewMask})
        action->setEnabled(reviewing);
    mExportCsv->setEnabled(mDocument->hasLot());
    mExportReport->setEnabled(mDocument->hasLot());
    mRun->setEnabled(!running);
    mCancel->setEnabled(running);
    mOpenDatabase->setEnabled(!running);
    mRecentMenu->setEnabled(!running);
}

void MainWindow::updateTitle()
{
    QString title = tr("PatchEAD Workstation");
    if (mDocument->hasLot())
        title = tr("%1 – %2").arg(mDocument->lot().name, title);
    setWindowTitle(title);
    if (mDatabaseLabel)
        mDatabaseLabel->setText(mDocument->hasDatabase() ? tr("Database: %1").arg(mDocument->databasePath())
                                                         : tr("No database open"));
}

void MainWindow::showPage(Page page)
{
    mPages->setCurrentIndex(page);
    if (page == ReviewPageIndex)
        mLotView->tableView()->setFocus();
}

void MainWindow::showError(const QString &title, const QString &message)
{
    qCWarning(lcUi) << title << ":" << message;
    mLastError = message;
    statusBar()->showMessage(message, 15000);
    auto *box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setObjectName(QStringLiteral("errorMessageBox"));
    box->open();
}

QString MainWindow::defaultDatabasePath()
{
    const QString folder = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    QDir().mkpath(folder);
    return QDir(folder).filePath(QStringLiteral("lots.sqlite"));
}

bool MainWindow::openDatabase(const QString &path)
{
    if (mJob->isRunning()) {
        showError(tr("Cannot open the database"), tr("Wait for the inspection to finish or cancel it first."));
        return false;
    }
    try {
        mDocument->openDatabase(QFileInfo(path).absoluteFilePath());
    } catch (const StoreError &error) {
        showError(tr("Cannot open the database"), error.message());
        return false;
    }
    rememberDatabase(mDocument->databasePath());
    statusBar()->showMessage(tr("Opened %1").arg(mDocument->databasePath()), 5000);
    return true;
}

bool MainWindow::openStartupDatabase()
{
    const QStringList recent = QSettings().value(kRecentKey).toStringList();
    for (const QString &path : recent) {
        if (QFileInfo::exists(path))
            return openDatabase(path);
    }
    return openDatabase(defaultDatabasePath());
}

void MainWindow::rememberDatabase(const QString &path)
{
    QStringList recent = QSettings().value(kRecentKey).toStringList();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > kMaxRecent)
        recent.removeLast();
    QSettings().setValue(kRecentKey, recent);
    updateRecentMenu();
}

void MainWindow::updateRecentMenu()
{
    mRecentMenu->clear();
    const QStringList recent = QSettings().value(kRecentKey).toStringList();
    for (const QString &path : recent) {
        QAction *action = mRecentMenu->addAction(path);
        connect(action, &QAction::triggered, this, [this, path] { openDatabase(path); });
    }
    if (recent.isEmpty())
        mRecentMenu->addAction(tr("No recent databases"))->setEnabled(false);
}

void MainWindow::browseDatabase()
{
    const QString start = mDocument->hasDatabase() ? QFileInfo(mDocument->databasePath()).absolutePath() : QDir::homePath();
    QFileDialog dialog(this, tr("Open or create a lot database"), start,
                       tr("Lot databases (*.sqlite *.db);;All files (*)"));
    dialog.setFileMode(QFileDialog::AnyFile);
    dialog.setAcceptMode(QFileDialog::AcceptOpen);
    dialog.setDefaultSuffix(QStringLiteral("sqlite"));
    if (dialog.exec() == QDialog::Accepted && !dialog.selectedFiles().isEmpty())
        openDatabase(dialog.selectedFiles().constFirst());
}

bool MainWindow::openLot(qint64 lotId)
{
    try {
        mDocument->openLot(lotId);
    } catch (const StoreError &error) {
        showError(tr("Cannot open the lot"), error.message());
        return false;
    }
    showPage(ReviewPageIndex);
    mLotView->selectNextFlagged();
    return true;
}

bool MainWindow::openLotNamed(const QString &name)
{
    const std::optional<LotRecord> lot = mDocument->store() ? mDocument->store()->findLot(name) : std::nullopt;
    if (!lot) {
        showError(tr("Lot not found"), tr("There is no lot named \"%1\" in %2.")
                                           .arg(name, mDocument->hasDatabase() ? mDocument->databasePath()
                                                                               : tr("the database")));
        return false;
    }
    return openLot(lot->id);
}

void MainWindow::newLotFromFolder()
{
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Choose the folder of the lot"),
                                                             mSetup->lotFolder());
    if (folder.isEmpty())
        return;
    mSetup->setLotFolder(folder);
    showPage(SetupPageIndex);
}

void MainWindow::exportCsv()
{
    if (!mDocument->hasLot())
        return;
    const QString suggested = QDir(QDir::homePath()).filePath(mDocument->lot().name + QStringLiteral(".csv"));
    const QString path = QFileDialog::getSaveFileName(this, tr("Export the lot as CSV"), suggested,
                                                      tr("CSV files (*.csv)"));
    if (path.isEmpty())
        return;
    try {
        writePartsCsv(path, mDocument->lot(), mDocument->parts());
    } catch (const Error &error) {
        showError(tr("Cannot export the lot"), error.message());
        return;
    }
    statusBar()->showMessage(tr("Wrote %1").arg(path), 5000);
}

void MainWindow::exportReport()
{
    if (!mDocument->hasLot() || !mDocument->store())
        return;
    const QString suggested = QDir(QDir::homePath()).filePath(mDocument->lot().name + QStringLiteral(".pdf"));
    const QString path = QFileDialog::getSaveFileName(this, tr("Export the lot report"), suggested,
                                                      tr("PDF files (*.pdf)"));
    if (path.isEmpty())
        return;
    const QString database = mDocument->store()->path();
    const qint64 lotId = mDocument->lot().id;
    statusBar()->showMessage(tr("Writing report %1…").arg(path));
    auto *watcher = new QFutureWatcher<QString>(this);
    connect(watcher, &QFutureWatcher<QString>::finished, this, [this, watcher, path] {
        const QString error = watcher->result();
        watcher->deleteLater();
        if (!error.isEmpty()) {
            showError(tr("Cannot write the report"), error);
            return;
        }
        statusBar()->showMessage(tr("Wrote %1").arg(path), 5000);
    });
    watcher->setFuture(QtConcurrent::run([database, lotId, path]() -> QString {
        try {
            std::unique_ptr<LotStore> store = LotStore::open(database);
            writeLotReport(*store, lotId, path);
            return {};
        } catch (const Error &error) {
            qCWarning(lcUi) << "Report of lot" << lotId << "failed:" << error.message();
            return error.message();
        }
    }));
}

void MainWindow::showShortcuts()
{
    auto *dialog = new ShortcutsDialog(mActionGroups, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About PatchEAD Workstation"),
                       tr("<p><b>PatchEAD Workstation %1</b></p>"
                          "<p>Training-free visual anomaly detection for industrial inspection: each part is "
                          "scored by the distance of its image patches to the nearest patches of a few "
                          "known-good reference images, with a frozen encoder.</p>")
                           .arg(QCoreApplication::applicationVersion()));
}

void MainWindow::decideCurrentPart(OperatorVerdict verdict)
{
    const qint64 partId = mLotView->currentPartId();
    const int row = mDocument->rowOfPart(partId);
    if (partId == 0 || row < 0)
        return;
    const PartRecord &part = mDocument->part(row);
    // Found before the decision, which may filter the current row out.
    const qint64 next = verdict == OperatorVerdict::None ? 0 : mLotView->flaggedNeighbour(+1);
    if (part.operatorVerdict != verdict) {
        mDocument->undoStack()->push(new OperatorVerdictCommand(mDocument, partId, part.operatorVerdict, verdict,
                                                                QFileInfo(part.path).fileName()));
    }
    if (next != 0)
        mLotView->selectPart(next);
}

void MainWindow::previewCurrentPartMask()
{
    const int row = mDocument->rowOfPart(mLotView->currentPartId());
    if (row < 0)
        return;
    mSetup->maskPreview()->showImage(mDocument->part(row).path);
    showPage(SetupPageIndex);
}

bool MainWindow::runInspection()
{
    if (mJob->isRunning())
        return false;
    if (!mDocument->hasDatabase() && !openStartupDatabase())
        return false;

    InspectionJobInput input;
    input.databasePath = mDocument->databasePath();
    input.manifestPath = mSetup->settingsPanel()->manifestPath();
    input.device = mSetup->settingsPanel()->device();
    input.request.lotName = mSetup->lotName();
    input.request.lotFolder = mSetup->lotFolder();
    input.request.referencePaths = mSetup->settingsPanel()->referencesForRun(mSetup->referencePanel()->paths());
    input.request.operatorName = mSetup->settingsPanel()->operatorName();
    try {
        input.request.settings = mSetup->settingsPanel()->settings();
    } catch (const SettingsError &error) {
        showError(tr("Cannot start the inspection"), error.message());
        return false;
    }

    QString problem;
    if (input.request.lotFolder.isEmpty() || !QFileInfo(input.request.lotFolder).isDir())
        problem = tr("Choose an existing folder of part images for the lot.");
    else if (input.request.lotName.isEmpty())
        problem = tr("Give the lot a name.");
    else if (input.request.referencePaths.isEmpty() && !input.request.settings.zeroShot.enabled)
        problem = tr("Add good-sample images as references first, or turn on batch zero-shot scoring.");
    if (!problem.isEmpty()) {
        showPage(SetupPageIndex);
        showError(tr("Cannot start the inspection"), problem);
        return false;
    }

    mRunLotName = input.request.lotName;
    mRunLotOpened = false;
    mJob->start(input);
    setRunning(true);
    showPage(ReviewPageIndex);
    return true;
}

void MainWindow::cancelInspection()
{
    if (!mJob->isRunning())
        return;
    mJob->cancel();
    mBar->showMessage(tr("Cancelling after the current part…"));
}

void MainWindow::setRunning(bool running)
{
    mBar->setRunning(running);
    mSetup->setRunning(running);
    // New parts are scored against the stored thresholds, so they stay fixed during a run.
    mThresholds->setEditingLocked(running, running ? tr("Thresholds are locked while a lot is being inspected.")
                                                   : QString());
    updateActions();
}

void MainWindow::onStageProgressed(const QString &stage, int done, int total)
{
    mBar->showStage(stage, done, total);
}

void MainWindow::onPartStored(const LotProgress &progress, const PartRecord &part)
{
    mBar->showProgress(progress);
    if (!mRunLotOpened) {
        // The lot record exists from the first stored part on.
        mRunLotOpened = openLot(part.lotId);
        return;
    }
    mDocument->addStoredPart(part);
}

void MainWindow::onInspectionFinished(const LotSummary &summary)
{
    setRunning(false);
    if (summary.lot.id != 0 && !mRunLotOpened)
        mRunLotOpened = openLot(summary.lot.id);
    else
        mDocument->refreshLotRecord();
    mLots->refresh();

    QString text;
    if (summary.lot.id == 0) {
        text = tr("Inspection cancelled before the first part.");
    } else if (summary.cancelled) {
        text = tr("Lot %1 cancelled after %2 parts this run; run it again to resume.")
                   .arg(summary.lot.name).arg(summary.scoredThisRun);
    } else {
        text = tr("Lot %1 complete: %2 pass, %3 review, %4 fail, %5 unreadable; %6 scored this run at %7 s per part.")
                   .arg(summary.lot.name)
                   .arg(summary.counts.pass)
                   .arg(summary.counts.review)
                   .arg(summary.counts.fail)
                   .arg(summary.counts.error)
                   .arg(summary.scoredThisRun)
                   .arg(summary.secondsPerPart, 0, 'f', 2);
    }
    if (!summary.rejectedReferences.empty())
        text += tr(" %n reference(s) were not usable.", nullptr, static_cast<int>(summary.rejectedReferences.size()));
    for (const RejectedInput &outlier : summary.outlierReferences)
        text += tr(" Reference %1 looks unlike the others and raises the thresholds; check that it shows a good part.")
                    .arg(QFileInfo(outlier.path).fileName());
    mBar->showMessage(text);
}

void MainWindow::onInspectionFailed(const QString &message)
{
    setRunning(false);
    mBar->showMessage(tr("The inspection stopped: %1").arg(message));
    showError(tr("Inspection failed"), message);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (mJob->isRunning()) {
        // Stored parts are kept; a later run of the lot resumes.
        mJob->cancel();
    }
    QMainWindow::closeEvent(event);
}

} // namespace patchead::ui
