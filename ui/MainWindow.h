#pragma once

#include "inspection/LotInspection.h"

#include <QMainWindow>

class QAction;
class QLabel;
class QMenu;
class QTabWidget;

namespace patchead::ui {

class InspectionBar;
class InspectionJob;
class LotDocument;
class LotView;
class LotsBrowser;
class PartReviewView;
class SetupPage;
class ThresholdPanel;

// The workstation window: set-up, review and lots pages over one document,
// the inspection progress bar under them, and the menus with every action
// and its shortcut. Errors are shown in a non-modal message box and the
// status bar, so nothing blocks a running inspection.
class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    enum Page { SetupPageIndex, ReviewPageIndex, LotsPageIndex };

    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // Opens a database and remembers it among the recent ones. Shows the
    // error and returns false when it cannot be opened.
    bool openDatabase(const QString &path);
    // Opens the most recent database, or the default one in the user's
    // application data folder.
    bool openStartupDatabase();
    static QString defaultDatabasePath();
    bool openLot(qint64 lotId);
    // Opens a lot by name and shows the review page; false when it is not
    // in the open database.
    bool openLotNamed(const QString &name);
    void showPage(Page page);

    // Starts inspecting the set-up page's lot; shows why and returns false
    // when it cannot start.
    bool runInspection();
    void cancelInspection();

    LotDocument *document() const { return mDocument; }
    SetupPage *setupPage() const { return mSetup; }
    LotView *lotView() const { return mLotView; }
    PartReviewView *reviewView() const { return mReview; }
    ThresholdPanel *thresholdPanel() const { return mThresholds; }
    LotsBrowser *lotsBrowser() const { return mLots; }
    InspectionBar *inspectionBar() const { return mBar; }
    InspectionJob *inspectionJob() const { return mJob; }
    QTabWidget *pages() const { return mPages; }
    QAction *nextFlaggedAction() const { return mNextFlagged; }
    QAction *previousFlaggedAction() const { return mPreviousFlagged; }
    QAction *acceptAction() const { return mAccept; }
    QAction *rejectAction() const { return mReject; }
    QAction *undoAction() const { return mUndo; }
    QAction *redoAction() const { return mRedo; }
    QAction *previewMaskAction() const { return mPreviewMask; }
    // The last message shown by showError, for tests and logs.
    const QString &lastError() const { return mLastError; }

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createPages();
    void createActions();
    void createMenus();
    QAction *createAction(QMenu *menu, const QString &text, const QList<QKeySequence> &keys, const QString &tip);
    void updateRecentMenu();
    void rememberDatabase(const QString &path);
    void updateTitle();
    void updateActions();
    void showError(const QString &title, const QString &message);

    void browseDatabase();
    void newLotFromFolder();
    void exportCsv();
    // Writes the PDF report on a worker thread with its own database
    // connection, so a long report never blocks the window.
    void exportReport();
    void showShortcuts();
    void showAbout();
    void decideCurrentPart(OperatorVerdict verdict);
    // Shows the current part's image in the set-up page's mask preview.
    void previewCurrentPartMask();

    void onStageProgressed(const QString &stage, int done, int total);
    void onPartStored(const LotProgress &progress, const PartRecord &part);
    void onInspectionFinished(const LotSummary &summary);
    void onInspectionFailed(const QString &message);
    void setRunning(bool running);

    LotDocument *mDocument;
    InspectionJob *mJob;
    QTabWidget *mPages = nullptr;
    SetupPage *mSetup = nullptr;
    LotView *mLotView = nullptr;
    PartReviewView *mReview = nullptr;
    ThresholdPanel *mThresholds = nullptr;
    LotsBrowser *mLots = nullptr;
    InspectionBar *mBar = nullptr;
    QLabel *mDatabaseLabel = nullptr;
    QMenu *mRecentMenu = nullptr;
    QList<QPair<QString, QList<QAction *>>> mActionGroups;

    QAction *mOpenDatabase = nullptr;
    QAction *mNewLot = nullptr;
    QAction *mExportCsv = nullptr;
    QAction *mExportReport = nullptr;
    QAction *mQuit = nullptr;
    QAction *mUndo = nullptr;
    QAction *mRedo = nullptr;
    QAction *mShowSetup = nullptr;
    QAction *mShowReview = nullptr;
    QAction *mShowLots = nullptr;
    QAction *mRun = nullptr;
    QAction *mCancel = nullptr;
    QAction *mScoreReferences = nullptr;
    QAction *mNextFlagged = nullptr;
    QAction *mPreviousFlagged = nullptr;
    QAction *mAccept = nullptr;
    QAction *mReject = nullptr;
    QAction *mClearDecision = nullptr;
    QAction *mPreviewMask = nullptr;
    QAction *mShortcuts = nullptr;
    QAction *mAbout = nullptr;

    QString mRunLotName;
    bool mRunLotOpened = false;
    QString mLastError;
};

} // namespace patchead::ui
