#pragma once

#include "inspection/InspectionSettings.h"

#include <QJsonObject>
#include <opencv2/core.hpp>
#include <vector>

namespace patchead {

// A rigid copy of a reference image: rotation about the centre, then an
// optional horizontal mirror.
struct ImageTransform {
    int rotationDegrees = 0; // counter-clockwise, multiple of 45
    bool mirrored = false;

    bool isIdentity() const { return rotationDegrees == 0 && !mirrored; }
    QString name() const; // "rot90", "rot45+mirror", "identity"
};

// Applies a transform; 90-degree steps are exact pixel permutations, other
// angles rotate within the same canvas with replicated borders.
cv::Mat applyTransform(const cv::Mat &image, const ImageTransform &transform);

// The candidate transforms for the settings, identity first.
std::vector<ImageTransform> candidateTransforms(const AlignmentSettings &settings);

// The alignment module's decision and the numbers behind it (PatchEAD+,
// release reading): mu is the mean pairwise cosine similarity of the global
// embeddings of different original references; muRotation (muMirror) the
// mean similarity of rotated (mirrored) copies of one reference to the
// other originals. Rotations are allowed when muRotation * (1 + tolerance)
// >= mu, mirrors likewise.
struct AlignmentDecision {
    bool rotationsAllowed = false;
    bool mirrorsAllowed = false;
    double mu = 0.0;
    double muRotation = 0.0;
    double muMirror = 0.0;
    QString reason;
    std::vector<ImageTransform> transforms; // the copies added, identity first

    QJsonObject toJson() const;
};

// Decides from the global embeddings of the references: embeddings[i][t] is
// the embedding of reference i under candidate transform t (t = 0 identity).
// Never pass images under test: the decision uses known-good images only.
AlignmentDecision decideAlignment(const std::vector<std::vector<std::vector<float>>> &embeddings,
                                  const std::vector<ImageTransform> &candidates,
                                  const AlignmentSettings &settings);

} // namespace patchead
