#include "metrics/ThresholdSweep.h"

#include "common/Error.h"

#include <limits>

namespace patchead {

ThresholdSweep::ThresholdSweep(qint64 positives, qint64 negatives)
    : mPositives(positives), mNegatives(negatives)
{
    // The final area sum is 2 * positives * negatives; keep it below 2^64.
    const quint64 limit = std::numeric_limits<quint64>::max() / 2;
    if (positives > 0 && quint64(negatives) > limit / quint64(positives))
        throw SettingsError(QStringLiteral(
            "Too many samples for an exact ROC area: %1 anomalous times %2 normal exceeds 2^63. "
            "Evaluate the test set in parts or at a lower resolution.")
                                .arg(positives).arg(negatives));
    mPrevious.threshold = std::numeric_limits<double>::infinity();
}

void ThresholdSweep::add(const OperatingPoint &point)
{
    const quint64 deltaFalse = quint64(point.falsePositives - mPrevious.falsePositives);
    const qint64 deltaTrue = point.truePositives - mPrevious.truePositives;
    mDoubleRocArea += deltaFalse * quint64(point.truePositives + mPrevious.truePositives);

    // Same operations, in the same order, as sklearn and numpy, so that equal
    // F1 values tie exactly and pick the same threshold.
    const double tp = double(point.truePositives);
    const double precision = tp / (tp + double(point.falsePositives));
    const double recall = mPositives > 0 ? tp / double(mPositives) : 0.0;
    mPrecisionRecallSum += double(deltaTrue) * precision;

    if (point.truePositives > 0) {
        const double f1 = 2.0 * precision * recall / (precision + recall);
        // ">=" while thresholds decrease keeps the lowest of equally good
        // thresholds, as np.argmax over sklearn's ascending thresholds does.
        if (f1 >= mBestF1.f1)
            mBestF1 = F1Max{f1, point.threshold, precision, recall};
    }
    mPrevious = point;
}

double ThresholdSweep::rocAuc() const
{
    const double pairs = double(mPositives) * double(mNegatives);
    return double(mDoubleRocArea) / (2.0 * pairs);
}

double ThresholdSweep::averagePrecision() const
{
    return mPrecisionRecallSum / double(mPositives);
}

F1Max ThresholdSweep::f1Max() const
{
    return mBestF1;
}

} // namespace patchead
