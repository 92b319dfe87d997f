// Interruptions and concurrent use of `patchead inspect`, run as separate
// processes with the prepared default encoder:
// - SIGKILL at random points of a lot, many times over: the database stays
//   intact, no committed part is lost or changed, and a re-run completes
//   the lot with one row per part;
// - SIGINT (Ctrl+C): the run stops after the part in flight with exit code
//   5, and a re-run resumes;
// - one process inspecting a lot while another reads it repeatedly.
// The random kill points come from a fixed seed (PATCHEAD_KILL_SEED
// overrides it), so a failure can be replayed. Skips when the default
// encoder is not prepared.

#include "CliTestSupport.h"

#include "common/Error.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

#include <csignal>
#include <cmath>

using namespace patchead;
using namespace patchead::clitest;

namespace {

constexpr int kKillIterations = 30;
constexpr int kLotParts = 10;

// Reads the lot while another process may write it. A read that meets the
// writer mid-way through creating the database is retried.
QVector<PartRecord> readWhileWriting(const QString &database, const QString &lot)
{
    for (int attempt = 0;; ++attempt) {
        try {
            return storedParts(database, lot);
        } catch (const StoreError &error) {
            if (attempt == 20)
                throw;
            QThread::msleep(20);
        }
    }
}

QString integrityOf(const QString &database)
{
    return LotStore::open(database, LotStore::Mode::ReadOnly)->integrityCheck();
}

} // namespace

class TestCliInterrupts : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void killAtRandomPoints();
    void sigintStopsAfterCurrentPart();
    void sigintBeforeFirstPart();
    void readerSeesGrowingLot();

private:
    QString path(const QString &name) const { return mDir.filePath(name); }
    QStringList inspectArguments(const QString &lot, const QString &database, const QString &name) const;
    void startInspect(QProcess &process, const QStringList &arguments) const;
    // Waits until the lot has at least `parts` rows or the process ended.
    int waitForStoredParts(QProcess &process, const QString &database, const QString &lot, int parts) const;

    QTemporaryDir mDir;
    QString mReferences;
    QString mLot;
    QMap<QString, double> mBaselineScores; // uninterrupted run, by path
};

QStringList TestCliInterrupts::inspectArguments(const QString &lot, const QString &database, const QString &name) const
{
    return clitest::inspectArguments(mReferences, lot, database, name, path(QStringLiteral("out")));
}

void TestCliInterrupts::startInspect(QProcess &process, const QStringList &arguments) const
{
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(programPath(QStringLiteral("patchead")), arguments);
    QVERIFY(process.waitForStarted());
}

int TestCliInterrupts::waitForStoredParts(QProcess &process, const QString &database, const QString &lot, int parts) const
{
    int stored = 0;
    while (process.state() == QProcess::Running) {
        stored = int(readWhileWriting(database, lot).size());
        if (stored >= parts)
            break;
        process.waitForFinished(10);
    }
    return stored;
}

void TestCliInterrupts::initTestCase()
{
    QVERIFY(mDir.isValid());
    // This process reads the databases often; one log line per open would bury the test output.
    QLoggingCategory::setFilterRules(QStringLiteral("patchead.store.info=false"));
    QVERIFY2(QFileInfo(programPath(QStringLiteral("patchead"))).isExecutable(), "patchead is not built");
    if (defaultEncoderFolder().isEmpty())
        QSKIP("The default encoder is not prepared: run models/prepare-default-encoder.sh BUILD_DIR/models "
              "and set PATCHEAD_MODEL_DIR=BUILD_DIR/models (CTest sets it).");
    mReferences = path(QStringLiteral("good"));
    writeParts(mReferences, QStringLiteral("ref"), 4, 128, 0);
    mLot = path(QStringLiteral("lot"));
    writeParts(mLot, QStringLiteral("part"), kLotParts, 128, 10);

    const QString database = path(QStringLiteral("baseline.sqlite"));
    const CommandResult baseline = runPatchead(inspectArguments(mLot, database, QStringLiteral("baseline")));
    QVERIFY2(baseline.exitCode == 0 || baseline.exitCode == 1, qPrintable(baseline.all()));
    for (const PartRecord &part : storedParts(database, QStringLiteral("baseline")))
        mBaselineScores.insert(part.path, part.imageScore);
    QCOMPARE(mBaselineScores.size(), kLotParts);
}

void TestCliInterrupts::killAtRandomPoints()
{
    const quint32 seed = qEnvironmentVariableIsSet("PATCHEAD_KILL_SEED")
        ? quint32(qEnvironmentVariableIntValue("PATCHEAD_KILL_SEED")) : 20241205u;
    QRandomGenerator random(seed);
    const QString database = path(QStringLiteral("killed.sqlite"));
    int killedBeforeParts = 0;
    int killedDuringParts = 0;
    int finishedFirst = 0;

    for (int iteration = 0; iteration < kKillIterations; ++iteration) {
        const QString lot = QStringLiteral("kill-%1").arg(iteration);
        const QString context = QStringLiteral("seed %1, iteration %2").arg(seed).arg(iteration);
        QProcess process;
        startInspect(process, inspectArguments(mLot, database, lot));

        // Target: 0 kills while the encoder loads or the lot is created, n
        // kills after about n parts were committed.
        const int target = int(random.bounded(kLotParts));
        if (target == 0)
            process.waitForFinished(int(random.bounded(1500)));
        else
            waitForStoredParts(process, database, lot, target);
        QThread::msleep(random.bounded(30));
        const QMap<QString, PartRecord> beforeKill = partsByPath(readWhileWriting(database, lot));
        if (process.state() != QProcess::Running) {
            ++finishedFirst;
        } else {
            ::kill(pid_t(process.processId()), SIGKILL);
            QVERIFY(process.waitForFinished(30000));
            QCOMPARE(process.exitStatus(), QProcess::CrashExit);
            (beforeKill.isEmpty() ? killedBeforeParts : killedDuringParts) += 1;
        }

        // The database is intact, and every part committed before the kill is unchanged.
        if (QFileInfo::exists(database))
            QVERIFY2(integrityOf(database) == QStringLiteral("ok"), qPrintable(context));
        const QVector<PartRecord> afterKillRows = readWhileWriting(database, lot);
        const QMap<QString, PartRecord> afterKill = partsByPath(afterKillRows);
        QVERIFY2(afterKill.size() == afterKillRows.size(), qPrintable(context));
        for (const PartRecord &part : beforeKill) {
            QVERIFY2(afterKill.contains(part.path), qPrintable(context + QStringLiteral(": lost ") + part.path));
            QCOMPARE(afterKill.value(part.path).imageScore, part.imageScore);
            QCOMPARE(afterKill.value(part.path).id, part.id);
        }

        // A re-run completes the lot, one row per part, keeping the rows committed before the kill.
        const CommandResult rerun = runPatchead(inspectArguments(mLot, database, lot));
        QVERIFY2(rerun.exitCode == 0 || rerun.exitCode == 1, qPrintable(context + QLatin1Char('\n') + rerun.all()));
        const QVector<PartRecord> rows = storedParts(database, lot);
        const QMap<QString, PartRecord> complete = partsByPath(rows);
        QCOMPARE(rows.size(), kLotParts);
        QCOMPARE(complete.size(), kLotParts);
        for (const PartRecord &part : afterKill)
            QCOMPARE(complete.value(part.path).scoredAt, part.scoredAt);
        for (const PartRecord &part : complete) {
            QVERIFY2(part.verdict != Verdict::Error, qPrintable(context + QLatin1Char(' ') + part.error));
            QVERIFY2(std::abs(part.imageScore - mBaselineScores.value(part.path)) <= 1e-6,
                     qPrintable(QStringLiteral("%1: %2 scored %3, uninterrupted %4").arg(context, part.path)
                                    .arg(part.imageScore).arg(mBaselineScores.value(part.path))));
        }
    }
    qInfo("%d SIGKILLs survived (seed %u): %d before the first part was stored, %d while parts were stored; "
          "%d runs finished before their kill point",
          killedBeforeParts + killedDuringParts, seed, killedBeforeParts, killedDuringParts, finishedFirst);
    QVERIFY2(killedDuringParts >= kKillIterations / 3, "too few kills landed while parts were stored");
}

void TestCliInterrupts::sigintStopsAfterCurrentPart()
{
    const QString lot = path(QStringLiteral("long lot"));
    writeParts(lot, QStringLiteral("part"), 40, 128, 100);
    const QString database = path(QStringLiteral("sigint.sqlite"));
    QProcess process;
    startInspect(process, inspectArguments(lot, database, QStringLiteral("sigint")));
    waitForStoredParts(process, database, QStringLiteral("sigint"), 2);
    QVERIFY(process.state() == QProcess::Running);
    QElapsedTimer sinceSignal;
    sinceSignal.start();
    ::kill(pid_t(process.processId()), SIGINT);
    // Read after the signal: parts at 128 px take a few ms, so a count read
    // before it would miss the parts committed while the poll slept.
    const int storedAtSignal = int(storedParts(database, QStringLiteral("sigint")).size());
    QVERIFY(process.waitForFinished(60000));
    qInfo("SIGINT to exit: %lld ms", static_cast<long long>(sinceSignal.elapsed()));

    const QString output = QString::fromUtf8(process.readAll());
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QVERIFY2(process.exitCode() == 5, qPrintable(output));
    QVERIFY2(output.contains(QStringLiteral("Cancelled; run the same command again to resume the lot.")), qPrintable(output));
    QCOMPARE(integrityOf(database), QStringLiteral("ok"));
    const std::unique_ptr<LotStore> store = LotStore::open(database, LotStore::Mode::ReadOnly);
    QCOMPARE(store->findLot(QStringLiteral("sigint"))->status, QStringLiteral("cancelled"));
    // At most 2 parts per lane (--threads 2) are taken and not committed:
    // one being scored and one scored and waiting for its commit.
    const int stored = int(storedParts(database, QStringLiteral("sigint")).size());
    QVERIFY2(stored <= storedAtSignal + 4, qPrintable(QStringLiteral("%1 parts, %2 at the signal").arg(stored).arg(storedAtSignal)));
    QVERIFY2(stored < 40, "the whole lot was scored despite the signal");

    const CommandResult resumed = runPatchead(inspectArguments(lot, database, QStringLiteral("sigint")));
    QVERIFY2(resumed.exitCode == 0 || resumed.exitCode == 1, qPrintable(resumed.all()));
    QVERIFY2(resumed.out.contains(QStringLiteral("%1 from earlier runs").arg(stored)), qPrintable(resumed.out));
    QCOMPARE(storedParts(database, QStringLiteral("sigint")).size(), 40);
}

void TestCliInterrupts::sigintBeforeFirstPart()
{
    const QString database = path(QStringLiteral("early.sqlite"));
    QProcess process;
    startInspect(process, inspectArguments(mLot, database, QStringLiteral("early")));
    // The first log line ("Loaded encoder ...") comes after the handlers are
    // installed and before any part is scored.
    QString output;
    while (process.state() == QProcess::Running && output.isEmpty()) {
        process.waitForReadyRead(100);
        output += QString::fromUtf8(process.readAll());
    }
    ::kill(pid_t(process.processId()), SIGINT);
    QVERIFY(process.waitForFinished(60000));
    output += QString::fromUtf8(process.readAll());
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QVERIFY2(process.exitCode() == 5, qPrintable(output));
    QVERIFY2(output.contains(QStringLiteral("run the same command again"), Qt::CaseInsensitive), qPrintable(output));
    QVERIFY(storedParts(database, QStringLiteral("early")).size() < kLotParts);
}

void TestCliInterrupts::readerSeesGrowingLot()
{
    const QString lot = path(QStringLiteral("shared lot"));
    writeParts(lot, QStringLiteral("part"), 40, 128, 200);
    const QString database = path(QStringLiteral("shared.sqlite"));
    QProcess writer;
    startInspect(writer, inspectArguments(lot, database, QStringLiteral("shared")));

    // This process polls the database while a third one, `patchead report`,
    // exports the lot whenever the last export has finished.
    QVector<int> polledCounts;
    QVector<int> reportedCounts;
    int reportsBeforeLot = 0;
    QProcess report;
    report.setProcessChannelMode(QProcess::MergedChannels);
    bool reportStarted = false;
    const QString csv = path(QStringLiteral("shared.csv"));
    const QStringList reportArguments{QStringLiteral("report"), QStringLiteral("--db"), database, QStringLiteral("--name"),
                                      QStringLiteral("shared"), QStringLiteral("--csv"), csv};
    // Checks a finished export, which ran while the lot was written.
    const auto checkReport = [&] {
        const QString output = QString::fromUtf8(report.readAll());
        QCOMPARE(report.exitStatus(), QProcess::NormalExit);
        if (report.exitCode() == 2 && output.contains(QStringLiteral("not found"))) {
            ++reportsBeforeLot; // the inspection had not created the lot yet
            return;
        }
        QVERIFY2(report.exitCode() == 0, qPrintable(output));
        QFile file(csv);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const int rows = int(file.readAll().count('\n')) - 1;
        QVERIFY2(reportedCounts.isEmpty() || rows >= reportedCounts.last(), "the exported part count went down");
        reportedCounts.append(rows);
        file.close();
        QFile::remove(csv);
    };
    while (writer.state() == QProcess::Running) {
        const int count = int(readWhileWriting(database, QStringLiteral("shared")).size());
        QVERIFY2(polledCounts.isEmpty() || count >= polledCounts.last(), "the stored part count went down");
        if (polledCounts.isEmpty() || count != polledCounts.last())
            polledCounts.append(count);
        if (report.state() == QProcess::NotRunning && QFileInfo::exists(database)) {
            if (reportStarted)
                checkReport();
            report.start(programPath(QStringLiteral("patchead")), reportArguments);
            reportStarted = true;
        }
        writer.waitForFinished(20);
    }
    if (reportStarted) {
        QVERIFY(report.state() == QProcess::NotRunning || report.waitForFinished(120000));
        checkReport();
    }
    QVERIFY2(reportedCounts.size() + reportsBeforeLot >= 1, "no export ran while the lot was written");
    const QString writerOutput = QString::fromUtf8(writer.readAll());
    QVERIFY2(writer.exitCode() == 0 || writer.exitCode() == 1, qPrintable(writerOutput));

    const CommandResult last = runPatchead(reportArguments);
    QVERIFY2(last.exitCode == 0, qPrintable(last.all()));
    QFile file(csv);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(int(file.readAll().count('\n')) - 1, 40);
    QCOMPARE(integrityOf(database), QStringLiteral("ok"));
    qInfo("reader saw %lld distinct counts while the lot was written; %lld reports succeeded during the run "
          "(%d before the lot existed)",
          static_cast<long long>(polledCounts.size()), static_cast<long long>(reportedCounts.size()), reportsBeforeLot);
    QVERIFY2(polledCounts.size() >= 3, "the reader did not see the lot grow");
}

QTEST_GUILESS_MAIN(TestCliInterrupts)
#include "test_cli_interrupts.moc"
