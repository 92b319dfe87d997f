// Measures the PDF report of a 160-part lot with about 40 flagged parts,
// built from synthetic flange images, and checks it stays small enough to
// send by e-mail.

#include "SampleReportLot.h"

#include "report/LotReport.h"
#include "store/LotStore.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>

using namespace patchead;

namespace {

// Generous bound: a report far above this no longer fits common mail limits.
constexpr qint64 kMaxReportBytes = 20LL * 1000 * 1000;

} // namespace

class ReportSizeTest : public QObject {
    Q_OBJECT

private slots:
    void lotOf160PartsStaysSmall();
};

void ReportSizeTest::lotOf160PartsStaysSmall()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    test::SampleReportLotOptions options;
    options.goodParts = 120;
    options.defectiveParts = 40;
    // Above the report's 600 px limit, so every part image is downscaled as
    // camera images are; larger sources give the same embedded size.
    options.imageSize = 640;
    const test::SampleReportLot lot = test::buildSampleReportLot(dir.path(), options);
    QCOMPARE(lot.parts, 160);
    QVERIFY2(lot.flaggedParts >= 30 && lot.flaggedParts <= 50, qPrintable(QString::number(lot.flaggedParts)));

    std::unique_ptr<LotStore> store = LotStore::open(lot.databasePath);
    QElapsedTimer timer;
    timer.start();
    const LotReportSummary summary = writeLotReport(*store, lot.lotId, dir.filePath(QStringLiteral("report.pdf")));
    qInfo("Report of %d parts with %d flagged: %d pages, %lld bytes (%.2f MB), written in %.1f s", lot.parts,
          lot.flaggedParts, summary.pageCount, static_cast<long long>(summary.bytes), summary.bytes / 1e6,
          timer.elapsed() / 1000.0);
    QCOMPARE(summary.partRows, lot.flaggedParts);
    QVERIFY2(summary.bytes < kMaxReportBytes, qPrintable(QString::number(summary.bytes)));
}

QTEST_MAIN(ReportSizeTest)
#include "test_report_size.moc"
