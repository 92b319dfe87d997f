#pragma once

#include "inspection/Alignment.h"
#include "inspection/FeatureExtractor.h"
#include "scoring/MemoryBank.h"
#include "scoring/Threshold.h"

#include <QString>
#include <QStringList>
#include <atomic>
#include <functional>
#include <vector>

namespace patchead {

// One known-good image of the reference set.
struct ReferenceImage {
    QString path;
    QString sha256;
    cv::Size size;
    double leaveOneOutScore = 0.0;
};

// A reference image that could not be used, with the reason for the user.
struct RejectedInput {
    QString path;
    QString reason;
};

// Called after each reference image is encoded: (done, total, path).
using ReferenceProgress = std::function<void(int, int, const QString &)>;

// The few-shot reference set: the memory bank of patches of K good images
// (plus the copies the alignment module allows), their leave-one-out scores
// and the thresholds derived from them.
class ReferenceSet {
public:
    // Loads and encodes the references. Unusable images are skipped and
    // listed in rejected(); throws SettingsError when no image is usable or
    // when `cancel` becomes true.
    static ReferenceSet build(FeatureExtractor &extractor, const QStringList &paths,
                              const InspectionSettings &settings, const ReferenceProgress &progress = {},
                              const std::atomic<bool> *cancel = nullptr);

    const MemoryBank &bank() const { return mBank; }
    const std::vector<ReferenceImage> &images() const { return mImages; }
    const std::vector<RejectedInput> &rejected() const { return mRejected; }
    const AlignmentDecision &alignment() const { return mAlignment; }
    // Leave-one-out image scores, one per image (empty with one reference).
    std::vector<double> leaveOneOutScores() const;
    // Thresholds from the settings: fixed ones, or derived from the
    // leave-one-out scores. Throws SettingsError with one reference and no
    // fixed threshold.
    Thresholds thresholds(const InspectionSettings &settings) const;

private:
    // Scores each original as a part would be scored, its own patches
    // excluded from the bank and its foreground mask applied, so that the
    // thresholds fit masked part scores.
    void computeLeaveOneOutScores(const std::vector<FeatureMap> &originals, const std::vector<TileLayout> &tilings,
                                  const std::vector<PatchGrid> &foregrounds, const InspectionSettings &settings);

    MemoryBank mBank;
    std::vector<ReferenceImage> mImages;
    std::vector<RejectedInput> mRejected;
    AlignmentDecision mAlignment;
};

} // namespace patchead
