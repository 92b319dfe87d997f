// `patchead eval`: image and pixel metrics on labelled data sets.
#include "Commands.h"

#include "CliCommon.h"
#include "CliSettings.h"
#include "common/Error.h"
#include "dataset/MvtecLayout.h"
#include "dataset/SuffixLayout.h"
#include "evaluation/Evaluation.h"
#include "report/CsvExport.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

#include <algorithm>
#include <cmath>

namespace patchead::cli {

namespace {

void addEvalOptions(QCommandLineParser &parser)
{
    parser.setApplicationDescription(QStringLiteral(
        "Evaluate few-shot scoring on labelled data: image AUROC, AP and F1-max, pixel AUROC, "
        "pixel F1-max and AUPRO (FPR limit 0.3), per category with the mean and standard deviation over seeds."));
    parser.addOption({QStringLiteral("dataset"), QStringLiteral("MVTec AD layout: a root with category folders, or one category folder."), QStringLiteral("folder")});
    parser.addOption({QStringLiteral("categories"), QStringLiteral("Comma-separated categories under --dataset (default: all found)."), QStringLiteral("names")});
    parser.addOption({QStringLiteral("layout"), QStringLiteral("Data set layout: mvtec or suffix (default mvtec)."), QStringLiteral("name"), QStringLiteral("mvtec")});
    parser.addOption({QStringLiteral("train-good"), QStringLiteral("Suffix layout: folder of known-good training images (repeatable)."), QStringLiteral("folder")});
    parser.addOption({QStringLiteral("test-good"), QStringLiteral("Suffix layout: folder of good test images (repeatable)."), QStringLiteral("folder")});
    parser.addOption({QStringLiteral("defects"), QStringLiteral("Suffix layout: folder of defective images with masks beside them (repeatable)."), QStringLiteral("folder")});
    parser.addOption({QStringLiteral("mask-suffix"), QStringLiteral("Mask name suffix: <stem><suffix>.<ext> (default _mask)."), QStringLiteral("suffix"), QStringLiteral("_mask")});
    parser.addOption({QStringLiteral("name"), QStringLiteral("Suffix layout: category name for the table (default: custom)."), QStringLiteral("name"), QStringLiteral("custom")});
    parser.addOption({QStringLiteral("shots"), QStringLiteral("Reference images drawn from the training images (default 8)."), QStringLiteral("k"), QStringLiteral("8")});
    parser.addOption({QStringLiteral("seeds"), QStringLiteral("Comma-separated seeds of the reference draw (default 0)."), QStringLiteral("list"), QStringLiteral("0")});
    parser.addOption({QStringLiteral("pixel-resolution"), QStringLiteral("Side in pixels that maps and masks are resized to for pixel metrics (default 256)."), QStringLiteral("px"), QStringLiteral("256")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("Write all results, per-image scores included, as JSON."), QStringLiteral("file")});
    parser.addOption({QStringLiteral("csv"), QStringLiteral("Write one row per category and seed as CSV."), QStringLiteral("file")});
    parser.addOption({QStringLiteral("overlays"), QStringLiteral("Write pictures of the worst-scored good and defective test images (heatmap and ground-truth outline) into this folder."), QStringLiteral("folder")});
    parser.addOption({QStringLiteral("overlay-count"), QStringLiteral("Pictures per kind and run for --overlays (default 5)."), QStringLiteral("n"), QStringLiteral("5")});
    parser.addOption({QStringLiteral("scores-csv"), QStringLiteral("Write every test image's score as CSV."), QStringLiteral("file")});
    addEncoderOptions(parser);
}

std::vector<DatasetCategory> readCategories(const QCommandLineParser &parser)
{
    const QString layout = parser.value(QStringLiteral("layout"));
    if (layout == QLatin1String("suffix")) {
        SuffixLayout suffix;
        suffix.name = parser.value(QStringLiteral("name"));
        suffix.trainGoodFolders = parser.values(QStringLiteral("train-good"));
        suffix.testGoodFolders = parser.values(QStringLiteral("test-good"));
        suffix.defectFolders = parser.values(QStringLiteral("defects"));
        suffix.maskSuffix = parser.value(QStringLiteral("mask-suffix"));
        return {readSuffixLayout(suffix)};
    }
    if (layout != QLatin1String("mvtec"))
        throw SettingsError(QStringLiteral("Unknown --layout \"%1\"; use mvtec or suffix.").arg(layout));
    if (!parser.isSet(QStringLiteral("dataset")))
        throw SettingsError(QStringLiteral("--dataset is required with the mvtec layout; see --help."));

    const QString root = parser.value(QStringLiteral("dataset"));
    MvtecLayoutOptions options;
    options.maskSuffix = parser.value(QStringLiteral("mask-suffix"));
    if (QFileInfo(QDir(root).filePath(QStringLiteral("train"))).isDir())
        return {readMvtecCategory(root, options)};
    QStringList names = listMvtecCategories(root, options);
    if (parser.isSet(QStringLiteral("categories")))
        names = parser.value(QStringLiteral("categories")).split(QLatin1Char(','), Qt::SkipEmptyParts);
    if (names.isEmpty())
        throw SettingsError(QStringLiteral("No MVTec categories (folders with train/good and test) under %1.").arg(root));
    std::vector<DatasetCategory> categories;
    for (const QString &name : names)
        categories.push_back(readMvtecCategory(QDir(root).filePath(name), options));
    return categories;
}

std::vector<quint32> seedsFromOption(const QString &text)
{
    std::vector<quint32> seeds;
    for (const QString &part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool ok = false;
        seeds.push_back(part.trimmed().toUInt(&ok));
        if (!ok)
            throw SettingsError(QStringLiteral("--seeds needs whole numbers separated by commas, got \"%1\".").arg(text));
    }
    if (seeds.empty())
        throw SettingsError(QStringLiteral("--seeds is empty."));
    // A repeated seed draws the same references twice and shrinks the
    // standard deviation over seeds without a new measurement.
    for (std::size_t i = 1; i < seeds.size(); ++i) {
        if (std::find(seeds.begin(), seeds.begin() + std::ptrdiff_t(i), seeds[i]) != seeds.begin() + std::ptrdiff_t(i))
            throw SettingsError(QStringLiteral("--seeds \"%1\" repeats seed %2; give distinct seeds.")
                                    .arg(text).arg(seeds[i]));
    }
    return seeds;
}

struct MeanStd {
    double mean = 0.0;
    double std = 0.0; // population standard deviation over seeds
};

MeanStd meanStd(const std::vector<double> &values)
{
    MeanStd result;
    for (double v : values)
        result.mean += v / static_cast<double>(values.size());
    for (double v : values)
        result.std += (v - result.mean) * (v - result.mean) / static_cast<double>(values.size());
    result.std = std::sqrt(result.std);
    return result;
}

// A table column: metrics are printed in percent, times in seconds.
struct TableColumn {
    QString label;
    double (*value)(const EvaluationResult &);
    double scale;
    int decimals;
};

const std::vector<TableColumn> &tableColumns()
{
    static const std::vector<TableColumn> columns{
        {QStringLiteral("I-AUROC"), [](const EvaluationResult &r) { return r.imageAuroc; }, 100.0, 1},
        {QStringLiteral("I-AP"), [](const EvaluationResult &r) { return r.imageAp; }, 100.0, 1},
        {QStringLiteral("I-F1max"), [](const EvaluationResult &r) { return r.imageF1Max; }, 100.0, 1},
        {QStringLiteral("P-AUROC"), [](const EvaluationResult &r) { return r.pixel.auroc; }, 100.0, 1},
        {QStringLiteral("P-F1max"), [](const EvaluationResult &r) { return r.pixel.f1Max.f1; }, 100.0, 1},
        {QStringLiteral("AUPRO"), [](const EvaluationResult &r) { return r.pixel.aupro; }, 100.0, 1},
        {QStringLiteral("s/img"), [](const EvaluationResult &r) { return r.secondsPerImage; }, 1.0, 3},
    };
    return columns;
}

QString formatCell(const MeanStd &value, const TableColumn &column, bool withStd)
{
    QString text = QString::number(value.mean * column.scale, 'f', column.decimals);
    if (withStd)
        text += QStringLiteral(" ± ") + QString::number(value.std * column.scale, 'f', column.decimals);
    return text;
}

void printRow(const QString &name, const std::vector<EvaluationResult> &runs, bool withStd)
{
    out() << name.leftJustified(16);
    for (const TableColumn &column : tableColumns()) {
        std::vector<double> values;
        for (const EvaluationResult &run : runs)
            values.push_back(column.value(run));
        out() << formatCell(meanStd(values), column, withStd).rightJustified(withStd ? 15 : 9);
    }
    out() << "\n";
    out().flush();
}

void printHeader(bool withStd)
{
    out() << QStringLiteral("category").leftJustified(16);
    for (const TableColumn &column : tableColumns())
        out() << column.label.rightJustified(withStd ? 15 : 9);
    out() << "\n";
}

void writeText(const QString &path, const QByteArray &bytes)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
        throw Error(QStringLiteral("Cannot write %1: %2").arg(path, file.errorString()));
}

QByteArray resultsCsv(const std::vector<EvaluationResult> &results)
{
    QByteArray bytes = "category,shots,seed,image_auroc,image_ap,image_f1_max,pixel_auroc,pixel_f1_max,aupro,seconds_per_image\r\n";
    for (const EvaluationResult &r : results) {
        const QStringList fields{csvField(r.category), QString::number(r.shots), QString::number(r.seed),
                                 QString::number(r.imageAuroc, 'g', 8), QString::number(r.imageAp, 'g', 8),
                                 QString::number(r.imageF1Max, 'g', 8), QString::number(r.pixel.auroc, 'g', 8),
                                 QString::number(r.pixel.f1Max.f1, 'g', 8), QString::number(r.pixel.aupro, 'g', 8),
                                 QString::number(r.secondsPerImage, 'g', 6)};
        bytes += fields.join(QLatin1Char(',')).toUtf8() + "\r\n";
    }
    return bytes;
}

QByteArray scoresCsv(const std::vector<EvaluationResult> &results)
{
    QByteArray bytes = "category,seed,image,defect_type,anomalous,score\r\n";
    for (const EvaluationResult &r : results) {
        for (const EvaluatedImage &image : r.images)
            bytes += QStringList{csvField(r.category), QString::number(r.seed), csvField(image.path),
                                 csvField(image.defectType), image.anomalous ? QStringLiteral("1") : QStringLiteral("0"),
                                 QString::number(image.score, 'g', 9)}
                         .join(QLatin1Char(',')).toUtf8() + "\r\n";
    }
    return bytes;
}

void writeOutputs(const QCommandLineParser &parser, const std::vector<EvaluationResult> &results,
                  const InspectionSettings &settings)
{
    if (parser.isSet(QStringLiteral("json"))) {
        QJsonArray runs;
        for (const EvaluationResult &r : results)
            runs.append(r.toJson(true));
        const QJsonObject root{{QStringLiteral("settings"), settings.toJson()}, {QStringLiteral("runs"), runs}};
        writeText(parser.value(QStringLiteral("json")), QJsonDocument(root).toJson(QJsonDocument::Indented));
    }
    if (parser.isSet(QStringLiteral("csv")))
        writeText(parser.value(QStringLiteral("csv")), resultsCsv(results));
    if (parser.isSet(QStringLiteral("scores-csv")))
        writeText(parser.value(QStringLiteral("scores-csv")), scoresCsv(results));
}

// Overlays written among the data set's images would be evaluated as test
// images by the next run.
void requireOverlaysOutsideData(const QCommandLineParser &parser)
{
    if (!parser.isSet(QStringLiteral("overlays")))
        return;
    const QString overlays = QDir::cleanPath(QFileInfo(parser.value(QStringLiteral("overlays"))).absoluteFilePath());
    QStringList dataFolders = parser.values(QStringLiteral("train-good")) + parser.values(QStringLiteral("test-good"))
        + parser.values(QStringLiteral("defects"));
    if (parser.isSet(QStringLiteral("dataset")))
        dataFolders << parser.value(QStringLiteral("dataset"));
    for (const QString &folder : dataFolders) {
        const QString data = QDir::cleanPath(QFileInfo(folder).absoluteFilePath());
        if (overlays == data || overlays.startsWith(data + QLatin1Char('/')))
            throw SettingsError(QStringLiteral("--overlays %1 lies inside the data set folder %2; the next evaluation "
                                               "would score the overlay pictures as test images. Give a folder "
                                               "outside the data set.").arg(parser.value(QStringLiteral("overlays")), folder));
    }
}

} // namespace

int runEval(const QStringList &arguments)
{
    QCommandLineParser parser;
    addEvalOptions(parser);
    int exitCode = ExitOk;
    if (!parseOrExplain(parser, arguments, exitCode))
        return exitCode;

    const std::vector<DatasetCategory> categories = readCategories(parser);
    const std::vector<quint32> seeds = seedsFromOption(parser.value(QStringLiteral("seeds")));
    EvaluationRequest request;
    request.settings = settingsFromOptions(parser);
    request.shots = integerOption(parser, QStringLiteral("shots"));
    request.pixelResolution = integerOption(parser, QStringLiteral("pixel-resolution"));
    if (request.pixelResolution < 16 || request.pixelResolution > 4096)
        throw SettingsError(QStringLiteral("--pixel-resolution must be between 16 and 4096 pixels."));
    request.overlayFolder = parser.value(QStringLiteral("overlays"));
    requireOverlaysOutsideData(parser);
    request.overlayCount = integerOption(parser, QStringLiteral("overlay-count"));
    if (request.overlayCount < 1 || request.overlayCount > 100)
        throw SettingsError(QStringLiteral("--overlay-count must be between 1 and 100."));

    std::unique_ptr<Encoder> encoder = encoderFromOptions(parser);
    FeatureExtractor extractor(*encoder, request.settings);
    installCancelHandlers();

    const bool withStd = seeds.size() > 1;
    std::vector<EvaluationResult> all;
    std::vector<std::vector<EvaluationResult>> perCategory;
    ProgressLine progressLine;
    for (const DatasetCategory &category : categories) {
        request.category = category;
        perCategory.emplace_back();
        for (quint32 seed : seeds) {
            request.seed = seed;
            const EvaluationResult result = evaluateCategory(extractor, request, [&](int done, int total) {
                progressLine.update(QStringLiteral("%1 seed %2: %3/%4").arg(category.name).arg(seed).arg(done).arg(total),
                                    done == total);
            }, &cancelRequested());
            perCategory.back().push_back(result);
            all.push_back(result);
        }
    }
    progressLine.finish();

    out() << "Shots " << request.shots << ", seeds " << parser.value(QStringLiteral("seeds")) << ", encoder "
          << encoder->manifest().name << ", alignment " << alignmentModeName(request.settings.alignment.mode)
          << "; metrics in %, time in seconds per test image\n";
    printHeader(withStd);
    for (const auto &runs : perCategory)
        printRow(runs.front().category, runs, withStd);
    if (perCategory.size() > 1)
        printRow(QStringLiteral("mean"), all, withStd);
    writeOutputs(parser, all, request.settings);
    return ExitOk;
}

} // namespace patchead::cli
