#pragma once

#include <QString>
#include <vector>

namespace patchead {

// Thresholds for the automatic verdict. Scores at or above `reject` fail;
// scores at or above `review` (and below `reject`) go to review.
struct Thresholds {
    double reject = 0.0;
    double review = 0.0;
    QString rule; // how they were derived, in words for the UI and reports
};

// Rules that derive thresholds from good samples alone, when no defects are labelled.
struct ThresholdSettings {
    // Review threshold: the largest leave-one-out score (quantile 1.0) or a
    // lower quantile of the leave-one-out scores (linear interpolation).
    double reviewQuantile = 1.0;
    // Reject threshold = review threshold * (1 + margin).
    double rejectMargin = 0.10;
};

// Derives thresholds from the leave-one-out scores of the references.
// Throws SettingsError for fewer than two scores (leave-one-out needs two
// references) or settings out of range.
Thresholds thresholdsFromGoodScores(const std::vector<double> &leaveOneOutScores,
                                    const ThresholdSettings &settings);

// Thresholds for batch zero-shot lots without good samples, from the lot's
// own scores on the assumption that most parts are good: review at
// median + reviewSpread * s and reject at median + rejectSpread * s, with the
// robust standard deviation s = 1.4826 * median absolute deviation. Throws
// SettingsError for fewer than three scores.
Thresholds thresholdsFromLotScores(const std::vector<double> &scores, double reviewSpread, double rejectSpread);

// A reference whose leave-one-out score is far above the others'.
struct ReferenceOutlier {
    int index = 0;             // position in the scores given
    double score = 0.0;        // its leave-one-out score
    double othersMedian = 0.0; // median of the other references' scores
};

// References whose leave-one-out score exceeds `ratio` times the median of
// the other references' scores: an image unlike the others (a defective
// part, another product, a blank frame) whose score sets the derived
// thresholds, so that real defects pass. Empty for fewer than three scores,
// where no median of the others exists.
// NOTE: the default ratio of 2 is a judgement, not a calibrated value. Good
// references of the synthetic flanges differ by a factor of about 1.3.
std::vector<ReferenceOutlier> findOutlierReferences(const std::vector<double> &leaveOneOutScores, double ratio = 2.0);

// Thresholds set by the user; review defaults to reject when not given.
Thresholds fixedThresholds(double reject, double review = -1.0);

// Linear-interpolation quantile of values (q in [0, 1]), as numpy's default.
double quantile(std::vector<double> values, double q);

// Score on the scale where 0.5 means "at the reject threshold":
// clamp(score / (2 * reject), 0, 1).
double normalisedScore(double score, double rejectThreshold);

} // namespace patchead
