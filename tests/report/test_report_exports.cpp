// Tests of the CSV and JSON exports of a lot: RFC 4180 quoting, UTF-8 and
// a JSON round trip whose part keys match the CSV columns.

#include "ReportTestSupport.h"

#include "common/Error.h"
#include "report/CsvExport.h"
#include "report/JsonExport.h"
#include "scoring/Threshold.h"
#include "store/LotStore.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace patchead;
using namespace patchead::test;

namespace {

// A path with every character RFC 4180 must quote.
const QString kAwkwardPath = QStringLiteral("/lots/batch 7, line \"B\"\nsecond line/part,1.png");
const QString kUnicodeName = QStringLiteral("Prüfteil_Größe_東京_ø.png");

QByteArray fileBytes(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF records) into
// rows of fields, independently of the exporter's own quoting code.
QVector<QStringList> parseCsv(const QString &text)
{
    QVector<QStringList> rows;
    QStringList row;
    QString field;
    bool quoted = false;
    for (int i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (quoted) {
            if (c == QLatin1Char('"') && i + 1 < text.size() && text[i + 1] == QLatin1Char('"')) {
                field += c;
                ++i;
            } else if (c == QLatin1Char('"')) {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == QLatin1Char('"')) {
            quoted = true;
        } else if (c == QLatin1Char(',')) {
            row.append(field);
            field.clear();
        } else if (c == QLatin1Char('\r') && i + 1 < text.size() && text[i + 1] == QLatin1Char('\n')) {
            row.append(field);
            rows.append(row);
            row.clear();
            field.clear();
            ++i;
        } else {
            field += c;
        }
    }
    return rows;
}

} // namespace

class ReportExportsTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void csvQuotesSpecialCharacters();
    void csvKeepsUtf8Names();
    void csvNeutralisesFormulas();
    void jsonPartKeysMatchCsvColumns();
    void jsonRoundTrip();
    void jsonMatchesCsvText();
    void jsonWritesNullForUnscoredPart();
    void jsonListsReferences();
    void exportToMissingFolderFails();

private:
    QTemporaryDir mDir;
    std::unique_ptr<LotStore> mStore;
    LotRecord mLot;
    QVector<PartRecord> mParts;
    QString mCsvPath;
    QString mJsonPath;
};

void ReportExportsTest::initTestCase()
{
    QVERIFY(mDir.isValid());
    mStore = LotStore::open(mDir.filePath(QStringLiteral("lots.sqlite")));
    mLot.name = QStringLiteral("Los Ümlaut, \"März\"");
    mLot.folder = QStringLiteral("/lots/maerz");
    mLot.operatorName = QStringLiteral("Jürgen");
    mLot.settingsJson = QStringLiteral("{\"resolution\":448,\"map_sigma\":4}");
    mLot.modelName = QStringLiteral("mobilenet_v2");
    mLot.modelHash = QString(64, QLatin1Char('c'));
    mLot.rejectThreshold = 0.2;
    mLot.reviewThreshold = 0.15;
    mLot.thresholdRule = QStringLiteral("maximum leave-one-out score; reject = review × 1.10");
    mStore->createLot(mLot);

    PartRecord awkward = scoredPart(mLot.id, kAwkwardPath, 0.3, 0.2, 0.15);
    mStore->savePart(awkward);
    PartRecord unicode = scoredPart(mLot.id, QStringLiteral("/lots/maerz/") + kUnicodeName, 0.1, 0.2, 0.15);
    mStore->savePart(unicode);
    mStore->setOperatorVerdict(unicode.id, OperatorVerdict::Accepted, QStringLiteral("Zoë"));
    PartRecord unreadable;
    unreadable.lotId = mLot.id;
    unreadable.path = QStringLiteral("/lots/maerz/broken.png");
    unreadable.verdict = Verdict::Error;
    unreadable.error = QStringLiteral("not an image");
    mStore->savePart(unreadable);
    mStore->setThresholds(mLot.id, 0.25, 0.18, QStringLiteral("Fewer false alarms"));

    mLot = *mStore->lot(mLot.id);
    mParts = mStore->parts(mLot.id);
    QCOMPARE(mParts.size(), 3);
    mCsvPath = mDir.filePath(QStringLiteral("lot.csv"));
    mJsonPath = mDir.filePath(QStringLiteral("lot.json"));
    writePartsCsv(mCsvPath, mLot, mParts);
    writeLotJson(mJsonPath, mLot, mParts, mStore->thresholdHistory(mLot.id));
}

void ReportExportsTest::csvQuotesSpecialCharacters()
{
    const QByteArray bytes = fileBytes(mCsvPath);
    QString expected = kAwkwardPath;
    expected.replace(QLatin1String("\""), QLatin1String("\"\""));
    QVERIFY(bytes.contains((QLatin1Char('"') + expected + QLatin1Char('"')).toUtf8()));
    QVERIFY(bytes.contains("\"Los Ümlaut, \"\"März\"\"\""));

    const QVector<QStringList> rows = parseCsv(QString::fromUtf8(bytes));
    QCOMPARE(rows.size(), 4);
    QCOMPARE(rows[0], partCsvColumns());
    for (const QStringList &row : rows)
        QCOMPARE(row.size(), partCsvColumns().size());
    const int pathColumn = partCsvColumns().indexOf(QStringLiteral("part_path"));
    const int fileColumn = partCsvColumns().indexOf(QStringLiteral("part_file"));
    QCOMPARE(rows[1][pathColumn], kAwkwardPath);
    QCOMPARE(rows[1][fileColumn], QStringLiteral("part,1.png"));
    QVERIFY(bytes.endsWith("\r\n"));
}

void ReportExportsTest::csvKeepsUtf8Names()
{
    const QByteArray bytes = fileBytes(mCsvPath);
    QVERIFY(bytes.contains(kUnicodeName.toUtf8()));
    QVERIFY(bytes.contains(QStringLiteral("Zoë").toUtf8()));
    QVERIFY(!bytes.startsWith("\xEF\xBB\xBF")); // no byte order mark
}

// A part file or operator name that a spreadsheet would run as a formula
// is written as text, with a leading apostrophe. Numbers keep their sign.
void ReportExportsTest::csvNeutralisesFormulas()
{
    LotRecord lot = mLot;
    lot.name = QStringLiteral("@lot");
    PartRecord part = scoredPart(lot.id, QStringLiteral("/lots/=HYPERLINK(\"x\").png"), 0.3, 0.2, 0.15);
    part.operatorName = QStringLiteral("+49 operator");
    part.error = QStringLiteral("-1 is not a size");
    const QString path = mDir.filePath(QStringLiteral("formulas.csv"));
    writePartsCsv(path, lot, {part});

    const QVector<QStringList> rows = parseCsv(QString::fromUtf8(fileBytes(path)));
    QCOMPARE(rows.size(), 2);
    const QStringList &row = rows[1];
    const QStringList columns = partCsvColumns();
    QCOMPARE(row[columns.indexOf(QStringLiteral("lot"))], QStringLiteral("'@lot"));
    QCOMPARE(row[columns.indexOf(QStringLiteral("part_file"))], QStringLiteral("'=HYPERLINK(\"x\").png"));
    QCOMPARE(row[columns.indexOf(QStringLiteral("operator"))], QStringLiteral("'+49 operator"));
    QCOMPARE(row[columns.indexOf(QStringLiteral("error"))], QStringLiteral("'-1 is not a size"));
    QCOMPARE(row[columns.indexOf(QStringLiteral("part_path"))], part.path);
    QCOMPARE(row[columns.indexOf(QStringLiteral("raw_score"))], QStringLiteral("0.3"));
}

void ReportExportsTest::jsonPartKeysMatchCsvColumns()
{
    const QJsonObject root = QJsonDocument::fromJson(fileBytes(mJsonPath)).object();
    const QJsonArray parts = root.value(QStringLiteral("parts")).toArray();
    QCOMPARE(parts.size(), 3);
    QStringList expected = partCsvColumns();
    expected.sort();
    for (const QJsonValue &part : parts) {
        QStringList keys = part.toObject().keys();
        keys.sort();
        QCOMPARE(keys, expected);
    }
}

void ReportExportsTest::jsonRoundTrip()
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(fileBytes(mJsonPath), &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
    const QJsonObject root = document.object();
    QCOMPARE(root.value(QStringLiteral("format")).toString(), QStringLiteral("patchead-lot"));
    QCOMPARE(root.value(QStringLiteral("format_version")).toInt(), kLotJsonFormatVersion);

    const QJsonObject lot = root.value(QStringLiteral("lot")).toObject();
    QCOMPARE(lot.value(QStringLiteral("name")).toString(), mLot.name);
    QCOMPARE(lot.value(QStringLiteral("id")).toInteger(), mLot.id);
    QCOMPARE(lot.value(QStringLiteral("operator")).toString(), QStringLiteral("Jürgen"));
    QCOMPARE(lot.value(QStringLiteral("model_sha256")).toString(), mLot.modelHash);
    QCOMPARE(lot.value(QStringLiteral("settings")).toObject().value(QStringLiteral("resolution")).toInt(), 448);
    QCOMPARE(QDateTime::fromString(lot.value(QStringLiteral("created_at_utc")).toString(), Qt::ISODateWithMs),
             mLot.createdAt);

    const QJsonObject thresholds = root.value(QStringLiteral("thresholds")).toObject();
    QCOMPARE(thresholds.value(QStringLiteral("reject")).toDouble(), 0.25);
    QCOMPARE(thresholds.value(QStringLiteral("review")).toDouble(), 0.18);
    QCOMPARE(thresholds.value(QStringLiteral("rule")).toString(), mLot.thresholdRule);
    const QJsonArray history = thresholds.value(QStringLiteral("history")).toArray();
    QCOMPARE(history.size(), 1);
    QCOMPARE(history[0].toObject().value(QStringLiteral("old_reject")).toDouble(), 0.2);
    QCOMPARE(history[0].toObject().value(QStringLiteral("new_review")).toDouble(), 0.18);
    QCOMPARE(history[0].toObject().value(QStringLiteral("reason")).toString(), QStringLiteral("Fewer false alarms"));

    const QJsonObject counts = root.value(QStringLiteral("counts")).toObject();
    QCOMPARE(counts.value(QStringLiteral("total")).toInt(), 3);
    QCOMPARE(counts.value(QStringLiteral("fail")).toInt(), 1);
    QCOMPARE(counts.value(QStringLiteral("pass")).toInt(), 1);
    QCOMPARE(counts.value(QStringLiteral("error")).toInt(), 1);

    const QJsonArray parts = root.value(QStringLiteral("parts")).toArray();
    const QJsonObject awkward = parts[0].toObject();
    QCOMPARE(awkward.value(QStringLiteral("part_path")).toString(), kAwkwardPath);
    QCOMPARE(awkward.value(QStringLiteral("raw_score")).toDouble(), 0.3);
    QCOMPARE(awkward.value(QStringLiteral("normalised_score")).toDouble(), normalisedScore(0.3, 0.25));
    QCOMPARE(awkward.value(QStringLiteral("verdict")).toString(), QStringLiteral("fail"));
    const QJsonObject unicode = parts[1].toObject();
    QCOMPARE(unicode.value(QStringLiteral("part_file")).toString(), kUnicodeName);
    QCOMPARE(unicode.value(QStringLiteral("operator_verdict")).toString(), QStringLiteral("accepted"));
    QCOMPARE(unicode.value(QStringLiteral("operator")).toString(), QStringLiteral("Zoë"));
}

void ReportExportsTest::jsonMatchesCsvText()
{
    const QVector<QStringList> rows = parseCsv(QString::fromUtf8(fileBytes(mCsvPath)));
    const QJsonArray parts = QJsonDocument::fromJson(fileBytes(mJsonPath)).object().value(QStringLiteral("parts")).toArray();
    const QStringList columns = partCsvColumns();
    for (int i = 0; i < parts.size(); ++i) {
        const QJsonObject part = parts[i].toObject();
        for (int c = 0; c < columns.size(); ++c) {
            const QJsonValue value = part.value(columns[c]);
            const QString csv = rows[i + 1][c];
            if (value.isDouble())
                QVERIFY2(std::abs(value.toDouble() - csv.toDouble()) < 1e-6, qPrintable(columns[c]));
            else if (value.isNull())
                QVERIFY2(csv.isEmpty(), qPrintable(columns[c]));
            else
                QCOMPARE(value.toString(), csv);
        }
    }
}

void ReportExportsTest::jsonWritesNullForUnscoredPart()
{
    const QJsonArray parts = QJsonDocument::fromJson(fileBytes(mJsonPath)).object().value(QStringLiteral("parts")).toArray();
    const QJsonObject broken = parts[2].toObject();
    QCOMPARE(broken.value(QStringLiteral("verdict")).toString(), QStringLiteral("error"));
    QVERIFY(broken.value(QStringLiteral("raw_score")).isNull());
    QVERIFY(broken.value(QStringLiteral("normalised_score")).isNull());
    QCOMPARE(broken.value(QStringLiteral("error")).toString(), QStringLiteral("not an image"));
}

// The references of a lot travel with its export, with the reference that
// raised the derived thresholds marked.
void ReportExportsTest::jsonListsReferences()
{
    QVector<ReferenceRecord> references;
    const QVector<double> scores{0.050, 0.055, 0.189, 0.060};
    for (int i = 0; i < scores.size(); ++i)
        references.append({0, mLot.id, QStringLiteral("/refs/ref_%1.png").arg(i), QString(64, QLatin1Char('a' + i)),
                           scores[i]});
    const QJsonArray array = lotJson(mLot, mParts, {}, references).value(QStringLiteral("references")).toArray();
    QCOMPARE(array.size(), 4);
    for (int i = 0; i < array.size(); ++i) {
        const QJsonObject reference = array[i].toObject();
        QCOMPARE(reference.value(QStringLiteral("path")).toString(), references[i].path);
        QCOMPARE(reference.value(QStringLiteral("sha256")).toString(), references[i].sha256);
        QCOMPARE(reference.value(QStringLiteral("leave_one_out_score")).toDouble(), scores[i]);
        QCOMPARE(reference.value(QStringLiteral("unlike_others")).toBool(), i == 2);
    }
    QVERIFY(lotJson(mLot, mParts, {}).value(QStringLiteral("references")).toArray().isEmpty());
}

void ReportExportsTest::exportToMissingFolderFails()
{
    const QString path = mDir.filePath(QStringLiteral("missing/lot.json"));
    try {
        writeLotJson(path, mLot, mParts, {});
        QFAIL("a JSON file in a missing folder was accepted");
    } catch (const Error &error) {
        QVERIFY2(error.message().contains(path), qPrintable(error.message()));
    }
}

QTEST_MAIN(ReportExportsTest)
#include "test_report_exports.moc"
