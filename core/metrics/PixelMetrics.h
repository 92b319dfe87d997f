#pragma once

#include "metrics/ThresholdSweep.h"

#include <QString>
#include <opencv2/core.hpp>

#include <vector>

namespace patchead {

// Pixel-level results over a whole test set.
struct PixelMetrics {
    double auroc = 0.0;      // as sklearn roc_auc_score over all pixels
    F1Max f1Max;             // as F1 from sklearn precision_recall_curve over all pixels
    double aupro = 0.0;      // normalised area under the PRO curve up to fprLimit
    double fprLimit = 0.3;   // upper integration limit of the AUPRO
    qint64 normalPixels = 0;
    qint64 anomalousPixels = 0;
    qint64 regions = 0;      // connected ground-truth regions over all masks
};

// Collects anomaly maps and ground-truth masks image by image, then computes
// pixel AUROC, pixel F1-max and AUPRO exactly by sorting every pixel score
// (no threshold binning), in O(n log n) time for n pixels.
//
// AUPRO follows the MVTec AD evaluation (Bergmann et al., "The MVTec Anomaly
// Detection Dataset", IJCV 2021). The ground-truth regions are the
// 8-connected components of each mask, as skimage.measure.label with
// connectivity=2. For every distinct score t taken as threshold, the PRO is
// the mean over all regions of the fraction of the region's pixels scoring
// >= t, and the FPR is the fraction of all normal pixels scoring >= t. The
// curve runs from (0, 0) through these points to (1, 1). Its trapezoid area
// for FPR in [0, fprLimit], with the PRO interpolated linearly at fprLimit,
// is divided by fprLimit. Images with an empty mask contribute normal pixels
// only.
//
// Memory: 4 bytes per normal pixel, 8 bytes per anomalous pixel and 8 bytes
// per region, so about 0.4 GB for 100 million pixels. Vector growth in add()
// can briefly need up to twice that. compute() sorts the stored pixels in
// place and adds only a constant amount. Not thread-safe.
class PixelMetricsAccumulator {
public:
    // Throws SettingsError unless 0 < fprLimit <= 1.
    explicit PixelMetricsAccumulator(double fprLimit = 0.3);

    // Adds one image. anomalyMap is CV_32FC1 with finite values (higher is
    // more anomalous); groundTruthMask is CV_8UC1 of the same size where
    // values >= 128 are anomalous, so 0/255 masks and masks resized with
    // linear interpolation both work. imageName only labels error messages.
    // Throws SettingsError for a wrong type, size or a non-finite score.
    void add(const cv::Mat &anomalyMap, const cv::Mat &groundTruthMask,
             const QString &imageName = QString());

    // Computes the metrics over every image added so far. Throws
    // SettingsError when there are no normal pixels or no anomalous pixels,
    // because AUROC, F1 and AUPRO are then undefined.
    PixelMetrics compute();

    qint64 pixelCount() const;
    int imageCount() const { return mImageCount; }
    void clear();

private:
    struct AnomalousPixel {
        float score;
        quint32 region; // index into mRegionWeights
    };

    void addImage(const cv::Mat &anomalyMap, const cv::Mat &regionLabels, int regionCount);
    void sweepSortedPixels(PixelMetrics &metrics) const;

    double mFprLimit;
    int mImageCount = 0;
    std::vector<float> mNormalScores;
    std::vector<AnomalousPixel> mAnomalousPixels;
    std::vector<double> mRegionWeights; // 1 / region size in pixels
};

} // namespace patchead
