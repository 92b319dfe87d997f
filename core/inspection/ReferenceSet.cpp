#include "inspection/ReferenceSet.h"

#include "common/Error.h"
#include "common/Hashing.h"
#include "common/Logging.h"
#include "imaging/ImageLoader.h"
#include "inspection/PartScorer.h"
#include "scoring/FusedMaxSimilarity.h"
#include "scoring/ImageScore.h"
#include "scoring/NearestPatch.h"

#include <QElapsedTimer>

namespace patchead {

namespace {

// Features of every candidate transform of one reference image.
struct EncodedReference {
    ReferenceImage image;
    std::vector<FeatureMap> patches;                 // per candidate transform
    std::vector<std::vector<float>> embeddings;      // per candidate transform
    TileLayout originalTiling;                       // tiles of the untransformed image
    PatchGrid originalForeground;                    // mask of the untransformed image; empty without one
};

// Logs how the first reference was cut into tiles, because a tiled search
// costs the square of the tile count. Parts of the same size are cut alike.
void logTiling(const TileLayout &layout, const TilingSettings &tiling)
{
    if (!layout.isTiled()) {
        qCInfo(lcInspection).noquote() << "Tiling" << tilingModeName(tiling.mode) << ": images are encoded whole";
        return;
    }
    qCInfo(lcInspection).noquote() << "Tiling" << tilingModeName(tiling.mode) << ": a" << layout.imageSize.width
                                   << "x" << layout.imageSize.height << "px image is cut into" << layout.tiles.size()
                                   << "tiles of" << layout.tileSide << "px; the search grows with the square of the tile count";
}

// Returns the foreground of a reference for its leave-one-out score. A mask
// image that cannot be read is a settings error, not a problem of the
// reference.
PatchGrid originalForeground(const ImageFeatures &features, const MaskSettings &mask)
{
    try {
        return foregroundFor(features, mask);
    } catch (const ImageError &error) {
        throw SettingsError(QStringLiteral("The mask image cannot be used: %1. Give a readable mask image "
                                           "(white = inspect, black = ignore) or none.").arg(error.message()));
    }
}

// Throws when the run was cancelled. Checked before each transformed copy,
// because one reference with 8 rotations of many tiles can take minutes.
void throwIfCancelled(const std::atomic<bool> *cancel)
{
    if (cancel && cancel->load())
        throw SettingsError(QStringLiteral("Building the reference set was cancelled."));
}

EncodedReference encodeReference(FeatureExtractor &extractor, const QString &path,
                                 const std::vector<ImageTransform> &candidates, const MaskSettings &mask,
                                 const std::atomic<bool> *cancel)
{
    const LoadedImage loaded = loadImage(path);
    EncodedReference encoded;
    encoded.image.path = path;
    encoded.image.sha256 = fileSha256(path);
    encoded.image.size = loaded.rgb.size();
    for (const ImageTransform &transform : candidates) {
        throwIfCancelled(cancel);
        ImageFeatures features = extractor.extract(applyTransform(loaded.rgb, transform), GlobalEmbedding::Compute);
        if (encoded.patches.empty()) {
            encoded.originalTiling = features.tiling;
            encoded.originalForeground = originalForeground(features, mask);
        }
        encoded.patches.push_back(std::move(features.patches));
        encoded.embeddings.push_back(std::move(features.globalEmbedding));
    }
    return encoded;
}

} // namespace

ReferenceSet ReferenceSet::build(FeatureExtractor &extractor, const QStringList &paths,
                                 const InspectionSettings &settings, const ReferenceProgress &progress,
                                 const std::atomic<bool> *cancel)
{
    if (paths.isEmpty())
        throw SettingsError(QStringLiteral("No reference images given: add known-good images of the part."));
    const std::vector<ImageTransform> candidates = candidateTransforms(settings.alignment);

    ReferenceSet set;
    std::vector<EncodedReference> encoded;
    for (int i = 0; i < paths.size(); ++i) {
        throwIfCancelled(cancel);
        try {
            encoded.push_back(encodeReference(extractor, paths[i], candidates, settings.mask, cancel));
        } catch (const ImageError &error) {
            qCWarning(lcInspection) << "Skipping reference" << paths[i] << ":" << error.reason();
            set.mRejected.push_back({paths[i], error.reason()});
        }
        if (progress)
            progress(i + 1, paths.size(), paths[i]);
    }
    if (encoded.empty())
        throw SettingsError(QStringLiteral("None of the %1 reference images could be read; the first "
                                           "problem: %2: %3").arg(paths.size())
                                .arg(set.mRejected.front().path, set.mRejected.front().reason));

    std::vector<std::vector<std::vector<float>>> embeddings;
    for (const EncodedReference &reference : encoded)
        embeddings.push_back(reference.embeddings);
    set.mAlignment = decideAlignment(embeddings, candidates, settings.alignment);

    std::vector<FeatureMap> originals;
    std::vector<TileLayout> originalTilings;
    std::vector<PatchGrid> foregrounds;
    for (std::size_t i = 0; i < encoded.size(); ++i) {
        for (std::size_t t = 0; t < candidates.size(); ++t) {
            const bool allowed = std::any_of(set.mAlignment.transforms.begin(), set.mAlignment.transforms.end(),
                                             [&](const ImageTransform &a) {
                                                 return a.rotationDegrees == candidates[t].rotationDegrees
                                                     && a.mirrored == candidates[t].mirrored; });
            if (allowed)
                set.mBank.add(encoded[i].patches[t], static_cast<int>(i));
        }
        originals.push_back(std::move(encoded[i].patches[0]));
        originalTilings.push_back(encoded[i].originalTiling);
        foregrounds.push_back(std::move(encoded[i].originalForeground));
        set.mImages.push_back(encoded[i].image);
    }
    set.computeLeaveOneOutScores(originals, originalTilings, foregrounds, settings);
    if (settings.search.coneBounds && settings.search.fusedKernel && fusedMaxSimilarityAvailable()) {
        QElapsedTimer indexTimer;
        indexTimer.start();
        set.mBank.buildSearchIndex();
        qCInfo(lcInspection) << "Search index of the memory bank built in" << indexTimer.elapsed() << "ms";
    }
    qCInfo(lcInspection) << "Reference set:" << set.mImages.size() << "images," << set.mBank.size()
                         << "patches," << set.mBank.bytes() / (1024 * 1024) << "MiB;" << set.mAlignment.reason;
    logTiling(encoded.front().originalTiling, settings.tiling);
    return set;
}

void ReferenceSet::computeLeaveOneOutScores(const std::vector<FeatureMap> &originals,
                                            const std::vector<TileLayout> &tilings,
                                            const std::vector<PatchGrid> &foregrounds,
                                            const InspectionSettings &settings)
{
    if (mImages.size() < 2)
        return;
    for (std::size_t i = 0; i < mImages.size(); ++i) {
        PatchGrid stacked(originals[i].height, originals[i].width);
        stacked.values = nearestPatchScores(originals[i], mBank, static_cast<int>(i), settings.search);
        PatchGrid scores = stitchTileGrids(stacked, tilings[i]);
        applyForeground(scores, foregrounds[i], settings.mask);
        mImages[i].leaveOneOutScore = imageScore(scores.values, settings.imageScore);
    }
}

std::vector<double> ReferenceSet::leaveOneOutScores() const
{
    std::vector<double> scores;
    if (mImages.size() < 2)
        return scores;
    for (const ReferenceImage &image : mImages)
        scores.push_back(image.leaveOneOutScore);
    return scores;
}

Thresholds ReferenceSet::thresholds(const InspectionSettings &settings) const
{
    if (const std::optional<Thresholds> fixed = userThresholds(settings))
        return *fixed;
    if (mImages.size() < 2 && !mRejected.empty())
        throw SettingsError(QStringLiteral("A threshold from good samples needs at least two usable reference "
                                           "images, but %1 of the %2 given could not be read (%3: %4); add "
                                           "readable references or set --threshold.")
                                .arg(mRejected.size())
                                .arg(mRejected.size() + mImages.size())
                                .arg(mRejected.front().path, mRejected.front().reason));
    const Thresholds derived = thresholdsFromGoodScores(leaveOneOutScores(), settings.threshold);
    // Copies of one image match each other exactly, so their leave-one-out
    // scores are 0 up to rounding and every real part would fail. 1e-6 is far
    // below those of distinct good parts (0.07 to 0.09 on the synthetic
    // flanges of the command-line tests with the default encoder).
    if (derived.reject < 1e-6)
        throw SettingsError(QStringLiteral("The %1 reference images are identical in content (every "
                                           "leave-one-out score is %2), so any difference would fail a part; "
                                           "use photographs of different good parts, or set --threshold.")
                                .arg(mImages.size())
                                .arg(derived.review, 0, 'g', 3));
    return derived;
}

} // namespace patchead
