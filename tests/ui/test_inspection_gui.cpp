// End-to-end test of inspection runs through the workstation's worker with
// the real default encoder. References are dropped in and scored, a lot is
// run from the set-up page with results streaming into the lot table, and a
// second run is cancelled and stops after the parts already being scored. The test skips when the encoder
// has not been prepared (models/prepare-default-encoder.sh BUILD_DIR/models).

#include "UiTestSupport.h"
#include "ui/InspectionBar.h"
#include "ui/InspectionJob.h"
#include "ui/LotDocument.h"
#include "ui/LotView.h"
#include "ui/MainWindow.h"
#include "ui/ReferencePanel.h"
#include "ui/SettingsPanel.h"
#include "ui/SetupPage.h"
#include "scoring/BlasThreads.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <atomic>

using namespace patchead;
using namespace patchead::ui;
using namespace patchead::uitest;

class TestInspectionGui : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void runStreamsPartsAndCancelStops();

private:
    QString mManifest;
};

void TestInspectionGui::initTestCase()
{
    isolateSettings();
    mManifest = QDir(qEnvironmentVariable("PATCHEAD_MODEL_DIR")).filePath(QStringLiteral("mobilenet_v2/manifest.json"));
    if (qEnvironmentVariableIsEmpty("PATCHEAD_MODEL_DIR") || !QFileInfo::exists(mManifest))
        QSKIP("The default encoder is not prepared: run models/prepare-default-encoder.sh BUILD_DIR/models "
              "and set PATCHEAD_MODEL_DIR=BUILD_DIR/models (CTest sets it).");
}

void TestInspectionGui::runStreamsPartsAndCancelStops()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QStringList references = writePartImages(dir.filePath(QStringLiteral("good")), QStringLiteral("ref"), 4, 160, 100);
    writePartImages(dir.filePath(QStringLiteral("lot1")), QStringLiteral("part"), 6, 160, 200, 3);
    writePartImages(dir.filePath(QStringLiteral("lot2")), QStringLiteral("part"), 40, 160, 300, 4);

    // Remembered settings that keep the run short on a CPU: a 128 px input
    // and no rotated reference copies (these flanges would qualify for them).
    QSettings().setValue(QStringLiteral("settings/resolution"), 128);
    QSettings().setValue(QStringLiteral("settings/alignment"), QStringLiteral("off"));
    MainWindow window;
    QCOMPARE(window.setupPage()->settingsPanel()->settings().resolution, 128);
    QVERIFY(window.openDatabase(dir.filePath(QStringLiteral("lots.sqlite"))));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    SetupPage *setup = window.setupPage();
    setup->settingsPanel()->setManifestPath(mManifest);
    QVERIFY(setup->settingsPanel()->hasValidManifest());

    // References: dropped in, then scored against each other on a worker thread.
    QVERIFY(dropFiles(setup->referencePanel()->listWidget()->viewport(), {dir.filePath(QStringLiteral("good"))}));
    QCOMPARE(setup->referencePanel()->paths(), references);
    QTRY_VERIFY_WITH_TIMEOUT(!setup->referencePanel()->highlightedPath().isEmpty(), 180000);
    QVERIFY(setup->referencePanel()->listWidget()->item(0)->data(ReferencePanel::LeaveOneOutRole).toDouble() > 0.0);

    // First run: every part streams into the lot table while the event loop keeps turning.
    // partStored is emitted on the worker thread, so it is counted through a
    // queued connection rather than a QSignalSpy.
    int stored = 0;
    connect(window.inspectionJob(), &InspectionJob::partStored, this, [&stored] { ++stored; }, Qt::QueuedConnection);
    // Counted where the signal is emitted, so the count is current when the
    // cancel button is clicked, and the emitting thread is recorded.
    std::atomic<int> storedOnWorker{0};
    std::atomic<bool> storedOnGuiThread{false};
    connect(window.inspectionJob(), &InspectionJob::partStored, this, [&] {
        ++storedOnWorker;
        if (QThread::currentThread() == qApp->thread())
            storedOnGuiThread = true;
    }, Qt::DirectConnection);
    QSignalSpy finished(window.inspectionJob(), &InspectionJob::finished);
    QElapsedTimer sinceTick;
    qint64 longestGap = 0;
    QTimer heartbeat;
    heartbeat.setInterval(20);
    connect(&heartbeat, &QTimer::timeout, this, [&] {
        longestGap = std::max(longestGap, sinceTick.restart());
    });
    setup->setLotFolder(dir.filePath(QStringLiteral("lot1")));
    QCOMPARE(setup->lotNameEdit()->text(), QStringLiteral("lot1"));
    sinceTick.start();
    heartbeat.start();
    QTest::mouseClick(setup->runButton(), Qt::LeftButton);
    QVERIFY(window.inspectionJob()->isRunning());
    QVERIFY(finished.wait(300000));
    heartbeat.stop();

    QCOMPARE(stored, 6);
    QVERIFY(!finished.first().at(0).value<LotSummary>().cancelled);
    QCOMPARE(window.document()->lot().name, QStringLiteral("lot1"));
    QCOMPARE(window.document()->lot().status, QStringLiteral("complete"));
    QCOMPARE(window.lotView()->tableView()->model()->rowCount(), 6);
    for (const PartRecord &part : window.document()->parts()) {
        QVERIFY(part.verdict != Verdict::Error);
        QVERIFY(part.imageScore > 0.0);
    }
    // The parts are scored off the GUI thread. The maximum pause of the
    // 20 ms heartbeat is printed, not asserted, because it depends on the
    // machine's load.
    QVERIFY(!storedOnGuiThread.load());
    qInfo("maximum pause of the GUI thread during the run: %lld ms", static_cast<long long>(longestGap));

    // Second run: the cancel button is clicked as soon as the window shows
    // the first stored part, as a user would, and the run stops after the
    // parts that its lanes had taken by then. Clicking from the handler
    // rather than after a polling wait keeps the 40 small parts from all
    // finishing first on a fast machine.
    storedOnWorker = 0;
    finished.clear();
    int storedAtCancel = -1;
    QMetaObject::Connection clickCancel;
    clickCancel = connect(window.inspectionJob(), &InspectionJob::partStored, this, [&] {
        disconnect(clickCancel);
        QTest::mouseClick(window.inspectionBar()->cancelButton(), Qt::LeftButton);
        // Read after the click, which sets the cancel flag before it returns.
        storedAtCancel = storedOnWorker.load();
    }, Qt::QueuedConnection);
    setup->setLotFolder(dir.filePath(QStringLiteral("lot2")));
    QTest::mouseClick(setup->runButton(), Qt::LeftButton);
    QVERIFY(finished.wait(180000));
    QVERIFY(storedAtCancel > 0);

    const LotSummary summary = finished.first().at(0).value<LotSummary>();
    QVERIFY(summary.cancelled);
    // A lane takes no part while two parts per lane are taken and not
    // committed, so at most that many are committed after the cancel.
    const int lanes = blasThreadCount();
    QVERIFY2(summary.scoredThisRun <= storedAtCancel + 2 * lanes,
             qPrintable(QStringLiteral("%1 parts scored, %2 of them before the cancel, %3 lanes")
                            .arg(summary.scoredThisRun).arg(storedAtCancel).arg(lanes)));
    QCOMPARE(summary.lot.status, QStringLiteral("cancelled"));
    QCOMPARE(window.document()->parts().size(), window.document()->store()->parts(summary.lot.id).size());
    QVERIFY(!window.inspectionJob()->isRunning());
    QVERIFY(setup->runButton()->isEnabled());
}

QTEST_MAIN(TestInspectionGui)
#include "test_inspection_gui.moc"
