#include "report/LotReport.h"

#include "common/Error.h"
#include "common/Logging.h"
#include "report/LotReportBlocks.h"
#include "report/LotReportData.h"
#include "store/LotStore.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QGuiApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPageLayout>
#include <QPainter>
#include <QPdfWriter>
#include <QSaveFile>

namespace patchead {

namespace {

// Device resolution of the PDF: QPainter coordinates are 1/300 inch, and
// text stays vector at any zoom.
constexpr int kPdfResolution = 300;
constexpr qreal kMarginMm = 15.0;
constexpr qreal kHeaderMm = 9.0; // running header and footer bands inside the margins
constexpr qreal kBlockSpacingMm = 2.5;

void requireGuiApplication()
{
    if (qobject_cast<QGuiApplication *>(QCoreApplication::instance()) == nullptr)
        throw Error(QStringLiteral("Writing a PDF report needs a QGuiApplication for text layout; create one "
                                   "(with QT_QPA_PLATFORM=offscreen when there is no display) before calling "
                                   "writeLotReport."));
}

void validateOptions(const LotReportOptions &options)
{
    if (options.maxImageSide < 64 || options.maxImageSide > 4096)
        throw SettingsError(QStringLiteral("Report image size %1 px is out of range; use 64 to 4096 pixels.")
                                .arg(options.maxImageSide));
    if (!(options.heatmapOpacity >= 0.0 && options.heatmapOpacity <= 1.0))
        throw SettingsError(QStringLiteral("Heatmap opacity %1 is out of range; use 0 to 1.").arg(options.heatmapOpacity));
}

void configureWriter(QPdfWriter &writer, const LotReportOptions &options, const LotReportData &data)
{
    writer.setResolution(kPdfResolution);
    const QPageSize size(options.pageSize == ReportPageSize::Letter ? QPageSize::Letter : QPageSize::A4);
    // Margins are drawn by the report itself, so the painter spans the page.
    writer.setPageLayout(QPageLayout(size, QPageLayout::Portrait, QMarginsF(0, 0, 0, 0), QPageLayout::Millimeter));
    writer.setTitle(QStringLiteral("%1: lot %2").arg(options.title.isEmpty() ? QStringLiteral("Lot inspection report")
                                                                             : options.title, data.lot.name));
    writer.setCreator(QStringLiteral("PatchEAD Workstation"));
}

QRectF bodyRect(const QPdfWriter &writer, const ReportStyle &style)
{
    const qreal margin = style.mm(kMarginMm);
    const qreal band = style.mm(kHeaderMm);
    return QRectF(margin, margin + band, writer.width() - 2 * margin, writer.height() - 2 * margin - 2 * band);
}

ReportPageFrame pageFrame(const LotReportData &data, const LotReportOptions &options)
{
    const QString title = options.title.isEmpty() ? QStringLiteral("Lot inspection report") : options.title;
    QString program = QStringLiteral("PatchEAD Workstation");
    if (!QCoreApplication::applicationVersion().isEmpty())
        program += QLatin1Char(' ') + QCoreApplication::applicationVersion();
    return {QStringLiteral("%1 · lot %2").arg(title, data.lot.name), program,
            QStringLiteral("Generated %1").arg(reportTimestamp(data.generatedAt))};
}

int paintPages(QPdfWriter &writer, const ReportStyle &style, const ReportBlocks &blocks, const ReportPageFrame &frame,
               const QString &pdfPath)
{
    const QRectF body = bodyRect(writer, style);
    const QVector<ReportPage> pages = paginateBlocks(blocks, body, style.mm(kBlockSpacingMm));
    QPainter painter;
    if (!painter.begin(&writer))
        throw Error(QStringLiteral("Cannot start the PDF %1. Check that its folder is writable.").arg(pdfPath));
    painter.setRenderHint(QPainter::Antialiasing);
    for (int i = 0; i < pages.size(); ++i) {
        if (i > 0 && !writer.newPage())
            throw Error(QStringLiteral("Cannot add page %1 to the PDF %2. Check free space.").arg(i + 1).arg(pdfPath));
        paintPageFrame(painter, style, body, frame, i + 1, pages.size());
        for (const PlacedBlock &placed : pages[i])
            placed.block->paint(painter, placed.area);
    }
    painter.end();
    return pages.size();
}

void appendReportAudit(LotStore &store, qint64 lotId, const LotReportSummary &summary, const LotReportOptions &options)
{
    if (store.mode() == LotStore::Mode::ReadOnly) {
        qCInfo(lcReport).noquote() << "Report" << summary.pdfPath << "not recorded in the audit trail of the "
                                   << "read-only database" << store.path();
        return;
    }
    const QJsonObject details{{QStringLiteral("path"), summary.pdfPath},
                              {QStringLiteral("pages"), summary.pageCount},
                              {QStringLiteral("part_rows"), summary.partRows},
                              {QStringLiteral("all_parts"), options.allParts},
                              {QStringLiteral("bytes"), summary.bytes}};
    store.appendAudit(lotId, QStringLiteral("report_exported"),
                      QString::fromUtf8(QJsonDocument(details).toJson(QJsonDocument::Compact)));
}

} // namespace

ReportPageSize reportPageSizeFromName(const QString &name)
{
    if (name.compare(QLatin1String("a4"), Qt::CaseInsensitive) == 0)
        return ReportPageSize::A4;
    if (name.compare(QLatin1String("letter"), Qt::CaseInsensitive) == 0)
        return ReportPageSize::Letter;
    throw SettingsError(QStringLiteral("Unknown page size \"%1\"; use a4 or letter.").arg(name));
}

LotReportSummary writeLotReport(LotStore &store, qint64 lotId, const QString &pdfPath, const LotReportOptions &options)
{
    requireGuiApplication();
    validateOptions(options);
    const LotReportData data = loadLotReportData(store, lotId, options);

    LotReportSummary summary;
    summary.pdfPath = QFileInfo(pdfPath).absoluteFilePath();
    summary.partRows = reportedParts(data, options.allParts).size();

    // QSaveFile writes a temporary file and renames it on commit, so a
    // failed report never replaces an earlier good one with a partial file.
    QSaveFile file(summary.pdfPath);
    if (!file.open(QIODevice::WriteOnly))
        throw Error(QStringLiteral("Cannot write the PDF %1: %2. Check that the folder exists and is writable.")
                        .arg(summary.pdfPath, file.errorString()));
    {
        QPdfWriter writer(&file);
        configureWriter(writer, options, data);
        const ReportStyle style(&writer);
        const ReportBlocks blocks = buildLotReportBlocks(style, store, data, options);
        summary.pageCount = paintPages(writer, style, blocks, pageFrame(data, options), summary.pdfPath);
    }
    if (!file.commit())
        throw Error(QStringLiteral("Cannot write the PDF %1: %2. Check free space and permissions.")
                        .arg(summary.pdfPath, file.errorString()));
    summary.bytes = QFileInfo(summary.pdfPath).size();

    appendReportAudit(store, lotId, summary, options);
    qCInfo(lcReport).noquote() << "Wrote the report of lot" << data.lot.name << "to" << summary.pdfPath << ":"
                               << summary.pageCount << "pages," << summary.partRows << "part rows,"
                               << summary.bytes << "bytes";
    return summary;
}

} // namespace patchead
