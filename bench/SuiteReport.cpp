// Markdown tables of a suite's results, as docs/benchmarks.md shows them.
#include "Suite.h"

#include "common/Error.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTextStream>

namespace patchead::bench {

namespace {

// Median over the repeats of a case of one numeric field ("a.b" reaches
// into a nested object); -1 when the case is missing or failed.
double field(const QJsonObject &results, const QString &label, const QString &path)
{
    std::vector<double> values;
    for (const QJsonValue &repeat : results[label].toArray()) {
        QJsonValue value = repeat;
        for (const QString &key : path.split(QLatin1Char('.')))
            value = value.toObject()[key];
        if (value.isDouble())
            values.push_back(value.toDouble());
    }
    return values.empty() ? -1.0 : median(values);
}

QString number(double value, int decimals = 1)
{
    return value < 0.0 ? QStringLiteral("n/a") : QString::number(value, 'f', decimals);
}

void printStages(const QJsonObject &results, const QString &label, QTextStream &stream)
{
    const QJsonArray repeats = results[label].toArray();
    if (repeats.isEmpty())
        return;
    stream << "\n" << label << " (ms per part, median of parts, median of " << repeats.size() << " runs)\n\n";
    stream << "| stage | ms |\n|---|---|\n";
    double sum = 0.0;
    for (const QString &stage : repeats.first().toObject()[QStringLiteral("stages_ms")].toObject().keys()) {
        const double value = field(results, label, QStringLiteral("stages_ms.") + stage);
        sum += value;
        stream << "| " << stage << " | " << number(value, 2) << " |\n";
    }
    stream << "| sum | " << number(sum, 2) << " |\n";
    stream << "\nSearch: " << repeats.first().toObject()[QStringLiteral("bank_patches")].toInt()
           << " bank patches. Cone-bound search " << number(field(results, label, QStringLiteral("stages_ms.search")), 2)
           << " ms, multiplying " << number(100.0 * field(results, label, QStringLiteral("search_groups_share")))
           << " % of the (6-query block, 16-patch group) pairs, effective "
           << number(field(results, label, QStringLiteral("search_gflops"))) << " GFLOP/s; every pair (fused kernel) "
           << number(field(results, label, QStringLiteral("search_every_pair_ms")), 2) << " ms, "
           << number(field(results, label, QStringLiteral("search_every_pair_gflops"))) << " GFLOP/s\n";
}

void printHeadline(const QJsonObject &results, QTextStream &stream)
{
    const double forward = field(results, QStringLiteral("forward"), QStringLiteral("forward_ms"));
    const double pipeline = field(results, QStringLiteral("fewshot k=8 off"), QStringLiteral("ms_per_part"));
    const double python = field(results, QStringLiteral("python k=8"), QStringLiteral("ms_per_part"));
    const double pythonForward = field(results, QStringLiteral("python k=8"), QStringLiteral("forward_ms"));
    const double wholeForward = field(results, QStringLiteral("forward"), QStringLiteral("forward_whole_network_ms"));
    stream << "\nFew-shot, 8 references, no alignment copies (medians of repeats)\n\n";
    stream << "| measure | value |\n|---|---|\n";
    stream << "| encoder forward alone, default layers (what a part needs), ms | " << number(forward, 2) << " |\n";
    stream << "| encoder forward alone, whole network (every output), ms | " << number(wholeForward, 2) << " |\n";
    stream << "| C++ pipeline per part (LotInspection, SQLite commit), ms | " << number(pipeline, 2) << " |\n";
    stream << "| pipeline / forward of the default layers | " << number(pipeline / forward, 2) << " |\n";
    stream << "| pipeline / forward of the whole network | " << number(pipeline / wholeForward, 2) << " |\n";
    stream << "| Python/PyTorch pipeline per part, ms | " << number(python, 2) << " |\n";
    stream << "| Python forward alone, ms | " << number(pythonForward, 2) << " |\n";
    stream << "| C++ throughput / Python throughput | " << number(python / pipeline, 2) << " |\n";
}

void printFewShotScaling(const QJsonObject &results, QTextStream &stream)
{
    stream << "\nFew-shot lots end to end\n\n";
    stream << "| references | alignment | ms per part | parts/s | reference set s | peak MiB |\n|---|---|---|---|---|---|\n";
    for (const QString &k : {QStringLiteral("1"), QStringLiteral("8"), QStringLiteral("32")}) {
        for (const QString &alignment : {QStringLiteral("off"), QStringLiteral("always")}) {
            const QString label = QStringLiteral("fewshot k=%1 %2").arg(k, alignment);
            stream << "| " << k << " | " << alignment << " | " << number(field(results, label, QStringLiteral("ms_per_part")))
                   << " | " << number(field(results, label, QStringLiteral("parts_per_s"))) << " | "
                   << number(field(results, label, QStringLiteral("setup_s")), 2) << " | "
                   << number(field(results, label, QStringLiteral("peak_mib")), 0) << " |\n";
        }
    }
}

void printMemory(const QJsonObject &results, QTextStream &stream)
{
    stream << "\nPeak memory of a few-shot lot (8 references) by lot size\n\n";
    stream << "| parts | peak MiB after the reference set | peak MiB at the end | ms per part |\n|---|---|---|---|\n";
    for (const QString &size : {QStringLiteral("100"), QStringLiteral("300"), QStringLiteral("1000")}) {
        const QString label = QStringLiteral("memory %1 parts").arg(size);
        if (!results.contains(label))
            continue;
        stream << "| " << size << " | " << number(field(results, label, QStringLiteral("peak_after_setup_mib")), 0) << " | "
               << number(field(results, label, QStringLiteral("peak_mib")), 0) << " | "
               << number(field(results, label, QStringLiteral("ms_per_part"))) << " |\n";
    }
}

void printZeroShot(const QJsonObject &results, QTextStream &stream)
{
    stream << "\nBatch zero-shot lots (neighbourhood 3, MuSc rule)\n\n";
    stream << "| parts | encoding ms per part | scoring ms per part | total s | progress updates | peak MiB |\n"
              "|---|---|---|---|---|---|\n";
    for (const QString &size : {QStringLiteral("50"), QStringLiteral("160"), QStringLiteral("500")}) {
        const QString label = QStringLiteral("zeroshot %1 parts").arg(size);
        if (!results.contains(label))
            continue;
        const double updates = field(results, label, QStringLiteral("stage_updates"))
            + field(results, label, QStringLiteral("part_updates"));
        stream << "| " << size << " | " << number(field(results, label, QStringLiteral("encoding_ms_per_part"))) << " | "
               << number(field(results, label, QStringLiteral("ms_per_part"))) << " | "
               << number(field(results, label, QStringLiteral("total_s"))) << " | " << number(updates, 0) << " | "
               << number(field(results, label, QStringLiteral("peak_mib")), 0) << " |\n";
    }
}

void printGemm(const QJsonObject &results, QTextStream &stream)
{
    const QJsonArray repeats = results[QStringLiteral("gemm")].toArray();
    if (repeats.isEmpty())
        return;
    const QJsonObject gemm = repeats.first().toObject();
    const double peak = gemm[QStringLiteral("square_sgemm_gflops")].toDouble();
    stream << "\nNearest-patch search throughput (784 queries x 56 channels); OpenBLAS sgemm on "
           << gemm[QStringLiteral("square_size")].toInt() << "^2 matrices: " << number(peak) << " GFLOP/s\n\n";
    stream << "| bank images | bank patches | GFLOP per part | kernel | search GFLOP/s | share of square sgemm | "
              "sgemm tiles GFLOP/s | one bare sgemm GFLOP/s |\n|---|---|---|---|---|---|---|---|\n";
    for (const QJsonValue &value : gemm[QStringLiteral("searches")].toArray()) {
        const QJsonObject search = value.toObject();
        const double rate = search[QStringLiteral("search_gflops")].toDouble();
        stream << "| " << search[QStringLiteral("bank_images")].toInt() << " | " << search[QStringLiteral("bank_patches")].toInt()
               << " | " << number(search[QStringLiteral("gflop_per_part")].toDouble(), 2) << " | "
               << search[QStringLiteral("kernel")].toString(QStringLiteral("sgemm tiles")) << " | " << number(rate)
               << " | " << number(100.0 * rate / peak, 0) << " % | "
               << number(search[QStringLiteral("sgemm_tiles_gflops")].toDouble()) << " | "
               << number(search[QStringLiteral("bare_sgemm_gflops")].toDouble()) << " |\n";
    }
    stream << "\nTile sizes of the sgemm search on the 64-image bank\n\n";
    stream << "| query tile | bank tile | tile MiB | search GFLOP/s | share of square sgemm |\n|---|---|---|---|---|\n";
    for (const QJsonValue &value : gemm[QStringLiteral("tiles")].toArray()) {
        const QJsonObject search = value.toObject();
        const int queryTile = search[QStringLiteral("query_tile")].toInt();
        const int bankTile = search[QStringLiteral("bank_tile")].toInt();
        const double rate = search[QStringLiteral("search_gflops")].toDouble();
        stream << "| " << queryTile << " | " << bankTile << " | " << number(queryTile * 4.0 * bankTile / (1 << 20), 2)
               << " | " << number(rate) << " | " << number(100.0 * rate / peak, 0) << " % |\n";
    }
}

} // namespace

void printSuiteTables(const QJsonObject &results, QTextStream &stream)
{
    stream << "\nThreads: " << results[QStringLiteral("threads")].toString() << "; suite wall time "
           << number(results[QStringLiteral("suite_wall_s")].toDouble() / 60.0) << " min\n";
    printHeadline(results, stream);
    printStages(results, QStringLiteral("stages k=8"), stream);
    printStages(results, QStringLiteral("screw stages k=8"), stream);
    printFewShotScaling(results, stream);
    if (results.contains(QStringLiteral("screw fewshot k=8 always")))
        stream << "\nMVTec screw, 8 references, alignment always: "
               << number(field(results, QStringLiteral("screw fewshot k=8 always"), QStringLiteral("ms_per_part")))
               << " ms per part\n";
    printMemory(results, stream);
    printZeroShot(results, stream);
    printGemm(results, stream);
    stream.flush();
}

int printStoredResults(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(QStringLiteral("Cannot read %1: %2. Give the results.json that \"run\" wrote.")
                        .arg(path, file.errorString()));
    QTextStream stream(stdout);
    printSuiteTables(QJsonDocument::fromJson(file.readAll()).object(), stream);
    return 0;
}

} // namespace patchead::bench
