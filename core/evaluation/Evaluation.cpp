#include "evaluation/Evaluation.h"

#include "common/Error.h"
#include "common/Logging.h"
#include "dataset/KShotSelection.h"
#include "evaluation/EvaluationOverlays.h"
#include "imaging/ImageLoader.h"
#include "inspection/PartScorer.h"
#include "inspection/ReferenceSet.h"
#include "inspection/ZeroShotBatch.h"
#include "metrics/RankingMetrics.h"
#include "scoring/AnomalyMap.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <opencv2/imgproc.hpp>

namespace patchead {

namespace {

// Ground-truth mask resized to the evaluation size; nearest neighbour keeps it binary.
cv::Mat loadMask(const TestSample &sample, const cv::Size &size)
{
    if (sample.maskPath.isEmpty())
        return cv::Mat::zeros(size, CV_8UC1);
    const LoadedImage mask = loadImage(sample.maskPath);
    cv::Mat grey;
    cv::cvtColor(mask.rgb, grey, cv::COLOR_RGB2GRAY);
    cv::Mat resized;
    cv::resize(grey, resized, size, 0, 0, cv::INTER_NEAREST);
    return resized;
}

} // namespace

namespace {

// Scores every test image; `score` maps (index, rgb) to a PartScore.
template<typename ScoreFunction>
void scoreTestImages(const EvaluationRequest &request, ScoreFunction score, EvaluationResult &result,
                     const EvaluationProgress &progress, const std::atomic<bool> *cancel)
{
    const cv::Size pixelSize(request.pixelResolution, request.pixelResolution);
    PixelMetricsAccumulator pixels;
    std::vector<double> scores;
    std::vector<int> labels;
    std::vector<PartScore> kept; // for overlays only: patch grids are a few kB per image
    const auto &samples = request.category.testSamples;
    for (std::size_t i = 0; i < samples.size(); ++i) {
        if (cancel && cancel->load())
            throw SettingsError(QStringLiteral("Evaluation cancelled."));
        const PartScore part = score(static_cast<int>(i));
        const cv::Mat map = renderAnomalyMap(part.patchScores, part.inputSize, request.settings.mapSigma, pixelSize);
        pixels.add(map, loadMask(samples[i], pixelSize), samples[i].imagePath);
        scores.push_back(part.imageScore);
        labels.push_back(samples[i].anomalous ? 1 : 0);
        result.images.push_back({samples[i].imagePath, samples[i].defectType, samples[i].anomalous, part.imageScore});
        if (!request.overlayFolder.isEmpty())
            kept.push_back(part);
        if (progress)
            progress(static_cast<int>(i + 1), static_cast<int>(samples.size()));
    }
    result.imageAuroc = rocAuc(scores, labels);
    result.imageAp = averagePrecision(scores, labels);
    const F1Max best = f1Max(scores, labels);
    result.imageF1Max = best.f1;
    result.f1Threshold = best.threshold;
    result.pixel = pixels.compute();
    if (!request.overlayFolder.isEmpty())
        writeWorstOverlays(request, kept, best.threshold, result);
}

void evaluateFewShot(FeatureExtractor &extractor, const EvaluationRequest &request, EvaluationResult &result,
                     const EvaluationProgress &progress, const std::atomic<bool> *cancel)
{
    const ReferenceSet references = ReferenceSet::build(extractor, result.references, request.settings, {}, cancel);
    result.alignment = references.alignment();
    QElapsedTimer timer;
    timer.start();
    scoreTestImages(request, [&](int i) {
        const LoadedImage image = loadImage(request.category.testSamples[static_cast<std::size_t>(i)].imagePath);
        return scorePartImage(extractor, references, image.rgb, request.settings);
    }, result, progress, cancel);
    result.secondsPerImage = timer.elapsed() / 1000.0 / std::max<std::size_t>(1, request.category.testSamples.size());
}

// Batch zero-shot over the whole test set; the K references, if any, join
// the batch. Time per image includes encoding and mutual scoring.
void evaluateZeroShot(FeatureExtractor &extractor, const EvaluationRequest &request, EvaluationResult &result,
                      const EvaluationProgress &progress, const std::atomic<bool> *cancel)
{
    QElapsedTimer timer;
    timer.start();
    ZeroShotBatch batch(extractor, request.settings);
    std::vector<int> indices;
    for (const TestSample &sample : request.category.testSamples)
        indices.push_back(batch.add(loadImage(sample.imagePath).rgb));
    for (const QString &reference : result.references)
        batch.add(loadImage(reference).rgb);
    scoreTestImages(request, [&](int i) { return batch.score(indices[static_cast<std::size_t>(i)]); },
                    result, progress, cancel);
    result.secondsPerImage = timer.elapsed() / 1000.0 / std::max<std::size_t>(1, request.category.testSamples.size());
}

} // namespace

EvaluationResult evaluateCategory(FeatureExtractor &extractor, const EvaluationRequest &request,
                                  const EvaluationProgress &progress, const std::atomic<bool> *cancel)
{
    EvaluationResult result;
    result.category = request.category.name;
    result.shots = request.shots;
    result.seed = request.seed;
    if (request.shots > 0)
        result.references = selectKShot(request.category.trainImages, request.shots, request.seed);
    if (request.settings.zeroShot.enabled)
        evaluateZeroShot(extractor, request, result, progress, cancel);
    else if (request.shots > 0)
        evaluateFewShot(extractor, request, result, progress, cancel);
    else
        throw SettingsError(QStringLiteral("Few-shot evaluation needs --shots 1 or more; use --zero-shot for none."));
    qCInfo(lcMetrics) << "Evaluated" << result.category << result.shots << "shots seed" << result.seed
                      << "image AUROC" << result.imageAuroc << "pixel AUROC" << result.pixel.auroc;
    return result;
}

QJsonObject EvaluationResult::toJson(bool withImages) const
{
    QJsonObject json{{QStringLiteral("category"), category},
                     {QStringLiteral("shots"), shots},
                     {QStringLiteral("seed"), static_cast<qint64>(seed)},
                     {QStringLiteral("image_auroc"), imageAuroc},
                     {QStringLiteral("image_ap"), imageAp},
                     {QStringLiteral("image_f1_max"), imageF1Max},
                     {QStringLiteral("pixel_auroc"), pixel.auroc},
                     {QStringLiteral("pixel_f1_max"), pixel.f1Max.f1},
                     {QStringLiteral("aupro"), pixel.aupro},
                     {QStringLiteral("seconds_per_image"), secondsPerImage},
                     {QStringLiteral("alignment"), alignment.toJson()},
                     {QStringLiteral("references"), QJsonArray::fromStringList(references)}};
    json[QStringLiteral("f1_threshold")] = f1Threshold;
    if (!overlays.empty()) {
        QJsonArray array;
        for (const EvaluationOverlay &overlay : overlays)
            array.append(QJsonObject{{QStringLiteral("kind"), overlay.kind},
                                     {QStringLiteral("path"), overlay.path},
                                     {QStringLiteral("score"), overlay.score},
                                     {QStringLiteral("file"), overlay.file}});
        json[QStringLiteral("overlays")] = array;
    }
    if (withImages) {
        QJsonArray array;
        for (const EvaluatedImage &image : images)
            array.append(QJsonObject{{QStringLiteral("path"), image.path},
                                     {QStringLiteral("defect_type"), image.defectType},
                                     {QStringLiteral("anomalous"), image.anomalous},
                                     {QStringLiteral("score"), image.score}});
        json[QStringLiteral("images")] = array;
    }
    return json;
}

} // namespace patchead
