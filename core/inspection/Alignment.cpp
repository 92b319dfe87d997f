#include "inspection/Alignment.h"

#include <QJsonArray>
#include <opencv2/imgproc.hpp>

#include <numeric>

namespace patchead {

QString ImageTransform::name() const
{
    if (isIdentity())
        return QStringLiteral("identity");
    QString text = QStringLiteral("rot%1").arg(rotationDegrees);
    if (mirrored)
        text = rotationDegrees == 0 ? QStringLiteral("mirror") : text + QStringLiteral("+mirror");
    return text;
}

cv::Mat applyTransform(const cv::Mat &image, const ImageTransform &transform)
{
    cv::Mat rotated;
    switch (transform.rotationDegrees % 360) {
    case 0: rotated = image; break;
    case 90: cv::rotate(image, rotated, cv::ROTATE_90_COUNTERCLOCKWISE); break;
    case 180: cv::rotate(image, rotated, cv::ROTATE_180); break;
    case 270: cv::rotate(image, rotated, cv::ROTATE_90_CLOCKWISE); break;
    default: {
        const cv::Point2f centre((image.cols - 1) * 0.5f, (image.rows - 1) * 0.5f);
        const cv::Mat matrix = cv::getRotationMatrix2D(centre, transform.rotationDegrees, 1.0);
        cv::warpAffine(image, rotated, matrix, image.size(), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
    }
    }
    if (!transform.mirrored)
        return rotated;
    cv::Mat mirrored;
    cv::flip(rotated, mirrored, 1);
    return mirrored;
}

std::vector<ImageTransform> candidateTransforms(const AlignmentSettings &settings)
{
    std::vector<ImageTransform> transforms;
    if (settings.mode == AlignmentMode::Off)
        return {ImageTransform{}};
    for (int mirror = 0; mirror <= (settings.allowFlips ? 1 : 0); ++mirror) {
        for (int angle = 0; angle < 360; angle += settings.rotationStepDegrees)
            transforms.push_back({angle, mirror == 1});
    }
    return transforms;
}

namespace {

double cosine(const std::vector<float> &a, const std::vector<float> &b)
{
    const double dot = std::inner_product(a.begin(), a.end(), b.begin(), 0.0);
    const double na = std::sqrt(std::inner_product(a.begin(), a.end(), a.begin(), 0.0));
    const double nb = std::sqrt(std::inner_product(b.begin(), b.end(), b.begin(), 0.0));
    return dot / std::max(na * nb, 1e-12);
}

// Mean similarity between transform t of reference i and the original of
// every other reference j, over all i != j and every t the filter accepts.
template<typename Filter>
double meanCrossSimilarity(const std::vector<std::vector<std::vector<float>>> &embeddings,
                           const std::vector<ImageTransform> &candidates, Filter accept)
{
    double sum = 0.0;
    int count = 0;
    for (std::size_t i = 0; i < embeddings.size(); ++i) {
        for (std::size_t j = 0; j < embeddings.size(); ++j) {
            if (i == j)
                continue;
            for (std::size_t t = 0; t < candidates.size(); ++t) {
                if (accept(candidates[t])) {
                    sum += cosine(embeddings[i][t], embeddings[j][0]);
                    ++count;
                }
            }
        }
    }
    return count > 0 ? sum / count : 0.0;
}

} // namespace

AlignmentDecision decideAlignment(const std::vector<std::vector<std::vector<float>>> &embeddings,
                                  const std::vector<ImageTransform> &candidates,
                                  const AlignmentSettings &settings)
{
    AlignmentDecision decision;
    decision.transforms = {ImageTransform{}};
    if (settings.mode == AlignmentMode::Off) {
        decision.reason = QStringLiteral("alignment off");
        return decision;
    }
    if (settings.mode == AlignmentMode::Always) {
        decision.rotationsAllowed = true;
        decision.mirrorsAllowed = settings.allowFlips;
        decision.transforms = candidates;
        decision.reason = QStringLiteral("alignment always: %1 copies per reference").arg(candidates.size());
        return decision;
    }
    if (embeddings.size() < 2) {
        decision.reason = QStringLiteral("auto alignment needs two or more references; none added");
        return decision;
    }

    decision.mu = meanCrossSimilarity(embeddings, candidates, [](const ImageTransform &t) { return t.isIdentity(); });
    decision.muRotation = meanCrossSimilarity(embeddings, candidates, [](const ImageTransform &t) {
        return t.rotationDegrees != 0 && !t.mirrored; });
    decision.muMirror = meanCrossSimilarity(embeddings, candidates, [](const ImageTransform &t) {
        return t.rotationDegrees == 0 && t.mirrored; });
    // NOTE: the tolerances come from the PatchEAD release, tuned for ViT CLS
    // embeddings; with pooled CNN features the margin is thin and the decision
    // flips between reference draws on MVTec screw (docs/benchmarks.md).
    decision.rotationsAllowed = decision.muRotation * (1.0 + settings.rotationTolerance) >= decision.mu;
    decision.mirrorsAllowed = settings.allowFlips && decision.muMirror * (1.0 + settings.flipTolerance) >= decision.mu;

    decision.transforms.clear();
    for (const ImageTransform &t : candidates) {
        const bool rotationOk = t.rotationDegrees == 0 || decision.rotationsAllowed;
        const bool mirrorOk = !t.mirrored || decision.mirrorsAllowed;
        if (rotationOk && mirrorOk)
            decision.transforms.push_back(t);
    }
    decision.reason = QStringLiteral("auto: mu %1, rotated %2 (%3), mirrored %4 (%5); %6 copies per reference")
                          .arg(decision.mu, 0, 'f', 4).arg(decision.muRotation, 0, 'f', 4)
                          .arg(decision.rotationsAllowed ? QStringLiteral("allowed") : QStringLiteral("not allowed"))
                          .arg(decision.muMirror, 0, 'f', 4)
                          .arg(decision.mirrorsAllowed ? QStringLiteral("allowed") : QStringLiteral("not allowed"))
                          .arg(decision.transforms.size());
    return decision;
}

QJsonObject AlignmentDecision::toJson() const
{
    QJsonArray names;
    for (const ImageTransform &t : transforms)
        names.append(t.name());
    return QJsonObject{{QStringLiteral("rotations_allowed"), rotationsAllowed},
                       {QStringLiteral("mirrors_allowed"), mirrorsAllowed},
                       {QStringLiteral("mu"), mu},
                       {QStringLiteral("mu_rotation"), muRotation},
                       {QStringLiteral("mu_mirror"), muMirror},
                       {QStringLiteral("transforms"), names},
                       {QStringLiteral("reason"), reason}};
}

} // namespace patchead
