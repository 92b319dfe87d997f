#pragma once

#include "metrics/ThresholdSweep.h"

#include <vector>

// Threshold-free metrics of per-sample scores against binary labels, used for
// image-level evaluation. Labels are 0 (normal) or 1 (anomalous), and a higher
// score means more anomalous. Every function throws SettingsError for invalid
// input: sizes that differ, no samples, a label other than 0 or 1, or a NaN or
// infinite score. It also throws when a class that the metric divides by is
// missing, and the message then names the missing class.

namespace patchead {

// ROC curve at every distinct threshold, as sklearn's
// roc_curve(drop_intermediate=False). The first point is (0, 0) with
// threshold +infinity, where sklearn 1.2 uses max score + 1.
struct RocCurve {
    std::vector<double> falsePositiveRates;
    std::vector<double> truePositiveRates;
    std::vector<double> thresholds; // decreasing
};

// Needs both classes.
RocCurve rocCurve(const std::vector<double> &scores, const std::vector<int> &labels);

// Area under the ROC curve as sklearn.metrics.roc_auc_score: tied scores
// form one diagonal segment, so they count half. Needs both classes.
double rocAuc(const std::vector<double> &scores, const std::vector<int> &labels);

// As sklearn.metrics.average_precision_score: sum over distinct thresholds
// of (recall increase) * precision, without interpolation. Needs at least one
// anomalous sample; with no normal samples it is 1.
double averagePrecision(const std::vector<double> &scores, const std::vector<int> &labels);

// The best F1 over the thresholds of sklearn's precision_recall_curve, and
// the lowest threshold reaching it. Needs at least one anomalous sample.
F1Max f1Max(const std::vector<double> &scores, const std::vector<int> &labels);

} // namespace patchead
