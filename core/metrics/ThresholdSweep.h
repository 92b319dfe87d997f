#pragma once

#include <QtGlobal>

namespace patchead {

// The best F1 score over all thresholds and the operating point reaching it.
// A sample is predicted anomalous when its score is >= threshold.
struct F1Max {
    double f1 = 0.0;
    double threshold = 0.0;
    double precision = 0.0;
    double recall = 0.0;
};

// Cumulative counts at one threshold: the anomalous (true positives) and
// normal (false positives) samples scoring >= threshold.
struct OperatingPoint {
    double threshold = 0.0;
    qint64 truePositives = 0;
    qint64 falsePositives = 0;
};

// Summarises a ranking from its operating points, given in strictly
// decreasing threshold order with one point per distinct score, in constant
// memory. This is what sklearn's _binary_clf_curve produces, and the results
// follow sklearn 1.2: roc_auc_score (trapezoids over the distinct
// thresholds, so tied scores count half), average_precision_score
// (step-wise sum of recall increments times precision, no interpolation) and
// F1 from precision_recall_curve.
class ThresholdSweep {
public:
    // Throws SettingsError when positives * negatives is too large for the
    // exact integer ROC area, about 6e9 samples in total.
    ThresholdSweep(qint64 positives, qint64 negatives);

    void add(const OperatingPoint &point);

    // Valid once the last point (all samples counted) has been added. rocAuc
    // needs both classes, and the other two need at least one positive.
    double rocAuc() const;
    double averagePrecision() const;
    F1Max f1Max() const;

private:
    qint64 mPositives;
    qint64 mNegatives;
    OperatingPoint mPrevious;
    // Twice the ROC area in units of one positive times one negative: the sum
    // of dFP * (TP + TP_previous), exact in 64 bits.
    quint64 mDoubleRocArea = 0;
    double mPrecisionRecallSum = 0.0; // sum of dTP * precision
    F1Max mBestF1;
};

} // namespace patchead
