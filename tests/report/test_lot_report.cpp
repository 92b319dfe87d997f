// Tests of the PDF lot report against a real lot database filled through
// LotStore, real PNG files, and the PDF read back with poppler-utils.

#include "ReportTestSupport.h"

#include "common/Error.h"
#include "report/LotReport.h"
#include "report/ReportLayout.h"
#include "report/ScoreHistogram.h"
#include "store/LotStore.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPdfWriter>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace patchead;
using namespace patchead::test;

namespace {

const QString kLotName = QStringLiteral("Flange lot 0412");
const QString kOperator = QStringLiteral("Alex Meyer");
const QString kModelHash = QStringLiteral("3f5a9c0e2b7d41a8c6e0f9b3d2a1c4e5f60718293a4b5c6d7e8f90a1b2c3d4e5");
const QString kRule = QStringLiteral("maximum leave-one-out score of 3 references; reject = review × 1.10");
const QString kChangeReason = QStringLiteral("Raised after the first review round");
constexpr double kReject = 0.21;
constexpr double kReview = 0.16;

// Collapses runs of white space, so that text wrapped by the layout or by
// pdftotext compares as one line.
QString flat(const QString &text)
{
    return text.simplified();
}

QString scoreText(double score)
{
    return QString::number(score, 'f', 5);
}

// A block of fixed height for the pagination tests.
class FixedBlock : public ReportBlock {
public:
    explicit FixedBlock(qreal height) : mHeight(height) {}
    qreal height(qreal) const override { return mHeight; }
    void paint(QPainter &, const QRectF &) const override {}

private:
    qreal mHeight;
};

// A lot named `name` in `folder`, with status `status` and the fields that
// addOnePartLot fills left empty.
LotRecord namedLot(const QString &name, const QString &folder, const QString &status)
{
    LotRecord lot;
    lot.name = name;
    lot.folder = folder;
    lot.status = status;
    return lot;
}

// A lot with the report's thresholds and one failing part, for the tests
// that need a lot of their own. Returns the lot id, or 0 when the part image
// cannot be written.
qint64 addOnePartLot(LotStore &store, LotRecord lot, const QString &partPath, int seed)
{
    lot.settingsJson = QStringLiteral("{}");
    lot.modelName = QStringLiteral("mobilenet_v2");
    lot.modelHash = kModelHash;
    lot.rejectThreshold = kReject;
    lot.reviewThreshold = kReview;
    lot.thresholdRule = kRule;
    const qint64 lotId = store.createLot(lot);
    if (!QDir().mkpath(QFileInfo(partPath).absolutePath()) || !writePartImage(partPath, 96, 96, seed))
        return 0;
    PartRecord part = scoredPart(lotId, partPath, 0.40, kReject, kReview);
    store.savePart(part);
    return lotId;
}

} // namespace

class LotReportTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void flaggedReportShowsLotFacts();
    void flaggedReportListsFlaggedParts();
    void flaggedReportOmitsPassingPart();
    void allPartsReportShowsPassingPart();
    void partTableListsEveryPart();
    void pageNumbersOnEveryPage();
    void firstPageIsNotBlank();
    void letterPageSize();
    void reportAppendsAuditEvent();
    void unknownLotIsRejected();
    void unwritablePathIsRejected();
    void paginationKeepsBlocksWhole();
    void paginationRepeatsHeader();
    void histogramBinsScoredParts();
    void cjkNamesAreWritten();
    void incompleteLotIsMarked();
    void outlierReferenceIsNamed();

private:
    QString writeReport(const QString &fileName, const LotReportOptions &options);
    void addParts();

    QTemporaryDir mDir;
    std::unique_ptr<LotStore> mStore;
    qint64 mLotId = 0;
    QString mFlaggedPdf;
    QString mFlaggedText;
};

void LotReportTest::initTestCase()
{
    QVERIFY(mDir.isValid());
    if (qEnvironmentVariableIsSet("PATCHEAD_KEEP_TEST_OUTPUT")) {
        mDir.setAutoRemove(false);
        qInfo() << "Keeping the test output in" << mDir.path();
    }
    if (popplerTool(QStringLiteral("pdftotext")).isEmpty() || popplerTool(QStringLiteral("pdftoppm")).isEmpty()
        || popplerTool(QStringLiteral("pdfinfo")).isEmpty())
        QSKIP("poppler-utils (pdftotext, pdftoppm, pdfinfo) not installed; apt-get install poppler-utils");

    mStore = LotStore::open(mDir.filePath(QStringLiteral("lots.sqlite")));
    const QJsonObject settings{
        {QStringLiteral("layers"), QJsonArray{QStringLiteral("block_3_expand_relu"), QStringLiteral("block_6_expand_relu")}},
        {QStringLiteral("resolution"), 0},
        {QStringLiteral("neighbourhood"), 3},
        {QStringLiteral("image_score"), QStringLiteral("top-fraction-mean")},
        {QStringLiteral("top_fraction"), 0.01},
        {QStringLiteral("alignment"), QStringLiteral("auto")},
        {QStringLiteral("rotation_step"), 45},
        {QStringLiteral("flips"), true},
        {QStringLiteral("map_sigma"), 4.0},
        {QStringLiteral("alignment_decision"),
         QJsonObject{{QStringLiteral("reason"), QStringLiteral("Rotated copies raise the reference similarity.")},
                     {QStringLiteral("transforms"), QJsonArray{QStringLiteral("rot90"), QStringLiteral("rot180")}}}}};
    LotRecord lot;
    lot.name = kLotName;
    lot.folder = mDir.filePath(QStringLiteral("lot"));
    lot.operatorName = kOperator;
    lot.settingsJson = QString::fromUtf8(QJsonDocument(settings).toJson(QJsonDocument::Compact));
    lot.modelName = QStringLiteral("mobilenet_v2");
    lot.modelHash = kModelHash;
    lot.rejectThreshold = 0.20;
    lot.reviewThreshold = 0.15;
    lot.thresholdRule = kRule;
    lot.status = QStringLiteral("complete");
    mLotId = mStore->createLot(lot);

    QVERIFY(QDir().mkpath(mDir.filePath(QStringLiteral("good"))));
    QVector<ReferenceRecord> references;
    for (int i = 0; i < 3; ++i) {
        ReferenceRecord reference;
        reference.path = mDir.filePath(QStringLiteral("good/good_%1.png").arg(i));
        reference.sha256 = QString(64, QLatin1Char('a' + i));
        reference.leaveOneOutScore = 0.12 + 0.01 * i;
        if (i < 2) // the third reference file is missing on purpose
            QVERIFY(writePartImage(reference.path, 120, 90, i));
        references.append(reference);
    }
    mStore->setReferences(mLotId, references);
    addParts();
    mStore->setThresholds(mLotId, kReject, kReview, kChangeReason);

    LotReportOptions options;
    options.partTable = false;
    mFlaggedPdf = writeReport(QStringLiteral("flagged.pdf"), options);
    mFlaggedText = flat(pdfText(mFlaggedPdf));
}

void LotReportTest::addParts()
{
    QVERIFY(QDir().mkpath(mDir.filePath(QStringLiteral("lot"))));
    const QVector<QPair<QString, double>> scored{
        {QStringLiteral("part_pass_01.png"), 0.05},  {QStringLiteral("part_pass_02.png"), 0.06},
        {QStringLiteral("part_review.png"), 0.18},   {QStringLiteral("part_fail.png"), 0.40},
        {QStringLiteral("part_missing.png"), 0.50},  {QStringLiteral("part_operator_reject.png"), 0.07}};
    for (int i = 0; i < scored.size(); ++i) {
        const QString path = mDir.filePath(QStringLiteral("lot/") + scored[i].first);
        if (!scored[i].first.contains(QLatin1String("missing")))
            QVERIFY(writePartImage(path, 96, 96, 10 + i));
        PartRecord part = scoredPart(mLotId, path, scored[i].second, 0.20, 0.15);
        mStore->savePart(part);
        if (scored[i].first.contains(QLatin1String("operator_reject")))
            mStore->setOperatorVerdict(part.id, OperatorVerdict::Rejected, QStringLiteral("Dana"));
    }

    PartRecord unreadable;
    unreadable.lotId = mLotId;
    unreadable.path = mDir.filePath(QStringLiteral("lot/part_unreadable.png"));
    unreadable.verdict = Verdict::Error;
    unreadable.error = QStringLiteral("truncated PNG data");
    QFile file(unreadable.path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("\x89PNG\r\n\x1a\n");
    file.close();
    mStore->savePart(unreadable);
}

QString LotReportTest::writeReport(const QString &fileName, const LotReportOptions &options)
{
    const QString path = mDir.filePath(fileName);
    const LotReportSummary summary = writeLotReport(*mStore, mLotId, path, options);
    if (!QFileInfo::exists(path))
        QTest::qFail("writeLotReport returned without a PDF", __FILE__, __LINE__);
    if (summary.bytes != QFileInfo(path).size())
        QTest::qFail("the summary's byte count differs from the file size", __FILE__, __LINE__);
    return path;
}

void LotReportTest::flaggedReportShowsLotFacts()
{
    QVERIFY(mFlaggedText.contains(kLotName));
    QVERIFY(mFlaggedText.contains(kOperator));
    QVERIFY(mFlaggedText.contains(kModelHash));
    QVERIFY(mFlaggedText.contains(QStringLiteral("mobilenet_v2")));
    QVERIFY(mFlaggedText.contains(QStringLiteral("block_3_expand_relu, block_6_expand_relu")));
    QVERIFY(mFlaggedText.contains(QStringLiteral("Rotated copies raise the reference similarity.")));
    QVERIFY(mFlaggedText.contains(kRule));
    QVERIFY(mFlaggedText.contains(kChangeReason));
    QVERIFY(mFlaggedText.contains(QStringLiteral("reject ") + scoreText(kReject)));
    QVERIFY(mFlaggedText.contains(QStringLiteral("review ") + scoreText(kReview)));
    QVERIFY(mFlaggedText.contains(scoreText(0.20) + QStringLiteral(" → ") + scoreText(kReject)));

    // Verdict tiles: 7 parts, 3 pass (one of them rejected by the operator),
    // 1 review, 2 fail, 1 unreadable.
    QVERIFY(mFlaggedText.contains(QStringLiteral("Pass 42.9 %")));
    QVERIFY(mFlaggedText.contains(QStringLiteral("Review 14.3 %")));
    QVERIFY(mFlaggedText.contains(QStringLiteral("Fail 28.6 %")));
    QVERIFY(mFlaggedText.contains(QStringLiteral("Unreadable 14.3 %")));
    QVERIFY(mFlaggedText.contains(QStringLiteral("Parts 7")));

    QVERIFY(mFlaggedText.contains(QStringLiteral("good_0.png")));
    QVERIFY(mFlaggedText.contains(QStringLiteral("score ") + scoreText(0.12)));
    QVERIFY2(mFlaggedText.contains(QStringLiteral("File not available")), "the missing reference has no note");
}

void LotReportTest::flaggedReportListsFlaggedParts()
{
    QVERIFY(mFlaggedText.contains(QStringLiteral("Flagged parts (5 of 7)")));
    const QVector<QPair<QString, double>> flagged{{QStringLiteral("part_review.png"), 0.18},
                                                  {QStringLiteral("part_fail.png"), 0.40},
                                                  {QStringLiteral("part_missing.png"), 0.50},
                                                  {QStringLiteral("part_operator_reject.png"), 0.07}};
    for (const auto &part : flagged) {
        QVERIFY2(mFlaggedText.contains(part.first), qPrintable(part.first));
        QVERIFY2(mFlaggedText.contains(scoreText(part.second)), qPrintable(part.first));
    }
    QVERIFY(mFlaggedText.contains(QStringLiteral("part_unreadable.png")));
    QVERIFY(mFlaggedText.contains(QStringLiteral("truncated PNG data")));
    QVERIFY(mFlaggedText.contains(QStringLiteral("rejected by Dana")));
    QVERIFY2(mFlaggedText.contains(QStringLiteral("Image not available")), "the missing part image has no note");
    QVERIFY(mFlaggedText.contains(QStringLiteral("Heatmap only (image missing)")));
}

void LotReportTest::flaggedReportOmitsPassingPart()
{
    QVERIFY(!mFlaggedText.contains(QStringLiteral("part_pass_01.png")));
    QVERIFY(!mFlaggedText.contains(QStringLiteral("part_pass_02.png")));
}

void LotReportTest::allPartsReportShowsPassingPart()
{
    LotReportOptions options;
    options.allParts = true;
    options.partTable = false;
    const QString text = flat(pdfText(writeReport(QStringLiteral("all.pdf"), options)));
    QVERIFY(text.contains(QStringLiteral("All parts (7)")));
    QVERIFY(text.contains(QStringLiteral("part_pass_01.png")));
    QVERIFY(text.contains(scoreText(0.05)));
}

void LotReportTest::partTableListsEveryPart()
{
    LotReportOptions options;
    options.title = QStringLiteral("Weekly flange audit");
    options.operatorName = QStringLiteral("Sam Override");
    const QString text = flat(pdfText(writeReport(QStringLiteral("table.pdf"), options)));
    QVERIFY(text.contains(QStringLiteral("Table of all parts (7)")));
    QVERIFY(text.contains(QStringLiteral("part_pass_02.png")));
    QVERIFY(text.contains(QStringLiteral("Weekly flange audit")));
    QVERIFY(text.contains(QStringLiteral("Sam Override")));
    QVERIFY(!text.contains(kOperator));
}

void LotReportTest::pageNumbersOnEveryPage()
{
    const int pages = pdfPageCount(mFlaggedPdf);
    QVERIFY(pages >= 2);
    for (int page = 1; page <= pages; ++page) {
        const QString text = flat(pdfText(mFlaggedPdf, page));
        QVERIFY2(text.contains(QStringLiteral("Page %1 of %2").arg(page).arg(pages)), qPrintable(text.left(300)));
        QVERIFY(text.contains(QRegularExpression(QStringLiteral("Generated \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC"))));
    }
}

void LotReportTest::firstPageIsNotBlank()
{
    const QString prefix = mDir.filePath(QStringLiteral("page"));
    runTool(popplerTool(QStringLiteral("pdftoppm")),
            {QStringLiteral("-r"), QStringLiteral("50"), QStringLiteral("-f"), QStringLiteral("1"), QStringLiteral("-l"),
             QStringLiteral("1"), QStringLiteral("-png"), QStringLiteral("-singlefile"), mFlaggedPdf, prefix});
    const double ink = inkFraction(prefix + QStringLiteral(".png"));
    QVERIFY2(ink > 0.02, qPrintable(QStringLiteral("ink fraction %1").arg(ink)));
    QVERIFY2(ink < 0.6, qPrintable(QStringLiteral("ink fraction %1").arg(ink)));
}

void LotReportTest::letterPageSize()
{
    LotReportOptions options;
    options.pageSize = ReportPageSize::Letter;
    options.partTable = false;
    const QString path = writeReport(QStringLiteral("letter.pdf"), options);
    const QString info = QString::fromUtf8(runTool(popplerTool(QStringLiteral("pdfinfo")), {path}));
    QVERIFY2(info.contains(QStringLiteral("612 x 792 pts")), qPrintable(info));
    QVERIFY(flat(pdfText(mFlaggedPdf)).contains(QStringLiteral("Page 1 of")));
    const QString a4Info = QString::fromUtf8(runTool(popplerTool(QStringLiteral("pdfinfo")), {mFlaggedPdf}));
    QVERIFY2(a4Info.contains(QStringLiteral("(A4)")), qPrintable(a4Info));
}

void LotReportTest::reportAppendsAuditEvent()
{
    const QVector<AuditEvent> events = mStore->auditLog(mLotId);
    bool found = false;
    for (const AuditEvent &event : events) {
        if (event.event != QLatin1String("report_exported"))
            continue;
        const QJsonObject details = QJsonDocument::fromJson(event.detailsJson.toUtf8()).object();
        if (details.value(QStringLiteral("path")).toString() == QFileInfo(mFlaggedPdf).absoluteFilePath()) {
            found = true;
            QCOMPARE(details.value(QStringLiteral("pages")).toInt(), pdfPageCount(mFlaggedPdf));
            QCOMPARE(details.value(QStringLiteral("part_rows")).toInt(), 5);
        }
    }
    QVERIFY(found);
}

void LotReportTest::unknownLotIsRejected()
{
    const QString path = mDir.filePath(QStringLiteral("unknown.pdf"));
    QVERIFY_THROWS_EXCEPTION(SettingsError, writeLotReport(*mStore, mLotId + 100, path));
    QVERIFY(!QFileInfo::exists(path));
}

void LotReportTest::unwritablePathIsRejected()
{
    const int eventsBefore = mStore->auditLog(mLotId).size();
    const QString path = mDir.filePath(QStringLiteral("no-such-folder/report.pdf"));
    try {
        writeLotReport(*mStore, mLotId, path);
        QFAIL("a PDF in a missing folder was accepted");
    } catch (const Error &error) {
        QVERIFY2(error.message().contains(path), qPrintable(error.message()));
    }
    QCOMPARE(mStore->auditLog(mLotId).size(), eventsBefore);
}

void LotReportTest::paginationKeepsBlocksWhole()
{
    ReportBlocks blocks;
    for (int i = 0; i < 10; ++i)
        blocks.push_back(std::make_shared<FixedBlock>(30.0));
    const QRectF body(10, 10, 100, 100);
    const QVector<ReportPage> pages = paginateBlocks(blocks, body, 5.0);
    QCOMPARE(pages.size(), 4); // 30 + 5 + 30 + 5 + 30 = 100 per page
    int placed = 0;
    for (const ReportPage &page : pages) {
        QVERIFY(!page.isEmpty());
        QCOMPARE(page.first().area.top(), body.top());
        for (const PlacedBlock &block : page) {
            QVERIFY(block.area.bottom() <= body.bottom());
            ++placed;
        }
    }
    QCOMPARE(placed, 10);
}

void LotReportTest::paginationRepeatsHeader()
{
    auto header = std::make_shared<FixedBlock>(10.0);
    header->keepWithNext = true;
    auto heading = std::make_shared<FixedBlock>(20.0);
    heading->keepWithNext = true;
    ReportBlocks blocks{std::make_shared<FixedBlock>(60.0), heading, header};
    for (int i = 0; i < 6; ++i) {
        auto row = std::make_shared<FixedBlock>(20.0);
        row->continuationHeader = header;
        blocks.push_back(row);
    }
    const QVector<ReportPage> pages = paginateBlocks(blocks, QRectF(0, 0, 100, 100), 0.0);
    // The heading cannot share page 1 with its header and first row, so all
    // three move to page 2; the header repeats at the top of page 3.
    QCOMPARE(pages.size(), 3);
    QCOMPARE(pages[0].size(), 1);
    QCOMPARE(pages[1][0].block, heading.get());
    QCOMPARE(pages[1][1].block, header.get());
    QCOMPARE(pages[2][0].block, header.get());
    QCOMPARE(pages[1].size() + pages[2].size(), 2 + 6 + 1);
}

void LotReportTest::histogramBinsScoredParts()
{
    const QVector<PartRecord> parts = mStore->parts(mLotId);
    const ScoreHistogram histogram = buildScoreHistogram(parts, kReject, kReview, 20);
    int binned = 0;
    int failing = 0;
    for (const auto &bin : histogram.bins) {
        binned += bin[0] + bin[1] + bin[2];
        failing += bin[2];
    }
    QCOMPARE(binned, 6);
    QCOMPARE(failing, 2);
    QCOMPARE(histogram.unscored, 1);
    QVERIFY(histogram.low <= 0.05);
    QVERIFY(histogram.high >= 0.50);
    QVERIFY(histogram.low <= kReview && histogram.high >= kReject);
    QCOMPARE(niceTickStep(0.0, 1.0, 5), 0.2);
    QCOMPARE(niceTickStep(0.0, 0.37, 8), 0.05);
}

// Lot, operator and part names in Chinese and Japanese, as plants in Asia
// name them. Without a font that has their glyphs, the PDF shows empty boxes
// and pdftotext returns no such text. install-deps.sh and the package pull
// in fonts-droid-fallback for them.
void LotReportTest::cjkNamesAreWritten()
{
    LotRecord lot;
    lot.name = QStringLiteral("\u68c0\u9a8c\u6279 0412");                       // inspection lot
    lot.folder = mDir.filePath(QStringLiteral("cjk"));
    lot.operatorName = QStringLiteral("\u738b\u82b3");                           // a person's name
    lot.status = QStringLiteral("complete");
    const QString partName = QStringLiteral("\u90e8\u54c1_\u30d5\u30e9\u30f3\u30b8_01.png"); // part_flange_01
    const qint64 lotId = addOnePartLot(*mStore, lot, QDir(lot.folder).filePath(partName), 3);
    QVERIFY(lotId > 0);

    const QString pdf = mDir.filePath(QStringLiteral("cjk.pdf"));
    writeLotReport(*mStore, lotId, pdf);
    const QString text = flat(pdfText(pdf));
    QVERIFY2(text.contains(lot.name), qPrintable(text.left(400)));
    QVERIFY2(text.contains(lot.operatorName), qPrintable(text.left(400)));
    QVERIFY2(text.contains(partName), qPrintable(text.left(400)));
}

// A lot whose run was killed stays "running", and its report must not read
// as the whole lot.
void LotReportTest::incompleteLotIsMarked()
{
    QVERIFY(!mFlaggedText.contains(QStringLiteral("Incomplete lot")));

    const LotRecord lot = namedLot(QStringLiteral("killed lot"), mDir.filePath(QStringLiteral("killed")),
                                   QStringLiteral("running"));
    const qint64 lotId = addOnePartLot(*mStore, lot, QDir(lot.folder).filePath(QStringLiteral("part_001.png")), 5);
    QVERIFY(lotId > 0);

    const QString pdf = mDir.filePath(QStringLiteral("killed.pdf"));
    writeLotReport(*mStore, lotId, pdf);
    const QString text = flat(pdfText(pdf, 1));
    QVERIFY2(text.contains(QStringLiteral("Incomplete lot")), qPrintable(text.left(600)));
    QVERIFY2(text.contains(QStringLiteral("(status running)")), qPrintable(text.left(600)));
}

// A reference whose leave-one-out score is far above the others' set the
// derived thresholds, so the report names it as the inspection did.
void LotReportTest::outlierReferenceIsNamed()
{
    QVERIFY(!mFlaggedText.contains(QStringLiteral("looks unlike the others")));

    const LotRecord lot = namedLot(QStringLiteral("outlier lot"), mDir.filePath(QStringLiteral("outlier")),
                                   QStringLiteral("complete"));
    const qint64 lotId = addOnePartLot(*mStore, lot, QDir(lot.folder).filePath(QStringLiteral("part_001.png")), 6);
    QVERIFY(lotId > 0);
    QVector<ReferenceRecord> references;
    const QVector<double> scores{0.050, 0.055, 0.189, 0.060};
    for (int i = 0; i < scores.size(); ++i) {
        ReferenceRecord reference;
        reference.lotId = lotId;
        reference.path = mDir.filePath(QStringLiteral("outlier-refs/ref_%1.png").arg(i));
        reference.sha256 = QString(64, QLatin1Char('a' + i));
        reference.leaveOneOutScore = scores[i];
        references.append(reference);
    }
    mStore->setReferences(lotId, references);

    const QString pdf = mDir.filePath(QStringLiteral("outlier.pdf"));
    writeLotReport(*mStore, lotId, pdf);
    const QString text = flat(pdfText(pdf));
    QVERIFY2(text.contains(QStringLiteral("Reference ref_2.png looks unlike the others")), qPrintable(text.left(1500)));
    QCOMPARE(text.count(QStringLiteral("looks unlike the others")), 1);
}

QTEST_MAIN(LotReportTest)
#include "test_lot_report.moc"

