#include "scoring/ImageScore.h"

#include "common/Error.h"

#include <algorithm>
#include <cmath>
#include <functional>

namespace patchead {

double imageScore(const std::vector<float> &patchScores, const ImageScoreSettings &settings)
{
    if (patchScores.empty())
        throw SettingsError(QStringLiteral("Cannot compute an image score from zero patches."));
    if (settings.rule == ImageScoreRule::Max)
        return *std::max_element(patchScores.begin(), patchScores.end());
    if (!(settings.topFraction > 0.0 && settings.topFraction <= 1.0))
        throw SettingsError(QStringLiteral("Top fraction %1 is out of range; use a value in (0, 1].")
                                .arg(settings.topFraction));

    const std::size_t n = patchScores.size();
    const auto k = std::max<std::size_t>(1, static_cast<std::size_t>(std::floor(settings.topFraction * n)));
    std::vector<float> sorted(patchScores);
    std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(k - 1), sorted.end(),
                     std::greater<float>());
    double sum = 0.0;
    for (std::size_t i = 0; i < k; ++i)
        sum += sorted[i];
    return sum / static_cast<double>(k);
}

QString imageScoreRuleName(ImageScoreRule rule)
{
    return rule == ImageScoreRule::Max ? QStringLiteral("max") : QStringLiteral("top-fraction-mean");
}

ImageScoreRule imageScoreRuleFromName(const QString &name)
{
    if (name == QLatin1String("max"))
        return ImageScoreRule::Max;
    if (name == QLatin1String("top-fraction-mean") || name == QLatin1String("mean-top"))
        return ImageScoreRule::TopFractionMean;
    throw SettingsError(QStringLiteral("Unknown image score rule \"%1\"; use top-fraction-mean or max.").arg(name));
}

} // namespace patchead
