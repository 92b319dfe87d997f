#include "metrics/PixelMetrics.h"

#include "common/Error.h"
#include "common/Logging.h"

#include <QElapsedTimer>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <functional>

namespace patchead {

namespace {

// Integrates the PRO curve point by point over FPR in [0, limit], starting at
// (0, 0). The segment that crosses the limit is cut there, with the PRO
// interpolated linearly, as the trapezoid() helper of the MVTec AD
// evaluation code does.
class ProCurveIntegral {
public:
    explicit ProCurveIntegral(double fprLimit) : mLimit(fprLimit) {}

    void add(double fpr, double pro)
    {
        // Clip rounding drift above 1, as the MVTec code does.
        fpr = std::min(fpr, 1.0);
        pro = std::min(pro, 1.0);
        if (!mPastLimit && fpr <= mLimit) {
            mArea += 0.5 * (mPreviousPro + pro) * (fpr - mPreviousFpr);
        } else if (!mPastLimit) {
            const double proAtLimit =
                mPreviousPro + (pro - mPreviousPro) * (mLimit - mPreviousFpr) / (fpr - mPreviousFpr);
            mArea += 0.5 * (mPreviousPro + proAtLimit) * (mLimit - mPreviousFpr);
            mPastLimit = true;
        }
        mPreviousFpr = fpr;
        mPreviousPro = pro;
    }

    double normalizedArea() const { return mArea / mLimit; }

private:
    double mLimit;
    double mArea = 0.0;
    double mPreviousFpr = 0.0;
    double mPreviousPro = 0.0;
    bool mPastLimit = false;
};

QString describeImage(const QString &imageName, int imageIndex)
{
    if (imageName.isEmpty())
        return QStringLiteral("image %1").arg(imageIndex);
    return QStringLiteral("image %1 (%2)").arg(imageIndex).arg(imageName);
}

QString describeSize(const cv::Mat &mat)
{
    return QStringLiteral("%1x%2").arg(mat.cols).arg(mat.rows);
}

void checkImage(const cv::Mat &anomalyMap, const cv::Mat &mask, const QString &image)
{
    if (anomalyMap.empty() || anomalyMap.type() != CV_32FC1)
        throw SettingsError(QStringLiteral("Pixel metrics: the anomaly map of %1 is empty or not "
                                           "single-channel float (CV_32FC1). Pass the float map.")
                                .arg(image));
    if (mask.type() != CV_8UC1)
        throw SettingsError(QStringLiteral("Pixel metrics: the ground-truth mask of %1 is not "
                                           "single-channel 8-bit (CV_8UC1). Load masks as grey images.")
                                .arg(image));
    if (mask.size() != anomalyMap.size())
        throw SettingsError(QStringLiteral("Pixel metrics: %1 has a %2 anomaly map but a %3 mask. "
                                           "Resize the mask to the map size with nearest-neighbour "
                                           "interpolation.")
                                .arg(image, describeSize(anomalyMap), describeSize(mask)));
    cv::Point badPixel;
    if (!cv::checkRange(anomalyMap, true, &badPixel))
        throw SettingsError(QStringLiteral("Pixel metrics: the anomaly map of %1 has a NaN or infinite "
                                           "score at x=%2, y=%3. Scores must be finite.")
                                .arg(image).arg(badPixel.x).arg(badPixel.y));
}

} // namespace

PixelMetricsAccumulator::PixelMetricsAccumulator(double fprLimit) : mFprLimit(fprLimit)
{
    if (!(fprLimit > 0.0 && fprLimit <= 1.0))
        throw SettingsError(QStringLiteral("AUPRO false-positive-rate limit %1 is out of range. "
                                           "Use a value in (0, 1], usually 0.3.")
                                .arg(fprLimit));
}

void PixelMetricsAccumulator::add(const cv::Mat &anomalyMap, const cv::Mat &groundTruthMask,
                                  const QString &imageName)
{
    checkImage(anomalyMap, groundTruthMask, describeImage(imageName, mImageCount));

    cv::Mat binary = groundTruthMask >= 128;
    cv::Mat regionLabels, stats, centroids;
    const int labelCount =
        cv::connectedComponentsWithStats(binary, regionLabels, stats, centroids, 8, CV_32S);

    for (int label = 1; label < labelCount; ++label)
        mRegionWeights.push_back(1.0 / stats.at<int>(label, cv::CC_STAT_AREA));
    addImage(anomalyMap, regionLabels, labelCount - 1);
    ++mImageCount;
}

void PixelMetricsAccumulator::addImage(const cv::Mat &anomalyMap, const cv::Mat &regionLabels,
                                       int regionCount)
{
    // Regions of this image were appended last; label k maps to firstRegion + k - 1.
    const quint32 firstRegion = quint32(mRegionWeights.size() - size_t(regionCount));
    for (int y = 0; y < anomalyMap.rows; ++y) {
        const float *scores = anomalyMap.ptr<float>(y);
        const int *labels = regionLabels.ptr<int>(y);
        for (int x = 0; x < anomalyMap.cols; ++x) {
            if (labels[x] == 0)
                mNormalScores.push_back(scores[x]);
            else
                mAnomalousPixels.push_back({scores[x], firstRegion + quint32(labels[x] - 1)});
        }
    }
}

PixelMetrics PixelMetricsAccumulator::compute()
{
    PixelMetrics metrics;
    metrics.fprLimit = mFprLimit;
    metrics.normalPixels = qint64(mNormalScores.size());
    metrics.anomalousPixels = qint64(mAnomalousPixels.size());
    metrics.regions = qint64(mRegionWeights.size());
    if (metrics.anomalousPixels == 0)
        throw SettingsError(QStringLiteral("Pixel metrics are undefined: all %1 ground-truth masks are "
                                           "empty, so there are no anomalous pixels. Evaluate a test set "
                                           "that includes defective images with masks.")
                                .arg(mImageCount));
    if (metrics.normalPixels == 0)
        throw SettingsError(QStringLiteral("Pixel metrics are undefined: every pixel of the %1 masks is "
                                           "anomalous, so there are no normal pixels. Check that the "
                                           "masks mark defects with 255 on a 0 background.")
                                .arg(mImageCount));

    QElapsedTimer timer;
    timer.start();
    std::sort(mNormalScores.begin(), mNormalScores.end(), std::greater<float>());
    std::sort(mAnomalousPixels.begin(), mAnomalousPixels.end(),
              [](const AnomalousPixel &a, const AnomalousPixel &b) { return a.score > b.score; });
    sweepSortedPixels(metrics);
    qCDebug(lcMetrics) << "Pixel metrics over" << mImageCount << "images," << pixelCount() << "pixels,"
                       << metrics.regions << "regions in" << timer.elapsed() << "ms";
    return metrics;
}

// Merges the two score lists (both sorted in decreasing order) and visits
// each distinct score once as a threshold.
void PixelMetricsAccumulator::sweepSortedPixels(PixelMetrics &metrics) const
{
    ThresholdSweep ranking(metrics.anomalousPixels, metrics.normalPixels);
    ProCurveIntegral proIntegral(mFprLimit);
    const size_t normalCount = mNormalScores.size();
    const size_t anomalousCount = mAnomalousPixels.size();
    size_t normal = 0;
    size_t anomalous = 0;
    double proSum = 0.0; // sum over regions of the fraction of the region at or above the threshold

    while (normal < normalCount || anomalous < anomalousCount) {
        float threshold = normal < normalCount ? mNormalScores[normal] : mAnomalousPixels[anomalous].score;
        if (anomalous < anomalousCount)
            threshold = std::max(threshold, mAnomalousPixels[anomalous].score);

        while (normal < normalCount && mNormalScores[normal] == threshold)
            ++normal;
        for (; anomalous < anomalousCount && mAnomalousPixels[anomalous].score == threshold; ++anomalous)
            proSum += mRegionWeights[mAnomalousPixels[anomalous].region];

        ranking.add({double(threshold), qint64(anomalous), qint64(normal)});
        proIntegral.add(double(normal) / double(normalCount), proSum / double(metrics.regions));
    }
    proIntegral.add(1.0, 1.0);

    metrics.auroc = ranking.rocAuc();
    metrics.f1Max = ranking.f1Max();
    metrics.aupro = proIntegral.normalizedArea();
}

qint64 PixelMetricsAccumulator::pixelCount() const
{
    return qint64(mNormalScores.size() + mAnomalousPixels.size());
}

void PixelMetricsAccumulator::clear()
{
    mImageCount = 0;
    mNormalScores = {};
    mAnomalousPixels = {};
    mRegionWeights = {};
}

} // namespace patchead
