#include "report/LotReportBlocks.h"

#include "report/PartRowBlock.h"
#include "report/ReportBlocks.h"
#include "report/ScoreHistogram.h"
#include "scoring/Threshold.h"

#include <QFileInfo>

namespace patchead {

namespace {

constexpr qreal kLabelColumnMm = 38.0;

template <typename Block, typename... Arguments>
std::shared_ptr<Block> add(ReportBlocks &blocks, Arguments &&...arguments)
{
    auto block = std::make_shared<Block>(std::forward<Arguments>(arguments)...);
    blocks.push_back(block);
    return block;
}

std::shared_ptr<ParagraphBlock> addNote(ReportBlocks &blocks, const ReportStyle &style, const QString &text)
{
    return add<ParagraphBlock>(blocks, style, text, style.body, style.muted);
}

// A lot whose run was killed, cancelled or is still going lists only the
// parts scored so far, which a reader of the report must not take for the
// whole lot. Empty for a complete lot.
QString incompleteLotNote(const QString &status)
{
    if (status == QLatin1String("complete"))
        return {};
    const QString cause = status == QLatin1String("cancelled")
        ? QStringLiteral("its inspection was cancelled")
        : QStringLiteral("its inspection is still running or was stopped before it finished");
    return QStringLiteral("Incomplete lot: %1 (status %2). Parts not scored yet are missing from this report and "
                          "from its counts. Run the inspection of the lot again to finish it, then export a new "
                          "report.").arg(cause, status);
}

void addLotSummary(ReportBlocks &blocks, const ReportStyle &style, const LotReportData &data, const QString &title)
{
    const LotRecord &lot = data.lot;
    add<TitleBlock>(blocks, style, title, QStringLiteral("Lot ") + lot.name);

    QVector<ReportField> fields{
        {QStringLiteral("Lot name"), lot.name},
        {QStringLiteral("Folder"), lot.folder.isEmpty() ? QStringLiteral("not recorded") : lot.folder, true},
        {QStringLiteral("Created"), reportTimestamp(lot.createdAt)},
    };
    if (!data.operatorName.isEmpty())
        fields.append({QStringLiteral("Operator"), data.operatorName});
    fields.append({QStringLiteral("Parts"), QString::number(data.counts.total)});
    fields.append({QStringLiteral("Lot status"), lot.status});
    fields.append({QStringLiteral("Report generated"), reportTimestamp(data.generatedAt)});
    add<HeadingBlock>(blocks, style, QStringLiteral("Lot"));
    add<FieldGridBlock>(blocks, style, fields, kLabelColumnMm);
    const QString incomplete = incompleteLotNote(lot.status);
    if (!incomplete.isEmpty())
        add<ParagraphBlock>(blocks, style, incomplete, style.bodyBold, style.fail);
    add<HeadingBlock>(blocks, style, QStringLiteral("Verdicts"));
    add<VerdictCountsBlock>(blocks, style, data.counts);
}

void addHistogram(ReportBlocks &blocks, const ReportStyle &style, const LotReportData &data)
{
    add<HeadingBlock>(blocks, style, QStringLiteral("Score distribution"));
    const ScoreHistogram histogram =
        buildScoreHistogram(data.parts, data.lot.rejectThreshold, data.lot.reviewThreshold);
    add<HistogramBlock>(blocks, style, histogram, data.lot.rejectThreshold, data.lot.reviewThreshold);
}

QString reviewBandText(const LotRecord &lot)
{
    if (lot.reviewThreshold < lot.rejectThreshold)
        return QStringLiteral("%1 (scores from %1 up to the reject threshold go to review)")
            .arg(reportScore(lot.reviewThreshold));
    return QStringLiteral("%1 (no review band)").arg(reportScore(lot.reviewThreshold));
}

void addThresholdHistory(ReportBlocks &blocks, const ReportStyle &style, const QVector<ThresholdChange> &history)
{
    if (history.isEmpty()) {
        addNote(blocks, style, QStringLiteral("The thresholds have not changed since the lot was created."));
        return;
    }
    addNote(blocks, style, QStringLiteral("Threshold changes, oldest first:"))->keepWithNext = true;
    const QVector<TableColumn> columns{
        {0.22, Qt::AlignLeft, false}, {0.18, Qt::AlignRight, false}, {0.18, Qt::AlignRight, false},
        {0.42, Qt::AlignLeft, true}};
    auto header = add<TableRowBlock>(
        blocks, style, columns,
        QStringList{QStringLiteral("Changed at"), QStringLiteral("Reject: old → new"),
                    QStringLiteral("Review: old → new"), QStringLiteral("Reason")},
        true);
    header->keepWithNext = true;
    for (int i = 0; i < history.size(); ++i) {
        const ThresholdChange &change = history[i];
        const QStringList cells{
            reportTimestamp(change.changedAt),
            reportScore(change.oldReject) + QStringLiteral(" → ") + reportScore(change.newReject),
            reportScore(change.oldReview) + QStringLiteral(" → ") + reportScore(change.newReview),
            change.reason.isEmpty() ? QStringLiteral("no reason given") : change.reason};
        auto row = add<TableRowBlock>(blocks, style, columns, cells, false, i % 2 == 1);
        row->continuationHeader = header;
        row->joinsPrevious = true;
    }
}

void addThresholds(ReportBlocks &blocks, const ReportStyle &style, const LotReportData &data)
{
    const LotRecord &lot = data.lot;
    add<HeadingBlock>(blocks, style, QStringLiteral("Thresholds"));
    QVector<ReportField> fields{
        {QStringLiteral("Reject threshold"),
         QStringLiteral("%1 (scores at or above fail)").arg(reportScore(lot.rejectThreshold))},
        {QStringLiteral("Review threshold"), reviewBandText(lot)},
        {QStringLiteral("Derivation"), lot.thresholdRule.isEmpty() ? QStringLiteral("not recorded") : lot.thresholdRule},
        {QStringLiteral("Normalised score"),
         QStringLiteral("score / (2 × reject threshold), clamped to [0, 1]; 0.5 is the reject threshold")},
    };
    if (!data.initialThresholdRule.isEmpty())
        fields.insert(3, {QStringLiteral("At lot creation"), data.initialThresholdRule});
    add<FieldGridBlock>(blocks, style, fields, kLabelColumnMm);
    addThresholdHistory(blocks, style, data.thresholdHistory);
}

void addSettings(ReportBlocks &blocks, const ReportStyle &style, const LotReportData &data)
{
    add<HeadingBlock>(blocks, style, QStringLiteral("Inspection settings and encoder"));
    add<FieldGridBlock>(blocks, style, settingsFields(data), kLabelColumnMm);
}

void addReferences(ReportBlocks &blocks, const ReportStyle &style, const LotReportData &data)
{
    add<HeadingBlock>(blocks, style, QStringLiteral("Reference images (%1)").arg(data.references.size()));
    if (data.references.isEmpty()) {
        addNote(blocks, style, QStringLiteral("No reference images are recorded for this lot."));
        return;
    }
    addNote(blocks, style, QStringLiteral("Under each image: its leave-one-out score, the image score against the "
                                          "other references."))->keepWithNext = true;
    for (int first = 0; first < data.references.size(); first += ReferenceStripBlock::kPerRow)
        add<ReferenceStripBlock>(blocks, style, data.references.mid(first, ReferenceStripBlock::kPerRow));

    // The same rule as the warning of the inspection: such a reference sets
    // the derived thresholds, so defects may have passed.
    std::vector<double> scores;
    for (const ReferenceRecord &reference : data.references)
        scores.push_back(reference.leaveOneOutScore);
    for (const ReferenceOutlier &outlier : findOutlierReferences(scores)) {
        const ReferenceRecord &reference = data.references.at(outlier.index);
        add<ParagraphBlock>(blocks, style,
                            QStringLiteral("Reference %1 looks unlike the others: its leave-one-out score %2 is far "
                                           "above the median of the other references (%3), so it raised the derived "
                                           "thresholds and defects may have passed.")
                                .arg(QFileInfo(reference.path).fileName(), reportScore(reference.leaveOneOutScore),
                                     reportScore(outlier.othersMedian)),
                            style.bodyBold, style.fail);
    }
}

void addPartRows(ReportBlocks &blocks, const ReportStyle &style, const LotStore &store, const LotReportData &data,
                 const LotReportOptions &options)
{
    const QVector<PartRecord> parts = reportedParts(data, options.allParts);
    const QString title = options.allParts ? QStringLiteral("All parts (%1)").arg(parts.size())
                                           : QStringLiteral("Flagged parts (%1 of %2)").arg(parts.size()).arg(data.parts.size());
    auto heading = add<HeadingBlock>(blocks, style, title);
    heading->pageBreakBefore = true;
    if (!options.allParts)
        addNote(blocks, style, QStringLiteral("Parts whose automatic verdict is fail, review or error, and parts "
                                              "the operator rejected."));
    if (parts.isEmpty()) {
        addNote(blocks, style, QStringLiteral("No parts to show."));
        return;
    }
    add<ColourScaleBlock>(blocks, style, data.lot.rejectThreshold)->keepWithNext = true;

    auto continued = std::make_shared<HeadingBlock>(style, title + QStringLiteral(", continued"));
    HeatmapRendering rendering;
    rendering.geometry = data.mapGeometry;
    rendering.rejectThreshold = data.lot.rejectThreshold;
    rendering.opacity = options.heatmapOpacity;

    // Part numbers follow the stored order of the whole lot, the order of
    // the table of all parts.
    QHash<qint64, int> numbers;
    for (int i = 0; i < data.parts.size(); ++i)
        numbers.insert(data.parts[i].id, i + 1);
    for (const PartRecord &part : parts) {
        auto row = add<PartRowBlock>(blocks, style, store, part, numbers.value(part.id), rendering,
                                     options.maxImageSide);
        row->continuationHeader = continued;
    }
}

QStringList partTableCells(const PartRecord &part, int number, double rejectThreshold)
{
    const bool scored = part.verdict != Verdict::Error;
    const QString operatorText = part.operatorVerdict == OperatorVerdict::None
        ? QStringLiteral("–") : operatorVerdictName(part.operatorVerdict);
    return {QString::number(number), QFileInfo(part.path).fileName(),
            scored ? reportScore(part.imageScore) : QStringLiteral("–"),
            scored ? QString::number(normalisedScore(part.imageScore, rejectThreshold), 'f', 3) : QStringLiteral("–"),
            operatorText, verdictName(part.verdict)};
}

void addPartTable(ReportBlocks &blocks, const ReportStyle &style, const LotReportData &data)
{
    auto heading = add<HeadingBlock>(blocks, style, QStringLiteral("Table of all parts (%1)").arg(data.parts.size()));
    heading->pageBreakBefore = true;
    if (data.parts.isEmpty()) {
        addNote(blocks, style, QStringLiteral("The lot has no stored parts."));
        return;
    }
    const QVector<TableColumn> columns{
        {0.07, Qt::AlignRight, false}, {0.43, Qt::AlignLeft, false}, {0.13, Qt::AlignRight, false},
        {0.13, Qt::AlignRight, false}, {0.12, Qt::AlignLeft, false}, {0.12, Qt::AlignLeft, false}};
    auto header = add<TableRowBlock>(
        blocks, style, columns,
        QStringList{QStringLiteral("#"), QStringLiteral("File"), QStringLiteral("Raw score"),
                    QStringLiteral("Normalised"), QStringLiteral("Operator"), QStringLiteral("Verdict")},
        true);
    header->keepWithNext = true;
    for (int i = 0; i < data.parts.size(); ++i) {
        const PartRecord &part = data.parts[i];
        auto row = add<TableRowBlock>(blocks, style, columns, partTableCells(part, i + 1, data.lot.rejectThreshold),
                                      false, i % 2 == 1, verdictColour(style, part.verdict));
        row->continuationHeader = header;
        row->joinsPrevious = true;
    }
}

} // namespace

ReportBlocks buildLotReportBlocks(const ReportStyle &style, const LotStore &store, const LotReportData &data,
                                  const LotReportOptions &options)
{
    ReportBlocks blocks;
    const QString title = options.title.isEmpty() ? QStringLiteral("Lot inspection report") : options.title;
    addLotSummary(blocks, style, data, title);
    addHistogram(blocks, style, data);
    addThresholds(blocks, style, data);
    addSettings(blocks, style, data);
    addReferences(blocks, style, data);
    addPartRows(blocks, style, store, data, options);
    if (options.partTable)
        addPartTable(blocks, style, data);
    return blocks;
}

} // namespace patchead
