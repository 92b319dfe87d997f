// Cases that time the stages of few-shot scoring one by one.
#include "Cases.h"

#include "common/Error.h"
#include "features/PatchFeatures.h"
#include "features/Preprocess.h"
#include "imaging/ImageLoader.h"
#include "inspection/ReferenceSet.h"
#include "scoring/AnomalyMap.h"
#include "scoring/ConeBoundSearch.h"
#include "scoring/ImageScore.h"
#include "scoring/NearestPatch.h"
#include "store/LotStore.h"

#include <QDir>
#include <QJsonArray>
#include <QUuid>

#include <map>

namespace patchead::bench {

namespace {

// Settings of a few-shot case: the defaults of the command line, with the
// alignment mode of parameter "alignment" ("off" or "always") and, for a
// single reference, a fixed threshold (leave-one-out needs two).
InspectionSettings fewShotSettings(const CaseParameters &parameters, int references)
{
    InspectionSettings settings;
    settings.alignment.mode = alignmentModeFromName(parameters.text(QStringLiteral("alignment"), QStringLiteral("off")));
    if (references < 2)
        settings.fixedRejectThreshold = 0.2;
    return settings;
}

// A fresh database file in the case's work folder.
QString freshDatabasePath(const CaseParameters &parameters)
{
    const QDir work(parameters.text(QStringLiteral("work"), QDir::tempPath()));
    return work.filePath(QStringLiteral("bench-%1.sqlite").arg(QUuid::createUuid().toString(QUuid::Id128)));
}

// Accumulates the per-part time of each named stage, in milliseconds.
class StageTimes {
public:
    void add(const QString &stage, double seconds) { mTimes[stage].push_back(seconds * 1000.0); }
    QJsonObject medians() const
    {
        QJsonObject result;
        for (const auto &[stage, times] : mTimes)
            result[stage] = median(times);
        return result;
    }

private:
    std::map<QString, std::vector<double>> mTimes;
};

// Runs `step`, adds its duration under `stage` and returns its result.
template<typename Step>
auto timed(StageTimes &times, const QString &stage, Step step)
{
    const double start = monotonicSeconds();
    auto result = step();
    times.add(stage, monotonicSeconds() - start);
    return result;
}

qint64 createBenchLot(LotStore &store, const Encoder &encoder)
{
    LotRecord lot;
    lot.name = QStringLiteral("stages");
    lot.folder = QDir::tempPath();
    lot.settingsJson = QStringLiteral("{}");
    lot.modelName = encoder.manifest().name;
    lot.modelHash = encoder.manifest().moduleSha256;
    lot.rejectThreshold = 0.2;
    lot.reviewThreshold = 0.2;
    lot.thresholdRule = QStringLiteral("fixed for the benchmark");
    return store.createLot(lot);
}

// Measures of the work the cone-bound search skipped: the time of the same
// search over every (query, bank patch) pair, and the share of (6-query
// block, bank group) pairs the cone-bound search multiplied.
struct SearchComparison {
    StageTimes everyPair;
    ConeSearchStats cone;
};

// Searches the part again without the cone bounds, and once more with them
// to count the groups searched. Neither run counts in the stage times.
void compareSearches(const FeatureMap &patches, const MemoryBank &bank, const NearestPatchOptions &options,
                     SearchComparison &comparison)
{
    NearestPatchOptions everyPair = options;
    everyPair.coneBounds = false;
    timed(comparison.everyPair, QStringLiteral("search"), [&] { return nearestPatchScores(patches, bank, -1, everyPair); });
    if (bank.searchIndex()) {
        std::vector<float> maxima(static_cast<std::size_t>(patches.patchCount()));
        coneBoundMaxSimilarity(patches.data.data(), patches.patchCount(), *bank.searchIndex(),
                               searchThreadCount(options), maxima.data(), &comparison.cone, patches.width);
    }
}

// Scores one part stage by stage with the core calls the pipeline makes
// (FeatureExtractor::extract and scorePartImage in one). Returns the number
// of patches of the part.
int scorePartByStage(const QString &path, Encoder &encoder, const FeatureExtractor &extractor,
                      const ReferenceSet &references, const InspectionSettings &settings, LotStore &store,
                      qint64 lotId, StageTimes &times, SearchComparison &comparison)
{
    const LoadedImage image = timed(times, QStringLiteral("decode"), [&] { return loadImage(path); });
    InputSpec spec = encoder.manifest().input;
    const cv::Size inputSize = extractor.inputSizeFor(image.rgb.size());
    spec.width = inputSize.width;
    spec.height = inputSize.height;
    const InputTensor tensor = timed(times, QStringLiteral("preprocess"), [&] { return preprocessImage(image.rgb, spec); });
    EncoderOutput output = timed(times, QStringLiteral("forward"), [&] { return encoder.encode(tensor, extractor.layers(), GlobalEmbedding::Skip); });
    const FeatureMap patches = timed(times, QStringLiteral("patch_features"),
                                     [&] { return combineLayers(output.layers, settings.features); });
    PatchGrid grid(patches.height, patches.width);
    grid.values = timed(times, QStringLiteral("search"),
                        [&] { return nearestPatchScores(patches, references.bank(), -1, settings.search); });
    compareSearches(patches, references.bank(), settings.search, comparison);
    const double score = timed(times, QStringLiteral("image_score"), [&] { return imageScore(grid.values, settings.imageScore); });
    timed(times, QStringLiteral("map"), [&] { return renderAnomalyMap(grid, inputSize, settings.mapSigma, image.rgb.size()); });

    PartRecord part;
    part.lotId = lotId;
    part.path = path;
    part.imageWidth = image.rgb.cols;
    part.imageHeight = image.rgb.rows;
    part.imageScore = score;
    part.verdict = verdictForScore(score, 0.2, 0.2);
    part.mapWidth = grid.width;
    part.mapHeight = grid.height;
    part.anomalyMap = grid.values;
    timed(times, QStringLiteral("commit"), [&] { store.savePart(part); return 0; });
    return patches.patchCount();
}

} // namespace

void runStagesCase(const CaseParameters &parameters)
{
    const int k = parameters.integer(QStringLiteral("k"), 8);
    const QStringList referencePaths = firstImages(parameters.text(QStringLiteral("references")), k);
    const QStringList parts = parameters.text(QStringLiteral("mvtec")).isEmpty()
        ? firstImages(parameters.text(QStringLiteral("lot")), parameters.integer(QStringLiteral("parts"), 20))
        : mvtecTestImages(parameters.text(QStringLiteral("mvtec"))).mid(0, parameters.integer(QStringLiteral("parts"), 20));
    const std::unique_ptr<Encoder> encoder = loadBenchEncoder(parameters);
    const InspectionSettings settings = fewShotSettings(parameters, k);
    FeatureExtractor extractor(*encoder, settings);
    const ReferenceSet references = ReferenceSet::build(extractor, referencePaths, settings);

    const QString databasePath = freshDatabasePath(parameters);
    StageTimes times;
    SearchComparison comparison;
    int patchCount = 0;
    {
        const std::unique_ptr<LotStore> store = LotStore::open(databasePath);
        const qint64 lotId = createBenchLot(*store, *encoder);
        for (const QString &path : parts)
            patchCount = scorePartByStage(path, *encoder, extractor, references, settings, *store, lotId, times,
                                          comparison);
    }
    for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
        QFile::remove(databasePath + suffix);

    QJsonObject result;
    const QJsonObject stages = times.medians();
    const double searchFlops = 2.0 * patchCount * references.bank().size() * references.bank().channels();
    result[QStringLiteral("stages_ms")] = stages;
    // Effective rates: the flops of every pair over the time taken.
    result[QStringLiteral("search_gflops")] = searchFlops / (stages[QStringLiteral("search")].toDouble() / 1000.0) / 1e9;
    const double everyPairMs = comparison.everyPair.medians()[QStringLiteral("search")].toDouble();
    result[QStringLiteral("search_every_pair_ms")] = everyPairMs;
    result[QStringLiteral("search_every_pair_gflops")] = searchFlops / (everyPairMs / 1000.0) / 1e9;
    result[QStringLiteral("search_groups_share")] = comparison.cone.groupsTotal > 0
        ? static_cast<double>(comparison.cone.groupsSearched) / static_cast<double>(comparison.cone.groupsTotal) : 1.0;
    result[QStringLiteral("bank_patches")] = references.bank().size();
    result[QStringLiteral("channels")] = references.bank().channels();
    result[QStringLiteral("parts")] = parts.size();
    result[QStringLiteral("peak_mib")] = peakResidentMiB();
    emitResult(result);
}

void runForwardCase(const CaseParameters &parameters)
{
    const std::unique_ptr<Encoder> encoder = loadBenchEncoder(parameters);
    const LoadedImage image = loadImage(firstImages(parameters.text(QStringLiteral("lot")), 1).first());
    const InspectionSettings settings;
    FeatureExtractor extractor(*encoder, settings);
    InputSpec spec = encoder->manifest().input;
    const cv::Size inputSize = extractor.inputSizeFor(image.rgb.size());
    spec.width = inputSize.width;
    spec.height = inputSize.height;
    const InputTensor tensor = preprocessImage(image.rgb, spec);

    // Interleaved: the forward the pipeline runs for a part (default layers,
    // no global embedding) and the whole network (every output, as exported).
    const int warmUp = 3;
    const int repeats = parameters.integer(QStringLiteral("repeats"), 20);
    std::vector<double> partTimes;
    std::vector<double> wholeTimes;
    for (int i = 0; i < warmUp + repeats; ++i) {
        double start = monotonicSeconds();
        encoder->encode(tensor, extractor.layers(), GlobalEmbedding::Skip);
        const double part = (monotonicSeconds() - start) * 1000.0;
        start = monotonicSeconds();
        encoder->encode(tensor, extractor.layers(), GlobalEmbedding::Compute);
        const double whole = (monotonicSeconds() - start) * 1000.0;
        if (i >= warmUp) {
            partTimes.push_back(part);
            wholeTimes.push_back(whole);
        }
    }
    QJsonObject result;
    result[QStringLiteral("forward_ms")] = median(partTimes);
    result[QStringLiteral("forward_whole_network_ms")] = median(wholeTimes);
    result[QStringLiteral("device")] = encoder->deviceName();
    result[QStringLiteral("peak_mib")] = peakResidentMiB();
    emitResult(result);
}

} // namespace patchead::bench
