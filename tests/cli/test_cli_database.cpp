// Lot database problems through `patchead inspect`, run as a separate
// process: a database locked by another process, read-only, corrupt, on a
// full disk, written by a newer version, or in a missing folder. Each case
// checks the exit code (4), that the message names the file and the fix,
// that results stored earlier are kept, and that a run after the problem
// is gone resumes the lot. Skips when the default encoder is not prepared.

#include "CliTestSupport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>
#include <sqlite3.h>

#include <unistd.h>

using namespace patchead;
using namespace patchead::clitest;

namespace {

QByteArray fileBytes(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// Runs one SQL statement on a database file outside LotStore, as another
// program would.
bool execSql(const QString &database, const char *sql)
{
    sqlite3 *db = nullptr;
    bool ok = sqlite3_open(database.toUtf8().constData(), &db) == SQLITE_OK
        && sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
    sqlite3_close(db);
    return ok;
}

// `unshare -rm` gives a private mount namespace in which the test may mount
// a small tmpfs, as an unprivileged user too where user namespaces are on.
bool canMountPrivately()
{
    if (QStandardPaths::findExecutable(QStringLiteral("unshare")).isEmpty())
        return false;
    QProcess probe;
    probe.start(QStringLiteral("unshare"), {QStringLiteral("-rm"), QStringLiteral("sh"), QStringLiteral("-c"),
                                            QStringLiteral("d=$(mktemp -d) && mount -t tmpfs -o size=64k tmpfs \"$d\" && umount \"$d\"; s=$?; rmdir \"$d\"; exit $s")});
    return probe.waitForFinished(10000) && probe.exitStatus() == QProcess::NormalExit && probe.exitCode() == 0;
}

QString shellQuote(const QString &text)
{
    QString quoted = text;
    quoted.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
    return QLatin1Char('\'') + quoted + QLatin1Char('\'');
}

} // namespace

class TestCliDatabase : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void init();

    void lockedByOtherProcess();
    void readOnlyFile();
    void readOnlyMount();
    void notADatabase();
    void truncatedDatabase();
    void newerSchema();
    void missingFolderReportedOnce();
    void fullDisk();

private:
    QString path(const QString &name) const { return mDir.filePath(name); }
    QStringList inspectArguments(const QString &database) const;
    // Inspects the first two parts, so the database contains earlier results.
    void storeEarlierResults(const QString &database);
    void verifyEarlierResultsKept(const QString &database);
    void verifyResumes(const QString &database);

    QTemporaryDir mDir;
    QString mReferences;
    QString mLot;        // four good parts
    QString mCurrentLot; // the lot folder of the running test case
    QMap<QString, PartRecord> mEarlier;
};

QStringList TestCliDatabase::inspectArguments(const QString &database) const
{
    return clitest::inspectArguments(mReferences, mCurrentLot, database, QStringLiteral("lot-7"),
                                     path(QStringLiteral("out")));
}

void TestCliDatabase::initTestCase()
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
    writeParts(mLot, QStringLiteral("part"), 4, 128, 10);
}

void TestCliDatabase::init()
{
    mEarlier.clear();
    mCurrentLot = mLot;
}

void TestCliDatabase::storeEarlierResults(const QString &database)
{
    // A lot folder of this case that holds the first two parts; verifyResumes adds the others.
    mCurrentLot = database + QStringLiteral("-lot");
    QVERIFY(QDir().mkpath(mCurrentLot));
    for (const QString &name : QDir(mLot).entryList(QDir::Files).mid(0, 2))
        QVERIFY(QFile::copy(QDir(mLot).filePath(name), QDir(mCurrentLot).filePath(name)));
    const CommandResult result = runPatchead(inspectArguments(database));
    QVERIFY2(result.exitCode == 0 || result.exitCode == 1, qPrintable(result.all()));
    mEarlier = partsByPath(storedParts(database, QStringLiteral("lot-7")));
    QCOMPARE(mEarlier.size(), 2);
}

void TestCliDatabase::verifyEarlierResultsKept(const QString &database)
{
    const QMap<QString, PartRecord> parts = partsByPath(storedParts(database, QStringLiteral("lot-7")));
    for (const PartRecord &earlier : mEarlier) {
        QVERIFY2(parts.contains(earlier.path), qPrintable(earlier.path));
        QCOMPARE(parts.value(earlier.path).imageScore, earlier.imageScore);
    }
    const std::unique_ptr<LotStore> store = LotStore::open(database, LotStore::Mode::ReadOnly);
    QCOMPARE(store->integrityCheck(), QStringLiteral("ok"));
}

void TestCliDatabase::verifyResumes(const QString &database)
{
    for (const QString &name : QDir(mLot).entryList(QDir::Files).mid(2))
        QVERIFY(QFile::copy(QDir(mLot).filePath(name), QDir(mCurrentLot).filePath(name)));
    const CommandResult result = runPatchead(inspectArguments(database));
    QVERIFY2(result.exitCode == 0 || result.exitCode == 1, qPrintable(result.all()));
    QVERIFY2(result.out.contains(QStringLiteral("2 from earlier runs")), qPrintable(result.out));
    const QVector<PartRecord> rows = storedParts(database, QStringLiteral("lot-7"));
    QCOMPARE(rows.size(), 4);
    QCOMPARE(partsByPath(rows).size(), 4);
    verifyEarlierResultsKept(database);
}

void TestCliDatabase::lockedByOtherProcess()
{
    const QString database = path(QStringLiteral("locked.sqlite"));
    storeEarlierResults(database);

    // A write transaction held by another connection: another process as far
    // as SQLite's file locks are concerned.
    sqlite3 *other = nullptr;
    QCOMPARE(sqlite3_open(database.toUtf8().constData(), &other), SQLITE_OK);
    QCOMPARE(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
    const CommandResult locked = runPatchead(inspectArguments(database));
    sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(other);

    QVERIFY2(locked.exitCode == 4, qPrintable(locked.all()));
    QVERIFY2(locked.err.contains(database), qPrintable(locked.err));
    QVERIFY2(locked.err.contains(QStringLiteral("is locked by another program")), qPrintable(locked.err));
    QVERIFY2(locked.err.contains(QStringLiteral("then retry")), qPrintable(locked.err));
    QCOMPARE(locked.err.count(database + QStringLiteral(" is locked")), 1);
    verifyEarlierResultsKept(database);
    verifyResumes(database);
}

void TestCliDatabase::readOnlyFile()
{
    if (geteuid() == 0)
        QSKIP("running as root, which may write a read-only file; readOnlyMount covers this case");
    const QString database = path(QStringLiteral("readonly.sqlite"));
    storeEarlierResults(database);
    const QByteArray before = fileBytes(database);
    QVERIFY(QFile::setPermissions(database, QFileDevice::ReadOwner | QFileDevice::ReadGroup));

    const CommandResult result = runPatchead(inspectArguments(database));
    QVERIFY2(result.exitCode == 4, qPrintable(result.all()));
    QVERIFY2(result.err.contains(database + QStringLiteral(" is a read-only file")), qPrintable(result.err));
    QVERIFY2(result.err.contains(QStringLiteral("Make the file writable")), qPrintable(result.err));
    QCOMPARE(fileBytes(database), before);

    QVERIFY(QFile::setPermissions(database, QFileDevice::ReadOwner | QFileDevice::WriteOwner));
    verifyResumes(database);
}

void TestCliDatabase::readOnlyMount()
{
    if (!canMountPrivately())
        QSKIP("unshare -rm cannot mount a private tmpfs here (user namespaces off), so no read-only file system can be made");
    // The database with earlier results is copied onto a tmpfs that is then
    // remounted read-only; root may not write there either.
    const QString database = path(QStringLiteral("remounted.sqlite"));
    storeEarlierResults(database);
    const QString mount = path(QStringLiteral("read-only disk"));
    const QString output = path(QStringLiteral("read-only output"));
    QVERIFY(QDir().mkpath(mount));
    QVERIFY(QDir().mkpath(output));
    const QString mounted = QDir(mount).filePath(QStringLiteral("lots.sqlite"));
    QString command = shellQuote(programPath(QStringLiteral("patchead")));
    for (const QString &argument : inspectArguments(mounted))
        command += QLatin1Char(' ') + shellQuote(argument);
    // The report of the archived lot must still come out of the read-only copy.
    QString report = shellQuote(programPath(QStringLiteral("patchead")));
    for (const QString &argument : QStringList{QStringLiteral("report"), QStringLiteral("--db"), mounted, QStringLiteral("--name"),
                                               QStringLiteral("lot-7"), QStringLiteral("--csv"), QDir(output).filePath(QStringLiteral("lot-7.csv"))})
        report += QLatin1Char(' ') + shellQuote(argument);
    const QString script = QStringLiteral("mount -t tmpfs -o size=16m tmpfs %1 || exit 90\n"
                                          "cp %2 %1/lots.sqlite && mount -o remount,ro %1 || exit 91\n"
                                          "%3 >%4/out.txt 2>%4/err.txt; echo $? >%4/code.txt\n"
                                          "%5 >%4/report-out.txt 2>%4/report-err.txt; echo $? >%4/report-code.txt\n")
                               .arg(shellQuote(mount), shellQuote(database), command, shellQuote(output), report);
    QProcess shell;
    shell.start(QStringLiteral("unshare"), {QStringLiteral("-rm"), QStringLiteral("sh"), QStringLiteral("-c"), script});
    QVERIFY(shell.waitForFinished(300000));
    QVERIFY2(shell.exitCode() == 0, qPrintable(QString::fromUtf8(shell.readAllStandardError())));

    const QString err = QString::fromUtf8(fileBytes(QDir(output).filePath(QStringLiteral("err.txt"))));
    QCOMPARE(fileBytes(QDir(output).filePath(QStringLiteral("code.txt"))).trimmed(), QByteArray("4"));
    QVERIFY2(err.contains(mounted), qPrintable(err));
    QVERIFY2(err.contains(QStringLiteral("read-only")), qPrintable(err));
    QVERIFY2(!err.contains(QStringLiteral("open the database read-only")), qPrintable(err));
    QCOMPARE(errorLineCount(err), 1);

    const QString reportErr = QString::fromUtf8(fileBytes(QDir(output).filePath(QStringLiteral("report-err.txt"))));
    QCOMPARE(fileBytes(QDir(output).filePath(QStringLiteral("report-code.txt"))).trimmed(), QByteArray("0"));
    const QList<QByteArray> rows = fileBytes(QDir(output).filePath(QStringLiteral("lot-7.csv"))).trimmed().split('\n');
    QVERIFY2(rows.size() == 3, qPrintable(reportErr)); // header and the two earlier parts
}

void TestCliDatabase::notADatabase()
{
    const QString database = path(QStringLiteral("notes.sqlite"));
    QByteArray garbage(8192, '\0');
    for (int i = 0; i < garbage.size(); ++i)
        garbage[i] = char((i * 7919) % 251);
    writeBytes(database, garbage);

    const CommandResult result = runPatchead(inspectArguments(database));
    QVERIFY2(result.exitCode == 4, qPrintable(result.all()));
    QVERIFY2(result.err.contains(database + QStringLiteral(" is not a PatchEAD lot database")), qPrintable(result.err));
    QVERIFY2(result.err.contains(QStringLiteral("move this file away")), qPrintable(result.err));
    QCOMPARE(fileBytes(database), garbage);
}

void TestCliDatabase::truncatedDatabase()
{
    const QString database = path(QStringLiteral("truncated.sqlite"));
    storeEarlierResults(database);
    QVERIFY(execSql(database, "PRAGMA wal_checkpoint(TRUNCATE)"));
    QFile::remove(database + QStringLiteral("-wal"));
    QFile::remove(database + QStringLiteral("-shm"));
    QByteArray bytes = fileBytes(database);
    QVERIFY(bytes.size() > 4096);
    bytes.truncate(bytes.size() / 2);
    writeBytes(database, bytes);

    const CommandResult result = runPatchead(inspectArguments(database));
    QVERIFY2(result.exitCode == 4, qPrintable(result.all()));
    QVERIFY2(result.err.contains(database), qPrintable(result.err));
    QVERIFY2(result.err.contains(QStringLiteral("corrupt")) || result.err.contains(QStringLiteral("malformed")),
             qPrintable(result.err));
    QCOMPARE(errorLineCount(result.err), 1);
}

void TestCliDatabase::newerSchema()
{
    const QString database = path(QStringLiteral("newer.sqlite"));
    storeEarlierResults(database);
    const QByteArray pragma = QByteArrayLiteral("PRAGMA user_version = ") + QByteArray::number(LotStore::kSchemaVersion + 1);
    QVERIFY(execSql(database, pragma.constData()));
    QVERIFY(execSql(database, "PRAGMA wal_checkpoint(TRUNCATE)"));
    const QByteArray before = fileBytes(database);

    const CommandResult result = runPatchead(inspectArguments(database));
    QVERIFY2(result.exitCode == 4, qPrintable(result.all()));
    QVERIFY2(result.err.contains(database), qPrintable(result.err));
    QVERIFY2(result.err.contains(QStringLiteral("newer")), qPrintable(result.err));
    QCOMPARE(fileBytes(database), before);
}

void TestCliDatabase::missingFolderReportedOnce()
{
    const QString database = path(QStringLiteral("no such folder/lots.sqlite"));
    const CommandResult result = runPatchead(inspectArguments(database));
    QVERIFY2(result.exitCode == 4, qPrintable(result.all()));
    QVERIFY2(result.err.contains(QStringLiteral("does not exist")), qPrintable(result.err));
    QVERIFY2(result.err.contains(QStringLiteral("Create the folder")), qPrintable(result.err));
    QCOMPARE(result.err.count(QStringLiteral("does not exist")), 1);
    QVERIFY(!QFileInfo::exists(database));
}

void TestCliDatabase::fullDisk()
{
    if (!canMountPrivately())
        QSKIP("unshare -rm cannot mount a private tmpfs here (user namespaces off), so a full disk cannot be made");
    // The database lives on a 160 KiB tmpfs that fills up during the lot.
    // The shell copies it out after the failed run and again after a run on
    // the enlarged tmpfs, because the mount ends with the namespace.
    const QString mount = path(QStringLiteral("small disk"));
    const QString afterFull = path(QStringLiteral("after-full"));
    const QString afterResume = path(QStringLiteral("after-resume"));
    QVERIFY(QDir().mkpath(mount));
    QVERIFY(QDir().mkpath(afterFull));
    QVERIFY(QDir().mkpath(afterResume));
    mCurrentLot = path(QStringLiteral("big lot"));
    writeParts(mCurrentLot, QStringLiteral("part"), 40, 128, 100);

    const QStringList arguments = inspectArguments(QDir(mount).filePath(QStringLiteral("lots.sqlite")));
    QString command = shellQuote(programPath(QStringLiteral("patchead")));
    for (const QString &argument : arguments)
        command += QLatin1Char(' ') + shellQuote(argument);
    const QString script =
        QStringLiteral("mount -t tmpfs -o size=160k tmpfs %1 || exit 90\n"
                       "%2 >%3/out.txt 2>%3/err.txt; echo $? >%3/code.txt\n"
                       "cp %1/lots.sqlite* %3/\n"
                       "mount -o remount,size=64m %1 || exit 91\n"
                       "%2 >%4/out.txt 2>%4/err.txt; echo $? >%4/code.txt\n"
                       "cp %1/lots.sqlite* %4/\n")
            .arg(shellQuote(mount), command, shellQuote(afterFull), shellQuote(afterResume));
    QProcess shell;
    shell.start(QStringLiteral("unshare"), {QStringLiteral("-rm"), QStringLiteral("sh"), QStringLiteral("-c"), script});
    QVERIFY(shell.waitForFinished(300000));
    QVERIFY2(shell.exitCode() == 0, qPrintable(QString::fromUtf8(shell.readAllStandardError())));

    const QString fullErr = QString::fromUtf8(fileBytes(QDir(afterFull).filePath(QStringLiteral("err.txt"))));
    QCOMPARE(fileBytes(QDir(afterFull).filePath(QStringLiteral("code.txt"))).trimmed(), QByteArray("4"));
    QVERIFY2(fullErr.contains(QStringLiteral("is full")), qPrintable(fullErr));
    QVERIFY2(fullErr.contains(QStringLiteral("Results saved earlier are kept")), qPrintable(fullErr));

    const QString fullDatabase = QDir(afterFull).filePath(QStringLiteral("lots.sqlite"));
    const QMap<QString, PartRecord> beforeResume = partsByPath(storedParts(fullDatabase, QStringLiteral("lot-7")));
    QVERIFY2(beforeResume.size() > 0 && beforeResume.size() < 40, qPrintable(QString::number(beforeResume.size())));
    QCOMPARE(LotStore::open(fullDatabase, LotStore::Mode::ReadOnly)->integrityCheck(), QStringLiteral("ok"));

    const QByteArray resumeCode = fileBytes(QDir(afterResume).filePath(QStringLiteral("code.txt"))).trimmed();
    QVERIFY2(resumeCode == "0" || resumeCode == "1", resumeCode.constData());
    const QVector<PartRecord> rows = storedParts(QDir(afterResume).filePath(QStringLiteral("lots.sqlite")), QStringLiteral("lot-7"));
    QCOMPARE(rows.size(), 40);
    const QMap<QString, PartRecord> resumed = partsByPath(rows);
    QCOMPARE(resumed.size(), 40);
    for (const PartRecord &earlier : beforeResume)
        QCOMPARE(resumed.value(earlier.path).imageScore, earlier.imageScore);
    qInfo("full disk: %lld of 40 parts stored before the disk was full, all kept after the resume",
          static_cast<long long>(beforeResume.size()));
}

QTEST_GUILESS_MAIN(TestCliDatabase)
#include "test_cli_database.moc"
