#include "inspection/ReferenceSet.h"

#include "common/Error.h"
#include "common/Hashing.h"
#include "common/Logging.h"
#include "imaging/ImageLoader.h"
#include "scoring/ImageScore.h"
#include "scoring/NearestPatch.h"

namespace patchead {

namespace {

// Features of every candidate transform of one reference image.
struct EncodedReference {
    ReferenceImage image;
    std::vector<FeatureMap> patches;                 // per candidate transform
    std::vector<std::vector<float>> embeddings;      // per candidate transform
};

EncodedReference encodeReference(FeatureExtractor &extractor, const QString &path,
                                 const std::vector<ImageTransform> &candidates)
{
    const LoadedImage loaded = loadImage(path);
    EncodedReference encoded;
    encoded.image.path = path;
    encoded.image.sha256 = fileSha256(path);
    encoded.image.size = loaded.rgb.size();
    for (const ImageTransform &transform : candidates) {
        ImageFeatures features = extractor.extract(applyTransform(loaded.rgb, transform));
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
        if (cancel && cancel->load())
            throw SettingsError(QStringLiteral("Building the reference set was cancelled."));
        try {
            encoded.push_back(encodeReference(extractor, paths[i], candidates));
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
        set.mImages.push_back(encoded[i].image);
    }
    set.computeLeaveOneOutScores(originals, settings);
    qCInfo(lcInspection) << "Reference set:" << set.mImages.size() << "images," << set.mBank.size()
                         << "patches," << set.mBank.bytes() / (1024 * 1024) << "MiB;" << set.mAlignment.reason;
    return set;
}

void ReferenceSet::computeLeaveOneOutScores(const std::vector<FeatureMap> &originals,
                                            const InspectionSettings &settings)
{
    if (mImages.size() < 2)
        return;
    for (std::size_t i = 0; i < mImages.size(); ++i) {
        const std::vector<float> scores = nearestPatchScores(originals[i], mBank, static_cast<int>(i), settings.search);
        mImages[i].leaveOneOutScore = imageScore(scores, settings.imageScore);
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
    if (settings.fixedRejectThreshold > 0.0)
        return fixedThresholds(settings.fixedRejectThreshold,
                               settings.fixedReviewThreshold > 0.0 ? settings.fixedReviewThreshold : -1.0);
    return thresholdsFromGoodScores(leaveOneOutScores(), settings.threshold);
}

} // namespace patchead
