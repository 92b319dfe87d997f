#include "MetricFixtures.h"
#include "SeededPixelSet.h"
#include "metrics/PixelMetrics.h"

#include <QElapsedTimer>

#include <vector>

using namespace patchead;
using namespace patchead::test;

// Pixel metrics at the size of a real evaluation: by default 160 images of
// 256x256 (the MVTec screw test set at evaluation resolution, 10.5 million
// pixels). PATCHEAD_SCALE_IMAGES sets another image count, for example 1600
// for 105 million pixels. AUROC and F1 are checked against an independent
// histogram computation, which is exact because the seeded scores take only
// 2^(bits+1) distinct values.
class PixelMetricsScaleTest : public QObject {
    Q_OBJECT

private slots:
    void testSetScale();
};

namespace {

constexpr int kBits = 12;
constexpr int kLevels = 1 << (kBits + 1);

struct LevelHistogram {
    std::vector<qint64> normal = std::vector<qint64>(kLevels, 0);
    std::vector<qint64> anomalous = std::vector<qint64>(kLevels, 0);

    void add(const SeededImage &image)
    {
        for (int y = 0; y < image.mask.rows; ++y) {
            for (int x = 0; x < image.mask.cols; ++x) {
                const int level = int(image.anomalyMap.at<float>(y, x) * kLevels);
                if (image.mask.at<uchar>(y, x) != 0)
                    ++anomalous[size_t(level)];
                else
                    ++normal[size_t(level)];
            }
        }
    }

    // Mann-Whitney count: every (anomalous, normal) pair ranked right counts
    // 1 and every tie counts 1/2.
    double rocAuc() const
    {
        double wins = 0.0;
        qint64 normalBelow = 0;
        qint64 positives = 0;
        for (int level = 0; level < kLevels; ++level) {
            wins += double(anomalous[size_t(level)]) * (double(normalBelow) + 0.5 * double(normal[size_t(level)]));
            normalBelow += normal[size_t(level)];
            positives += anomalous[size_t(level)];
        }
        return wins / (double(positives) * double(normalBelow));
    }

    double f1Max() const
    {
        qint64 positives = 0;
        for (qint64 count : anomalous)
            positives += count;
        double best = 0.0;
        qint64 truePositives = 0;
        qint64 falsePositives = 0;
        for (int level = kLevels - 1; level >= 0; --level) {
            truePositives += anomalous[size_t(level)];
            falsePositives += normal[size_t(level)];
            if (truePositives > 0)
                best = std::max(best, 2.0 * double(truePositives) / double(positives + truePositives + falsePositives));
        }
        return best;
    }
};

} // namespace

void PixelMetricsScaleTest::testSetScale()
{
    const int images = qEnvironmentVariableIsSet("PATCHEAD_SCALE_IMAGES")
                           ? qEnvironmentVariableIntValue("PATCHEAD_SCALE_IMAGES")
                           : 160;
    QVERIFY2(images > 0, "PATCHEAD_SCALE_IMAGES must be a positive integer");
    PixelMetricsAccumulator accumulator;
    LevelHistogram histogram;
    QElapsedTimer timer;
    qint64 addMs = 0;
    for (int image = 0; image < images; ++image) {
        const SeededImage generated = makeSeededImage(3, image, 256, 256, kBits);
        histogram.add(generated);
        timer.start();
        accumulator.add(generated.anomalyMap, generated.mask);
        addMs += timer.elapsed();
    }

    timer.start();
    const PixelMetrics metrics = accumulator.compute();
    const qint64 computeMs = timer.elapsed();
    qInfo("%d images, %lld pixels, %lld regions: add %lld ms, compute %lld ms; "
          "AUROC %.6f, F1-max %.6f, AUPRO %.6f",
          images, accumulator.pixelCount(), metrics.regions, addMs, computeMs, metrics.auroc,
          metrics.f1Max.f1, metrics.aupro);

    QCOMPARE(accumulator.pixelCount(), qint64(images) * 256 * 256);
    COMPARE_NEAR(metrics.auroc, histogram.rocAuc(), 1e-9);
    COMPARE_NEAR(metrics.f1Max.f1, histogram.f1Max(), 1e-9);
    QVERIFY(metrics.aupro > 0.0);
    QVERIFY(metrics.aupro < 1.0);
}

QTEST_APPLESS_MAIN(PixelMetricsScaleTest)
#include "PixelMetricsScaleTest.moc"
