#include "scoring/Threshold.h"

#include "common/Error.h"

#include <algorithm>
#include <cmath>

namespace patchead {

double quantile(std::vector<double> values, double q)
{
    if (values.empty())
        throw SettingsError(QStringLiteral("Cannot take a quantile of no values."));
    std::sort(values.begin(), values.end());
    const double position = q * static_cast<double>(values.size() - 1);
    const auto low = static_cast<std::size_t>(std::floor(position));
    const std::size_t high = std::min(low + 1, values.size() - 1);
    return values[low] + (position - static_cast<double>(low)) * (values[high] - values[low]);
}

Thresholds thresholdsFromGoodScores(const std::vector<double> &leaveOneOutScores,
                                    const ThresholdSettings &settings)
{
    if (leaveOneOutScores.size() < 2)
        throw SettingsError(QStringLiteral("A threshold from good samples needs at least two reference "
                                           "images (leave-one-out); add references or set --threshold."));
    if (settings.reviewQuantile < 0.0 || settings.reviewQuantile > 1.0)
        throw SettingsError(QStringLiteral("Review quantile %1 is out of range [0, 1].").arg(settings.reviewQuantile));
    if (settings.rejectMargin < 0.0)
        throw SettingsError(QStringLiteral("Reject margin %1 must not be negative.").arg(settings.rejectMargin));

    Thresholds thresholds;
    thresholds.review = quantile(leaveOneOutScores, settings.reviewQuantile);
    thresholds.reject = thresholds.review * (1.0 + settings.rejectMargin);
    const QString base = settings.reviewQuantile >= 1.0
        ? QStringLiteral("the largest")
        : QStringLiteral("the %1 % quantile of the").arg(settings.reviewQuantile * 100.0, 0, 'g', 3);
    thresholds.rule = QStringLiteral("review at %1 leave-one-out score of %2 good samples; "
                                     "reject at that value + %3 %")
                          .arg(base).arg(leaveOneOutScores.size()).arg(settings.rejectMargin * 100.0, 0, 'g', 3);
    return thresholds;
}

Thresholds thresholdsFromLotScores(const std::vector<double> &scores, double reviewSpread, double rejectSpread)
{
    if (scores.size() < 3)
        throw SettingsError(QStringLiteral("Thresholds from a lot's own scores need at least three scored parts; "
                                           "set --threshold for smaller lots."));
    const double median = quantile(scores, 0.5);
    std::vector<double> deviations;
    for (double score : scores)
        deviations.push_back(std::abs(score - median));
    // 1.4826 makes the median absolute deviation estimate the standard
    // deviation of normally distributed scores.
    const double spread = std::max(1.4826 * quantile(deviations, 0.5), 1e-9);
    Thresholds thresholds;
    thresholds.review = median + reviewSpread * spread;
    thresholds.reject = median + rejectSpread * spread;
    thresholds.rule = QStringLiteral("from the lot's %1 scores: review at median + %2 robust SD, reject at median + %3 robust SD")
                          .arg(scores.size()).arg(reviewSpread).arg(rejectSpread);
    return thresholds;
}

Thresholds fixedThresholds(double reject, double review)
{
    if (!(reject > 0.0))
        throw SettingsError(QStringLiteral("Reject threshold %1 must be positive.").arg(reject));
    Thresholds thresholds;
    thresholds.reject = reject;
    thresholds.review = review < 0.0 ? reject : std::min(review, reject);
    thresholds.rule = QStringLiteral("set by the user");
    return thresholds;
}

std::vector<ReferenceOutlier> findOutlierReferences(const std::vector<double> &leaveOneOutScores, double ratio)
{
    std::vector<ReferenceOutlier> outliers;
    if (leaveOneOutScores.size() < 3)
        return outliers;
    for (std::size_t i = 0; i < leaveOneOutScores.size(); ++i) {
        std::vector<double> others;
        for (std::size_t j = 0; j < leaveOneOutScores.size(); ++j) {
            if (j != i)
                others.push_back(leaveOneOutScores[j]);
        }
        const double median = quantile(others, 0.5);
        if (leaveOneOutScores[i] > ratio * median && leaveOneOutScores[i] > median + 1e-6)
            outliers.push_back({static_cast<int>(i), leaveOneOutScores[i], median});
    }
    return outliers;
}

double normalisedScore(double score, double rejectThreshold)
{
    if (!(rejectThreshold > 0.0))
        return 0.0;
    return std::clamp(score / (2.0 * rejectThreshold), 0.0, 1.0);
}

} // namespace patchead
