// Tests of `patchead report` run as a separate process on a real database.

#include "ReportTestSupport.h"

#include "store/LotStore.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace patchead;
using namespace patchead::test;

namespace {

struct CliResult {
    int exitCode = -1;
    QString out;
    QString err;
};

} // namespace

class ReportCliTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void unknownLotNameListsLots();
    void unknownLotIdListsLots();
    void missingDatabaseIsStoreError();
    void nothingToWriteIsUsageError();
    void nameAndIdTogetherIsUsageError();
    void invalidPageSizeIsUsageError();
    void outputOverDatabaseIsUsageError();
    void sameOutputTwiceIsUsageError();
    void writesPdfCsvAndJson();
    void helpListsOptions();

private:
    CliResult run(const QStringList &arguments, bool withoutDisplay = false) const;
    QString path(const QString &name) const { return mDir.filePath(name); }
    qint64 addLot(LotStore &store, const QString &name, int parts);

    QTemporaryDir mDir;
    QString mBinary;
    QString mDatabase;
    qint64 mFirstLotId = 0;
};

void ReportCliTest::initTestCase()
{
    QVERIFY(mDir.isValid());
    mBinary = QStringLiteral(PATCHEAD_BINARY_DIR "/bin/patchead");
    QVERIFY2(QFileInfo(mBinary).isExecutable(), qPrintable(mBinary + QStringLiteral(" not built")));
    mDatabase = path(QStringLiteral("lots.sqlite"));
    std::unique_ptr<LotStore> store = LotStore::open(mDatabase);
    mFirstLotId = addLot(*store, QStringLiteral("Lot A-17"), 3);
    addLot(*store, QStringLiteral("Lot B-18"), 2);
}

qint64 ReportCliTest::addLot(LotStore &store, const QString &name, int parts)
{
    LotRecord lot;
    lot.name = name;
    lot.folder = path(name);
    lot.modelName = QStringLiteral("mobilenet_v2");
    lot.modelHash = QString(64, QLatin1Char('e'));
    lot.rejectThreshold = 0.2;
    lot.reviewThreshold = 0.15;
    lot.thresholdRule = QStringLiteral("set by the user");
    const qint64 id = store.createLot(lot);
    QDir().mkpath(lot.folder);
    for (int i = 0; i < parts; ++i) {
        const QString image = QDir(lot.folder).filePath(QStringLiteral("part_%1.png").arg(i));
        writePartImage(image, 64, 64, i);
        PartRecord part = scoredPart(id, image, 0.1 + 0.1 * i, 0.2, 0.15);
        store.savePart(part);
    }
    return id;
}

CliResult ReportCliTest::run(const QStringList &arguments, bool withoutDisplay) const
{
    QProcess process;
    if (withoutDisplay) {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.remove(QStringLiteral("QT_QPA_PLATFORM"));
        environment.remove(QStringLiteral("DISPLAY"));
        environment.remove(QStringLiteral("WAYLAND_DISPLAY"));
        // As in a cron job or a shell without a login session.
        environment.remove(QStringLiteral("XDG_RUNTIME_DIR"));
        process.setProcessEnvironment(environment);
    }
    process.start(mBinary, QStringList{QStringLiteral("report")} + arguments);
    CliResult result;
    if (!process.waitForFinished(120000)) {
        process.kill();
        process.waitForFinished();
        return result;
    }
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = QString::fromUtf8(process.readAllStandardOutput());
    result.err = QString::fromUtf8(process.readAllStandardError());
    return result;
}

void ReportCliTest::unknownLotNameListsLots()
{
    const QString pdf = path(QStringLiteral("unknown.pdf"));
    const CliResult result = run({QStringLiteral("--db"), mDatabase, QStringLiteral("--name"), QStringLiteral("Lot Z-99"),
                                  QStringLiteral("--pdf"), pdf});
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.contains(QStringLiteral("Lot Z-99")), qPrintable(result.err));
    QVERIFY2(result.err.contains(QStringLiteral("not found")), qPrintable(result.err));
    QVERIFY2(result.err.contains(QStringLiteral("Lot A-17")), qPrintable(result.err));
    QVERIFY2(result.err.contains(QStringLiteral("Lot B-18")), qPrintable(result.err));
    QVERIFY(!QFileInfo::exists(pdf));
}

void ReportCliTest::unknownLotIdListsLots()
{
    const CliResult result = run({QStringLiteral("--db"), mDatabase, QStringLiteral("--lot-id"), QStringLiteral("999"),
                                  QStringLiteral("--csv"), path(QStringLiteral("unknown.csv"))});
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.contains(QStringLiteral("999")), qPrintable(result.err));
    QVERIFY2(result.err.contains(QStringLiteral("Lot A-17")), qPrintable(result.err));
}

void ReportCliTest::missingDatabaseIsStoreError()
{
    const QString missing = path(QStringLiteral("missing.sqlite"));
    const CliResult result = run({QStringLiteral("--db"), missing, QStringLiteral("--name"), QStringLiteral("Lot A-17"),
                                  QStringLiteral("--pdf"), path(QStringLiteral("missing.pdf"))});
    QCOMPARE(result.exitCode, 4);
    QVERIFY2(result.err.contains(missing), qPrintable(result.err));
    QVERIFY(!QFileInfo::exists(missing)); // not created by the failed export
}

void ReportCliTest::nothingToWriteIsUsageError()
{
    const CliResult result = run({QStringLiteral("--db"), mDatabase, QStringLiteral("--name"), QStringLiteral("Lot A-17")});
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.contains(QStringLiteral("--pdf")), qPrintable(result.err));
}

void ReportCliTest::nameAndIdTogetherIsUsageError()
{
    const CliResult result = run({QStringLiteral("--db"), mDatabase, QStringLiteral("--name"), QStringLiteral("Lot A-17"),
                                  QStringLiteral("--lot-id"), QString::number(mFirstLotId), QStringLiteral("--json"),
                                  path(QStringLiteral("both.json"))});
    QCOMPARE(result.exitCode, 2);
    QVERIFY(!QFileInfo::exists(path(QStringLiteral("both.json"))));
}

void ReportCliTest::invalidPageSizeIsUsageError()
{
    const CliResult result = run({QStringLiteral("--db"), mDatabase, QStringLiteral("--name"), QStringLiteral("Lot A-17"),
                                  QStringLiteral("--pdf"), path(QStringLiteral("a5.pdf")), QStringLiteral("--page-size"),
                                  QStringLiteral("a5")});
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.contains(QStringLiteral("a5")), qPrintable(result.err));
    QVERIFY(!QFileInfo::exists(path(QStringLiteral("a5.pdf"))));
}

// A PDF written over the database would destroy every lot in it.
void ReportCliTest::outputOverDatabaseIsUsageError()
{
    QFile database(mDatabase);
    QVERIFY(database.open(QIODevice::ReadOnly));
    const QByteArray before = database.readAll();
    database.close();
    for (const QString &option : {QStringLiteral("--pdf"), QStringLiteral("--csv"), QStringLiteral("--json")}) {
        const CliResult result = run({QStringLiteral("--db"), mDatabase, QStringLiteral("--name"),
                                      QStringLiteral("Lot A-17"), option, mDatabase});
        QCOMPARE(result.exitCode, 2);
        QVERIFY2(result.err.contains(QStringLiteral("is the lot database given with --db")), qPrintable(result.err));
    }
    QVERIFY(database.open(QIODevice::ReadOnly));
    QCOMPARE(database.readAll(), before);
    QVERIFY(LotStore::open(mDatabase, LotStore::Mode::ReadOnly)->findLot(QStringLiteral("Lot A-17")).has_value());
}

void ReportCliTest::sameOutputTwiceIsUsageError()
{
    const QString file = path(QStringLiteral("twice.out"));
    const CliResult result = run({QStringLiteral("--db"), mDatabase, QStringLiteral("--name"), QStringLiteral("Lot A-17"),
                                  QStringLiteral("--csv"), file, QStringLiteral("--json"), file});
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.contains(QStringLiteral("both write")), qPrintable(result.err));
    QVERIFY(!QFileInfo::exists(file));
}

void ReportCliTest::writesPdfCsvAndJson()
{
    const QString pdf = path(QStringLiteral("out/report.pdf"));
    const QString csv = path(QStringLiteral("out/parts.csv"));
    const QString json = path(QStringLiteral("out/parts.json"));
    QVERIFY(QDir().mkpath(path(QStringLiteral("out"))));
    const CliResult result = run({QStringLiteral("--db"), mDatabase, QStringLiteral("--lot-id"),
                                  QString::number(mFirstLotId), QStringLiteral("--pdf"), pdf, QStringLiteral("--csv"), csv,
                                  QStringLiteral("--json"), json, QStringLiteral("--all-parts")},
                                 true);
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    QVERIFY(result.out.contains(QStringLiteral("3 parts with heatmaps")));
    QVERIFY2(!result.err.contains(QStringLiteral("XDG_RUNTIME_DIR")), qPrintable(result.err));
    // The lot of this test was never run to completion.
    QVERIFY2(result.out.contains(QStringLiteral("Note: lot \"Lot A-17\" is incomplete (status ")), qPrintable(result.out));
    QVERIFY(QFileInfo(pdf).size() > 1000);

    QFile file(json);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonObject root = QJsonDocument::fromJson(file.readAll()).object();
    QCOMPARE(root.value(QStringLiteral("lot")).toObject().value(QStringLiteral("name")).toString(), QStringLiteral("Lot A-17"));
    QCOMPARE(root.value(QStringLiteral("parts")).toArray().size(), 3);

    QFile csvFile(csv);
    QVERIFY(csvFile.open(QIODevice::ReadOnly));
    QCOMPARE(csvFile.readAll().count("\r\n"), 4); // header and three parts

    QStringList events;
    for (const AuditEvent &event : LotStore::open(mDatabase, LotStore::Mode::ReadOnly)->auditLog(mFirstLotId))
        events.append(event.event);
    QVERIFY(events.contains(QStringLiteral("report_exported")));
    QVERIFY(events.contains(QStringLiteral("csv_exported")));
    QVERIFY(events.contains(QStringLiteral("json_exported")));

    if (popplerTool(QStringLiteral("pdftotext")).isEmpty())
        QSKIP("pdftotext not installed; the PDF's text was not checked");
    const QString text = pdfText(pdf).simplified();
    QVERIFY(text.contains(QStringLiteral("Lot A-17")));
    QVERIFY(text.contains(QStringLiteral("All parts (3)")));
    QVERIFY(text.contains(QStringLiteral("part_0.png")));
}

void ReportCliTest::helpListsOptions()
{
    const CliResult result = run({QStringLiteral("--help")});
    QCOMPARE(result.exitCode, 0);
    for (const char *option : {"--db", "--name", "--lot-id", "--pdf", "--csv", "--json", "--all-parts", "--page-size"})
        QVERIFY2(result.out.contains(QLatin1String(option)), option);
}

QTEST_MAIN(ReportCliTest)
#include "test_report_cli.moc"
