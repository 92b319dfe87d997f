// Builds the sample report lot (SampleReportLot.h) and writes its PDF report,
// for the README's page images and for measuring the report size by hand:
//
//   report_sample OUT_FOLDER [GOOD_PARTS DEFECTIVE_PARTS IMAGE_SIZE]
//
// Prints the part counts, the PDF size and the time taken.

#include "SampleReportLot.h"

#include "common/Error.h"
#include "report/LotReport.h"
#include "store/LotStore.h"

#include <QDir>
#include <QElapsedTimer>
#include <QGuiApplication>

#include <cstdio>

using namespace patchead;

int main(int argc, char *argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    const QStringList arguments = app.arguments();
    if (arguments.size() != 2 && arguments.size() != 5) {
        std::fprintf(stderr, "Usage: report_sample OUT_FOLDER [GOOD_PARTS DEFECTIVE_PARTS IMAGE_SIZE]\n");
        return 2;
    }
    test::SampleReportLotOptions options;
    options.removeOnePartImage = true;
    if (arguments.size() == 5) {
        options.goodParts = arguments[2].toInt();
        options.defectiveParts = arguments[3].toInt();
        options.imageSize = arguments[4].toInt();
    }
    try {
        QElapsedTimer timer;
        timer.start();
        const QString folder = QDir(arguments[1]).absolutePath();
        const test::SampleReportLot lot = test::buildSampleReportLot(folder, options);
        const qint64 buildMs = timer.restart();
        std::unique_ptr<LotStore> store = LotStore::open(lot.databasePath);
        LotReportOptions reportOptions;
        reportOptions.operatorName = QStringLiteral("M. Keller");
        const LotReportSummary summary =
            writeLotReport(*store, lot.lotId, QDir(folder).filePath(QStringLiteral("report.pdf")), reportOptions);
        std::printf("%d parts, %d flagged, %d px images: %s, %d pages, %lld bytes (%.2f MB); "
                    "lot built in %.1f s, report written in %.1f s\n",
                    lot.parts, lot.flaggedParts, options.imageSize, qPrintable(summary.pdfPath), summary.pageCount,
                    static_cast<long long>(summary.bytes), summary.bytes / 1e6, buildMs / 1000.0,
                    timer.elapsed() / 1000.0);
    } catch (const Error &error) {
        std::fprintf(stderr, "Error: %s\n", qPrintable(error.message()));
        return 1;
    }
    return 0;
}
