#pragma once

#include <QString>
#include <vector>

namespace patchead {

// How patch scores become one image score.
enum class ImageScoreRule {
    TopFractionMean, // mean of the largest max(1, floor(fraction * N)) patch scores
    Max,             // largest patch score
};

struct ImageScoreSettings {
    ImageScoreRule rule = ImageScoreRule::TopFractionMean;
    double topFraction = 0.01; // the "top 1 %" of PatchEAD and MuSc
};

// Image score of a set of patch scores. Throws SettingsError for an empty
// set or a fraction outside (0, 1].
double imageScore(const std::vector<float> &patchScores, const ImageScoreSettings &settings);

QString imageScoreRuleName(ImageScoreRule rule);          // "top-fraction-mean" or "max"
ImageScoreRule imageScoreRuleFromName(const QString &name); // throws SettingsError

} // namespace patchead
