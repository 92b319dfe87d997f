#include "evaluation/Evaluation.h"

#include "common/Error.h"
#include "common/Logging.h"
#include "imaging/ImageLoader.h"
#include "inspection/PartScorer.h"
#include "inspection/ReferenceSet.h"
#include "metrics/RankingMetrics.h"
#include "scoring/AnomalyMap.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <opencv2/imgproc.hpp>

namespace patchead {

namespace {

quint64 splitMix64(quint64 &state)
{
    quint64 z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

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

QStringList selectShots(const QStringList &pool, int k, quint64 seed)
{
    if (k < 1 || k > pool.size())
        throw SettingsError(QStringLiteral("Cannot draw %1 reference images from %2 training images; "
                                           "choose 1 to %2 shots.").arg(k).arg(pool.size()));
    QStringList shuffled = pool;
    quint64 state = seed;
    for (int i = 0; i < k; ++i) {
        // Modulo bias is below 1e-15 for pools of realistic size.
        const int j = i + static_cast<int>(splitMix64(state) % static_cast<quint64>(shuffled.size() - i));
        shuffled.swapItemsAt(i, j);
    }
    return shuffled.mid(0, k);
}

EvaluationResult evaluateCategory(FeatureExtractor &extractor, const EvaluationRequest &request,
                                  const EvaluationProgress &progress, const std::atomic<bool> *cancel)
{
    EvaluationResult result;
    result.category = request.category.name;
    result.shots = request.shots;
    result.seed = request.seed;
    result.references = selectShots(request.category.trainImages, request.shots, request.seed);
    const ReferenceSet references = ReferenceSet::build(extractor, result.references, request.settings, {}, cancel);
    result.alignment = references.alignment();

    const cv::Size pixelSize(request.pixelResolution, request.pixelResolution);
    PixelMetricsAccumulator pixels;
    std::vector<double> scores;
    std::vector<int> labels;
    QElapsedTimer timer;
    timer.start();
    const auto &samples = request.category.testSamples;
    for (std::size_t i = 0; i < samples.size(); ++i) {
        if (cancel && cancel->load())
            throw SettingsError(QStringLiteral("Evaluation cancelled."));
        const LoadedImage image = loadImage(samples[i].imagePath);
        const PartScore score = scorePartImage(extractor, references, image.rgb, request.settings);
        const cv::Mat map = renderAnomalyMap(score.patchScores, score.inputSize, request.settings.mapSigma, pixelSize);
        pixels.add(map, loadMask(samples[i], pixelSize), samples[i].imagePath);
        scores.push_back(score.imageScore);
        labels.push_back(samples[i].anomalous ? 1 : 0);
        result.images.push_back({samples[i].imagePath, samples[i].defectType, samples[i].anomalous, score.imageScore});
        if (progress)
            progress(static_cast<int>(i + 1), static_cast<int>(samples.size()));
    }
    result.secondsPerImage = samples.empty() ? 0.0 : timer.elapsed() / 1000.0 / static_cast<double>(samples.size());
    result.imageAuroc = rocAuc(scores, labels);
    result.imageAp = averagePrecision(scores, labels);
    result.imageF1Max = f1Max(scores, labels).f1;
    result.pixel = pixels.compute();
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
