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
        : QStringLiteral("the %1 %% quantile of the").arg(settings.reviewQuantile * 100.0, 0, 'g', 3);
    thresholds.rule = QStringLiteral("review at %1 leave-one-out score of %2 good samples; "
                                     "reject at that value + %3 %%")
                          .arg(base).arg(leaveOneOutScores.size()).arg(settings.rejectMargin * 100.0, 0, 'g', 3);
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

double normalisedScore(double score, double rejectThreshold)
{
    if (!(rejectThreshold > 0.0))
        return 0.0;
    return std::clamp(score / (2.0 * rejectThreshold), 0.0, 1.0);
}

} // namespace patchead
