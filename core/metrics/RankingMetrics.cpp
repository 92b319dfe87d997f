#include "metrics/RankingMetrics.h"

#include "common/Error.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace patchead {

namespace {

enum class ClassesNeeded { Both, Anomalous };

struct ClassCounts {
    qint64 anomalous = 0;
    qint64 normal = 0;
};

void checkSamples(const char *metric, const std::vector<double> &scores,
                  const std::vector<int> &labels)
{
    if (scores.size() != labels.size())
        throw SettingsError(QStringLiteral("%1: %2 scores but %3 labels. Pass one label per score.")
                                .arg(QLatin1String(metric)).arg(scores.size()).arg(labels.size()));
    if (scores.empty())
        throw SettingsError(QStringLiteral("%1: no samples. Pass at least one score and label.")
                                .arg(QLatin1String(metric)));
    for (size_t i = 0; i < scores.size(); ++i) {
        if (labels[i] != 0 && labels[i] != 1)
            throw SettingsError(QStringLiteral("%1: label %2 at index %3 is invalid. Use 0 for normal "
                                               "and 1 for anomalous.")
                                    .arg(QLatin1String(metric)).arg(labels[i]).arg(i));
        if (!std::isfinite(scores[i]))
            throw SettingsError(QStringLiteral("%1: score at index %2 is %3. Scores must be finite.")
                                    .arg(QLatin1String(metric)).arg(i).arg(scores[i]));
    }
}

ClassCounts countClasses(const char *metric, const std::vector<int> &labels, ClassesNeeded needed)
{
    ClassCounts counts;
    counts.anomalous = std::count(labels.begin(), labels.end(), 1);
    counts.normal = qint64(labels.size()) - counts.anomalous;

    if (counts.anomalous == 0)
        throw SettingsError(QStringLiteral("%1 is undefined: all %2 samples are normal (label 0) and "
                                           "the anomalous class (label 1) is missing. Add anomalous samples.")
                                .arg(QLatin1String(metric)).arg(labels.size()));
    if (needed == ClassesNeeded::Both && counts.normal == 0)
        throw SettingsError(QStringLiteral("%1 is undefined: all %2 samples are anomalous (label 1) and "
                                           "the normal class (label 0) is missing. Add normal samples.")
                                .arg(QLatin1String(metric)).arg(labels.size()));
    return counts;
}

// One point per distinct score in decreasing order, with the counts of
// samples scoring at or above it.
std::vector<OperatingPoint> operatingPoints(const std::vector<double> &scores,
                                            const std::vector<int> &labels)
{
    std::vector<size_t> order(scores.size());
    std::iota(order.begin(), order.end(), size_t{0});
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return scores[a] > scores[b]; });

    std::vector<OperatingPoint> points;
    OperatingPoint current;
    for (size_t rank = 0; rank < order.size(); ++rank) {
        const size_t sample = order[rank];
        current.threshold = scores[sample];
        if (labels[sample] == 1)
            ++current.truePositives;
        else
            ++current.falsePositives;
        const bool lastOfTie = rank + 1 == order.size() || scores[order[rank + 1]] != scores[sample];
        if (lastOfTie)
            points.push_back(current);
    }
    return points;
}

ThresholdSweep sweep(const char *metric, const std::vector<double> &scores,
                     const std::vector<int> &labels, ClassesNeeded needed)
{
    checkSamples(metric, scores, labels);
    const ClassCounts counts = countClasses(metric, labels, needed);
    ThresholdSweep result(counts.anomalous, counts.normal);
    for (const OperatingPoint &point : operatingPoints(scores, labels))
        result.add(point);
    return result;
}

} // namespace

RocCurve rocCurve(const std::vector<double> &scores, const std::vector<int> &labels)
{
    checkSamples("ROC curve", scores, labels);
    const ClassCounts counts = countClasses("ROC curve", labels, ClassesNeeded::Both);

    RocCurve curve;
    curve.falsePositiveRates.push_back(0.0);
    curve.truePositiveRates.push_back(0.0);
    curve.thresholds.push_back(std::numeric_limits<double>::infinity());
    for (const OperatingPoint &point : operatingPoints(scores, labels)) {
        curve.falsePositiveRates.push_back(double(point.falsePositives) / double(counts.normal));
        curve.truePositiveRates.push_back(double(point.truePositives) / double(counts.anomalous));
        curve.thresholds.push_back(point.threshold);
    }
    return curve;
}

double rocAuc(const std::vector<double> &scores, const std::vector<int> &labels)
{
    return sweep("ROC AUC", scores, labels, ClassesNeeded::Both).rocAuc();
}

double averagePrecision(const std::vector<double> &scores, const std::vector<int> &labels)
{
    return sweep("Average precision", scores, labels, ClassesNeeded::Anomalous).averagePrecision();
}

F1Max f1Max(const std::vector<double> &scores, const std::vector<int> &labels)
{
    return sweep("F1-max", scores, labels, ClassesNeeded::Anomalous).f1Max();
}

} // namespace patchead
