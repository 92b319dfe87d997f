// Interruptions of the workstation's inspection:
// - `patchead-workstation --run`, a separate process, killed with SIGKILL
//   at random points of a lot, many times over. The database stays intact,
//   no committed part is lost or changed, and a run after the kill
//   completes the lot with one row per part.
// - Cancel in the window: the run stops after the part in flight, the lot
//   is marked cancelled, and Run again resumes it.
// The random kill points come from a fixed seed (PATCHEAD_KILL_SEED
// overrides it). Skips when the default encoder is not prepared.

#include "CliTestSupport.h"

#include "common/Error.h"
#include "ui/InspectionBar.h"
#include "ui/InspectionJob.h"
#include "ui/LotDocument.h"
#include "ui/MainWindow.h"
#include "ui/ReferencePanel.h"
#include "ui/SettingsPanel.h"
#include "ui/SetupPage.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QProcess>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

#include <csignal>

using namespace patchead;
using namespace patchead::clitest;
using namespace patchead::ui;

namespace {

constexpr int kKillIterations = 10;
constexpr int kLotParts = 10;

QVector<PartRecord> readWhileWriting(const QString &database, const QString &lot)
{
    for (int attempt = 0;; ++attempt) {
        try {
            return storedParts(database, lot);
        } catch (const StoreError &) {
            if (attempt == 20)
                throw;
            QThread::msleep(20);
        }
    }
}

QString lotStatus(const QString &database, const QString &lot)
{
    if (!QFileInfo::exists(database))
        return {};
    for (int attempt = 0;; ++attempt) {
        try {
            const std::optional<LotRecord> record = LotStore::open(database, LotStore::Mode::ReadOnly)->findLot(lot);
            return record ? record->status : QString();
        } catch (const StoreError &) {
            if (attempt == 20)
                throw;
            QThread::msleep(20);
        }
    }
}

} // namespace

class TestWorkstationInterrupts : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void killAtRandomPoints();
    void cancelThenResume();
    void helpWithoutDisplay();

private:
    QString path(const QString &name) const { return mDir.filePath(name); }
    void startWorkstation(QProcess &process, const QString &database, const QString &lot) const;

    QTemporaryDir mDir;
    QString mReferences;
    QString mLot;
};

void TestWorkstationInterrupts::initTestCase()
{
    QVERIFY(mDir.isValid());
    // This process reads the databases often; one log line per open would bury the test output.
    QLoggingCategory::setFilterRules(QStringLiteral("patchead.store.info=false"));
    QVERIFY2(QFileInfo(programPath(QStringLiteral("patchead-workstation"))).isExecutable(), "patchead-workstation is not built");
    if (defaultEncoderFolder().isEmpty())
        QSKIP("The default encoder is not prepared: run models/prepare-default-encoder.sh BUILD_DIR/models "
              "and set PATCHEAD_MODEL_DIR=BUILD_DIR/models (CTest sets it).");
    mReferences = path(QStringLiteral("good"));
    writeParts(mReferences, QStringLiteral("ref"), 4, 128, 0);
    mLot = path(QStringLiteral("lot"));
    writeParts(mLot, QStringLiteral("part"), kLotParts, 128, 10);

    // Settings of this test only, for the child processes (through
    // XDG_CONFIG_HOME) and for the window of this process: a 128 px input
    // and no rotated reference copies keep the runs short on a CPU.
    const QString config = path(QStringLiteral("config"));
    QSettings child(config + QStringLiteral("/PatchEAD/PatchEAD Workstation.conf"), QSettings::IniFormat);
    child.setValue(QStringLiteral("settings/resolution"), 128);
    child.setValue(QStringLiteral("settings/alignment"), QStringLiteral("off"));
    child.setValue(QStringLiteral("settings/device"), QStringLiteral("cpu"));
    child.sync();
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, path(QStringLiteral("own-config")));
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("PatchEAD-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("test_workstation_interrupts"));
    QSettings own;
    own.clear();
    own.setValue(QStringLiteral("settings/resolution"), 128);
    own.setValue(QStringLiteral("settings/alignment"), QStringLiteral("off"));
    own.setValue(QStringLiteral("settings/device"), QStringLiteral("cpu"));
}

void TestWorkstationInterrupts::startWorkstation(QProcess &process, const QString &database, const QString &lot) const
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("XDG_CONFIG_HOME"), path(QStringLiteral("config")));
    environment.insert(QStringLiteral("XDG_DATA_HOME"), path(QStringLiteral("data")));
    if (!environment.contains(QStringLiteral("DISPLAY")))
        environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    process.setProcessEnvironment(environment);
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(programPath(QStringLiteral("patchead-workstation")),
                  {QStringLiteral("--db"), database, QStringLiteral("--lot"), lot, QStringLiteral("--lot-folder"), mLot,
                   QStringLiteral("--references"), mReferences, QStringLiteral("--threads"), QStringLiteral("2"),
                   QStringLiteral("--run")});
    QVERIFY(process.waitForStarted());
}

// --help and --version must work in a terminal over SSH, where QApplication
// would abort for want of a display.
void TestWorkstationInterrupts::helpWithoutDisplay()
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const char *name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"})
        environment.remove(QString::fromLatin1(name));
    for (const QString &option : {QStringLiteral("--help"), QStringLiteral("--version")}) {
        QProcess process;
        process.setProcessEnvironment(environment);
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.start(programPath(QStringLiteral("patchead-workstation")), {option});
        QVERIFY(process.waitForFinished(60000));
        const QString output = QString::fromUtf8(process.readAll());
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QVERIFY2(process.exitCode() == 0, qPrintable(output));
        QVERIFY2(output.contains(option == QLatin1String("--help") ? QStringLiteral("--lot-folder")
                                                                   : QStringLiteral("patchead-workstation")),
                 qPrintable(output));
    }
}

void TestWorkstationInterrupts::killAtRandomPoints()
{
    const quint32 seed = qEnvironmentVariableIsSet("PATCHEAD_KILL_SEED")
        ? quint32(qEnvironmentVariableIntValue("PATCHEAD_KILL_SEED")) : 20241206u;
    QRandomGenerator random(seed);
    const QString database = path(QStringLiteral("killed.sqlite"));
    int killedBeforeParts = 0;
    int killedDuringParts = 0;

    for (int iteration = 0; iteration < kKillIterations; ++iteration) {
        const QString lot = QStringLiteral("gui-kill-%1").arg(iteration);
        const QString context = QStringLiteral("seed %1, iteration %2").arg(seed).arg(iteration);
        QProcess process;
        startWorkstation(process, database, lot);

        // Target 0: kill while the window starts or the encoder loads;
        // n: kill after about n parts were committed.
        const int target = int(random.bounded(kLotParts));
        if (target == 0) {
            process.waitForFinished(int(random.bounded(2000)));
        } else {
            while (process.state() == QProcess::Running && readWhileWriting(database, lot).size() < target)
                process.waitForFinished(10);
        }
        QThread::msleep(random.bounded(30));
        const QMap<QString, PartRecord> beforeKill = partsByPath(readWhileWriting(database, lot));
        QVERIFY2(process.state() == QProcess::Running, qPrintable(context + QLatin1Char(' ') + QString::fromUtf8(process.readAll())));
        ::kill(pid_t(process.processId()), SIGKILL);
        QVERIFY(process.waitForFinished(30000));
        (beforeKill.isEmpty() ? killedBeforeParts : killedDuringParts) += 1;

        if (QFileInfo::exists(database))
            QVERIFY2(LotStore::open(database, LotStore::Mode::ReadOnly)->integrityCheck() == QStringLiteral("ok"),
                     qPrintable(context));
        const QVector<PartRecord> afterKillRows = readWhileWriting(database, lot);
        const QMap<QString, PartRecord> afterKill = partsByPath(afterKillRows);
        QCOMPARE(afterKill.size(), afterKillRows.size());
        for (const PartRecord &part : beforeKill) {
            QVERIFY2(afterKill.contains(part.path), qPrintable(context + QStringLiteral(": lost ") + part.path));
            QCOMPARE(afterKill.value(part.path).imageScore, part.imageScore);
        }

        // Run the lot again until it is complete; the window stays open, so it is then killed too.
        QProcess rerun;
        startWorkstation(rerun, database, lot);
        while (rerun.state() == QProcess::Running && lotStatus(database, lot) != QStringLiteral("complete"))
            rerun.waitForFinished(50);
        QVERIFY2(rerun.state() == QProcess::Running, qPrintable(context + QLatin1Char(' ') + QString::fromUtf8(rerun.readAll())));
        ::kill(pid_t(rerun.processId()), SIGKILL);
        QVERIFY(rerun.waitForFinished(30000));
        const QVector<PartRecord> rows = storedParts(database, lot);
        const QMap<QString, PartRecord> complete = partsByPath(rows);
        QCOMPARE(rows.size(), kLotParts);
        QCOMPARE(complete.size(), kLotParts);
        for (const PartRecord &part : afterKill) {
            QCOMPARE(complete.value(part.path).imageScore, part.imageScore);
            QCOMPARE(complete.value(part.path).scoredAt, part.scoredAt);
        }
    }
    qInfo("%d SIGKILLs of the workstation survived (seed %u): %d before the first part was stored, %d while "
          "parts were stored", kKillIterations, seed, killedBeforeParts, killedDuringParts);
    QVERIFY2(killedDuringParts >= kKillIterations / 3, "too few kills landed while parts were stored");
}

void TestWorkstationInterrupts::cancelThenResume()
{
    const QString lot = path(QStringLiteral("long lot"));
    writeParts(lot, QStringLiteral("part"), 30, 128, 100);
    const QString database = path(QStringLiteral("cancel.sqlite"));
    MainWindow window;
    QVERIFY(window.openDatabase(database));
    window.show();
    SetupPage *setup = window.setupPage();
    setup->setAutoScore(false);
    setup->settingsPanel()->setManifestPath(defaultEncoderFolder() + QStringLiteral("/manifest.json"));
    QVERIFY(setup->settingsPanel()->hasValidManifest());
    QCOMPARE(setup->referencePanel()->addPaths({mReferences}), 4);
    setup->setLotFolder(lot);

    int stored = 0;
    connect(window.inspectionJob(), &InspectionJob::partStored, this, [&stored] { ++stored; }, Qt::QueuedConnection);
    QSignalSpy finished(window.inspectionJob(), &InspectionJob::finished);
    QTest::mouseClick(setup->runButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(stored >= 2, 180000);
    QElapsedTimer sinceCancel;
    sinceCancel.start();
    QTest::mouseClick(window.inspectionBar()->cancelButton(), Qt::LeftButton);
    QVERIFY(finished.wait(60000));
    qInfo("Cancel to finished signal: %lld ms", static_cast<long long>(sinceCancel.elapsed()));

    // Clean: the lot is marked cancelled, the database is intact, and the
    // window shows exactly the stored parts.
    const LotSummary cancelled = finished.first().at(0).value<LotSummary>();
    QVERIFY(cancelled.cancelled);
    QVERIFY(cancelled.counts.total < 30);
    QCOMPARE(cancelled.lot.status, QStringLiteral("cancelled"));
    QCOMPARE(window.document()->store()->integrityCheck(), QStringLiteral("ok"));
    const QVector<PartRecord> storedRows = window.document()->store()->parts(cancelled.lot.id);
    QCOMPARE(window.document()->parts().size(), storedRows.size());
    QVERIFY(setup->runButton()->isEnabled());

    // Resumable: Run again scores only the remaining parts.
    finished.clear();
    QTest::mouseClick(setup->runButton(), Qt::LeftButton);
    QVERIFY(finished.wait(300000));
    const LotSummary resumed = finished.first().at(0).value<LotSummary>();
    QVERIFY(!resumed.cancelled);
    QCOMPARE(resumed.alreadyStored, int(storedRows.size()));
    QCOMPARE(resumed.scoredThisRun, 30 - int(storedRows.size()));
    QCOMPARE(resumed.lot.status, QStringLiteral("complete"));
    const QVector<PartRecord> rows = window.document()->store()->parts(resumed.lot.id);
    QCOMPARE(rows.size(), 30);
    QCOMPARE(partsByPath(rows).size(), 30);
    for (const PartRecord &before : storedRows)
        QCOMPARE(partsByPath(rows).value(before.path).scoredAt, before.scoredAt);
    QCOMPARE(window.document()->parts().size(), 30);
}

QTEST_MAIN(TestWorkstationInterrupts)
#include "test_workstation_interrupts.moc"
