#include "SampleReportLot.h"

#include "common/Error.h"
#include "common/Hashing.h"
#include "report/LotReportData.h"
#include "scoring/Threshold.h"
#include "store/LotStore.h"
#include "synthetic/SampleLot.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <functional>
#include <random>

namespace patchead::test {

namespace {

// Patch grid of the default MobileNetV2 layers at 224 px: the first layer,
// block_3_expand_relu, has stride 4.
constexpr int kGridSide = 56;

// Low-frequency noise like the patch scores of a good part: smooth bumps
// from a coarse grid, plus a little per-patch jitter.
cv::Mat goodPartScores(std::mt19937 &random)
{
    std::uniform_real_distribution<float> coarse(0.0f, 1.0f);
    cv::Mat small(7, 7, CV_32F);
    for (int y = 0; y < small.rows; ++y)
        for (int x = 0; x < small.cols; ++x)
            small.at<float>(y, x) = 0.055f + 0.03f * coarse(random);
    cv::Mat grid;
    cv::resize(small, grid, cv::Size(kGridSide, kGridSide), 0, 0, cv::INTER_CUBIC);
    std::normal_distribution<float> jitter(0.0f, 0.004f);
    for (int y = 0; y < grid.rows; ++y)
        for (int x = 0; x < grid.cols; ++x)
            grid.at<float>(y, x) = std::max(0.0f, grid.at<float>(y, x) + jitter(random));
    return grid;
}

// Adds `strength` times the defect's share of each patch.
void addDefect(cv::Mat &grid, const QString &maskPath, float strength)
{
    const cv::Mat mask = cv::imread(QFile::encodeName(maskPath).toStdString(), cv::IMREAD_GRAYSCALE);
    if (mask.empty())
        throw Error(QStringLiteral("Cannot read the sample mask %1").arg(maskPath));
    cv::Mat share;
    mask.convertTo(share, CV_32F, 1.0 / 255.0);
    cv::resize(share, share, grid.size(), 0, 0, cv::INTER_AREA);
    cv::Mat spread;
    cv::GaussianBlur(share, spread, cv::Size(3, 3), 0.8);
    grid += strength * cv::max(share, spread);
}

// The contract's image score: mean of the top 1 % of patch scores.
double topFractionMean(const cv::Mat &grid)
{
    std::vector<float> values(grid.begin<float>(), grid.end<float>());
    const std::size_t k = std::max<std::size_t>(1, values.size() / 100);
    std::partial_sort(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(k), values.end(), std::greater<float>());
    double sum = 0.0;
    for (std::size_t i = 0; i < k; ++i)
        sum += values[i];
    return sum / static_cast<double>(k);
}

QString settingsJson()
{
    const QJsonObject decision{
        {QStringLiteral("rotations_allowed"), true},
        {QStringLiteral("mirrors_allowed"), false},
        {QStringLiteral("transforms"), QJsonArray{QStringLiteral("rot90"), QStringLiteral("rot180"), QStringLiteral("rot270")}},
        {QStringLiteral("reason"), QStringLiteral("rotated copies raise the mean reference similarity by 2.4 %, "
                                                  "mirrored copies by 0.1 % (below the 0.3 % tolerance)")}};
    const QJsonObject settings{
        {QStringLiteral("layers"), QJsonArray{QStringLiteral("block_3_expand_relu"), QStringLiteral("block_6_expand_relu")}},
        {QStringLiteral("resolution"), 0},
        {QStringLiteral("neighbourhood"), 3},
        {QStringLiteral("image_score"), QStringLiteral("top-fraction-mean")},
        {QStringLiteral("top_fraction"), 0.01},
        {QStringLiteral("alignment"), QStringLiteral("auto")},
        {QStringLiteral("rotation_step"), 90},
        {QStringLiteral("flips"), true},
        {QStringLiteral("map_sigma"), 4.0},
        {QStringLiteral("review_quantile"), 1.0},
        {QStringLiteral("reject_margin"), 0.1},
        {QStringLiteral("alignment_decision"), decision}};
    return QString::fromUtf8(QJsonDocument(settings).toJson(QJsonDocument::Compact));
}

SampleLotSummary writeImages(const QString &folder, const SampleReportLotOptions &options)
{
    SampleLotOptions sample;
    sample.imageSize = options.imageSize;
    sample.referenceCount = options.references;
    sample.extraReferenceCount = 0;
    sample.goodParts = options.goodParts;
    sample.defectiveParts = options.defectiveParts;
    sample.seed = options.seed;
    sample.overwrite = true;
    return generateSampleLot(QDir(folder).filePath(QStringLiteral("images")), sample);
}

// Reference records with simulated leave-one-out scores, and the
// thresholds the inspection derives from those scores. A leave-one-out score
// is taken against one reference fewer than a part's score, so it runs a
// little higher. The factor 1.08 simulates that.
QVector<ReferenceRecord> sampleReferences(const SampleLotSummary &images, std::mt19937 &random, Thresholds &thresholds)
{
    const QDir goodDir(images.trainGoodDir);
    QVector<ReferenceRecord> references;
    std::vector<double> scores;
    for (const QString &name : goodDir.entryList({QStringLiteral("*.png")}, QDir::Files, QDir::Name)) {
        ReferenceRecord reference;
        reference.path = goodDir.filePath(name);
        reference.sha256 = fileSha256(reference.path);
        reference.leaveOneOutScore = 1.08 * topFractionMean(goodPartScores(random));
        scores.push_back(reference.leaveOneOutScore);
        references.append(reference);
    }
    thresholds = thresholdsFromGoodScores(scores, ThresholdSettings{});
    return references;
}

PartRecord samplePart(qint64 lotId, const SampleLotSummary &images, const SampleLotEntry &entry,
                      const Thresholds &thresholds, int imageSize, std::mt19937 &random)
{
    cv::Mat grid = goodPartScores(random);
    if (entry.label != QLatin1String("good")) {
        std::uniform_real_distribution<float> strength(0.05f, 0.45f);
        addDefect(grid, QDir(images.outputDir).filePath(entry.maskFile), strength(random));
    }
    PartRecord part;
    part.lotId = lotId;
    part.path = QDir(images.outputDir).filePath(entry.partFile);
    part.sha256 = fileSha256(part.path);
    part.imageWidth = imageSize;
    part.imageHeight = imageSize;
    part.imageScore = topFractionMean(grid);
    part.verdict = verdictForScore(part.imageScore, thresholds.reject, thresholds.review);
    part.mapWidth = kGridSide;
    part.mapHeight = kGridSide;
    part.anomalyMap.assign(grid.begin<float>(), grid.end<float>());
    part.durationMs = 38.0;
    return part;
}

// A few operator decisions and one threshold change, as a reviewed lot has.
void reviewLot(LotStore &store, qint64 lotId, const Thresholds &thresholds)
{
    store.setThresholds(lotId, thresholds.reject * 1.02, thresholds.review,
                        QStringLiteral("Reject threshold raised 2 % after the review of lot FL-2024-0411"));
    bool accepted = false;
    bool rejected = false;
    for (const PartRecord &part : store.parts(lotId)) {
        if (!accepted && part.verdict == Verdict::Review) {
            store.setOperatorVerdict(part.id, OperatorVerdict::Accepted, QStringLiteral("M. Keller"));
            accepted = true;
        } else if (!rejected && part.verdict == Verdict::Fail) {
            store.setOperatorVerdict(part.id, OperatorVerdict::Rejected, QStringLiteral("M. Keller"));
            rejected = true;
        }
    }
}

} // namespace

SampleReportLot buildSampleReportLot(const QString &folder, const SampleReportLotOptions &options)
{
    const SampleLotSummary images = writeImages(folder, options);
    std::mt19937 random(options.seed);

    SampleReportLot result;
    result.databasePath = QDir(folder).filePath(QStringLiteral("lots.sqlite"));
    QFile::remove(result.databasePath);
    std::unique_ptr<LotStore> store = LotStore::open(result.databasePath);

    Thresholds thresholds;
    const QVector<ReferenceRecord> references = sampleReferences(images, random, thresholds);

    LotRecord lot;
    lot.name = QStringLiteral("FL-2024-0412");
    lot.folder = images.lotDir;
    lot.operatorName = QStringLiteral("M. Keller");
    lot.settingsJson = settingsJson();
    lot.modelName = QStringLiteral("mobilenet_v2");
    lot.modelHash = QStringLiteral("9d2f4c51a7e3b08c6f1d2e4a5b7c9081f3a6d5c4b2e1f0a9d8c7b6a5f4e3d2c1");
    lot.rejectThreshold = thresholds.reject;
    lot.reviewThreshold = thresholds.review;
    lot.thresholdRule = thresholds.rule;
    lot.status = QStringLiteral("complete");
    result.lotId = store->createLot(lot);
    store->setReferences(result.lotId, references);

    for (const SampleLotEntry &entry : images.lot) {
        PartRecord part = samplePart(result.lotId, images, entry, thresholds, options.imageSize, random);
        store->savePart(part);
    }
    reviewLot(*store, result.lotId, thresholds);

    for (const PartRecord &part : store->parts(result.lotId)) {
        ++result.parts;
        if (!isFlaggedPart(part))
            continue;
        ++result.flaggedParts;
        if (options.removeOnePartImage && result.flaggedParts == 2)
            QFile::remove(part.path);
    }
    return result;
}

} // namespace patchead::test
