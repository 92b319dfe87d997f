#include "MetricFixtures.h"
#include "SeededPixelSet.h"
#include "metrics/PixelMetrics.h"

#include <cmath>
#include <limits>

using namespace patchead;
using namespace patchead::test;

// Pixel AUROC, F1-max and AUPRO against tests/fixtures/metrics/pixel_*.json,
// whose expected values come from scikit-learn and the generator's own AUPRO.
class PixelMetricsTest : public QObject {
    Q_OBJECT

private slots:
    void fixtureCase_data();
    void fixtureCase();
    void seededCase_data();
    void seededCase();
    void handTwoRegions();
    void diagonalNeighboursOneRegion();
    void imageOrderIrrelevant();
    void roiMapAccepted();
    void maskBinarisedAtHalf();
    void clearForgetsImages();
    void wrongMapTypeRejected();
    void maskSizeMismatchRejected();
    void nonFiniteScoreRejected();
    void emptyMasksRejected();
    void allAnomalousRejected();
    void fprLimitRange_data();
    void fprLimitRange();

private:
    static constexpr double kTolerance = 1e-6;
};

namespace {

void checkAgainstExpected(const PixelMetrics &metrics, const QJsonObject &expected)
{
    const QJsonObject f1 = expected["f1Max"].toObject();
    COMPARE_NEAR(metrics.auroc, expected["auroc"].toDouble(), 1e-6);
    COMPARE_NEAR(metrics.f1Max.f1, f1["f1"].toDouble(), 1e-6);
    COMPARE_NEAR(metrics.f1Max.threshold, f1["threshold"].toDouble(), 1e-6);
    COMPARE_NEAR(metrics.aupro, expected["aupro"].toDouble(), 1e-6);
    QCOMPARE(metrics.regions, qint64(expected["regions"].toInt()));
    QCOMPARE(metrics.normalPixels, qint64(expected["normalPixels"].toInt()));
    QCOMPARE(metrics.anomalousPixels, qint64(expected["anomalousPixels"].toInt()));
}

// One row of 10 pixels: regions A (0.9, 0.9) and B (0.5, 0.5), normal pixels
// 0.8 and five at 0.1.
void addTwoRegionRow(PixelMetricsAccumulator &accumulator)
{
    const cv::Mat map = (cv::Mat_<float>(1, 10) << 0.9f, 0.9f, 0.8f, 0.5f, 0.5f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f);
    const cv::Mat mask = (cv::Mat_<uchar>(1, 10) << 255, 255, 0, 255, 255, 0, 0, 0, 0, 0);
    accumulator.add(map, mask);
}

} // namespace

void PixelMetricsTest::fixtureCase_data()
{
    QTest::addColumn<QJsonObject>("fixture");
    const QJsonObject file = loadMetricFixture(QStringLiteral("pixel_metrics.json"));
    QVERIFY2(!file["cases"].toArray().isEmpty(), "pixel_metrics.json has no cases");
    QCOMPARE(file["fprLimit"].toDouble(), 0.3);
    for (const QJsonValue &value : file["cases"].toArray())
        QTest::newRow(qPrintable(value["name"].toString())) << value.toObject();
}

// A null "expected" means the metrics are undefined and compute() must throw.
void PixelMetricsTest::fixtureCase()
{
    QFETCH(QJsonObject, fixture);
    const QJsonArray maps = fixture["maps"].toArray();
    const QJsonArray masks = fixture["masks"].toArray();
    QCOMPARE(maps.size(), masks.size());

    PixelMetricsAccumulator accumulator;
    for (qsizetype i = 0; i < maps.size(); ++i)
        accumulator.add(toFloatMap(maps[i].toArray()), toMask(masks[i].toArray()));

    if (fixture["expected"].isNull()) {
        QVERIFY_THROWS_EXCEPTION(SettingsError, accumulator.compute());
        return;
    }
    checkAgainstExpected(accumulator.compute(), fixture["expected"].toObject());
}

void PixelMetricsTest::seededCase_data()
{
    QTest::addColumn<QJsonObject>("fixture");
    const QJsonObject file = loadMetricFixture(QStringLiteral("pixel_seeded.json"));
    QVERIFY2(!file["cases"].toArray().isEmpty(), "pixel_seeded.json has no cases");
    for (const QJsonValue &value : file["cases"].toArray())
        QTest::newRow(qPrintable(value["name"].toString())) << value.toObject();
}

// Regenerates a few hundred thousand pixels from the seed; the first map's
// sum and the mask sizes show whether the generator still matches Python.
void PixelMetricsTest::seededCase()
{
    QFETCH(QJsonObject, fixture);
    const quint64 seed = quint64(fixture["seed"].toInteger());
    const int images = fixture["images"].toInt();
    const QJsonArray maskPixels = fixture["maskPixelsPerImage"].toArray();
    QCOMPARE(maskPixels.size(), qsizetype(images));

    PixelMetricsAccumulator accumulator;
    for (int image = 0; image < images; ++image) {
        const SeededImage generated = makeSeededImage(seed, image, fixture["height"].toInt(),
                                                      fixture["width"].toInt(), fixture["bits"].toInt());
        if (image == 0)
            COMPARE_NEAR(cv::sum(generated.anomalyMap)[0], fixture["firstMapSum"].toDouble(), 1e-6);
        QCOMPARE(cv::countNonZero(generated.mask), maskPixels[image].toInt());
        accumulator.add(generated.anomalyMap, generated.mask);
    }
    checkAgainstExpected(accumulator.compute(), fixture["expected"].toObject());
}

// Curve (0,0) (0,.5) (1/6,.5) (1/6,1) (1,1): area to FPR 0.3 is
// 0.5/6 + (0.3 - 1/6), so AUPRO = 13/18.
void PixelMetricsTest::handTwoRegions()
{
    PixelMetricsAccumulator accumulator;
    addTwoRegionRow(accumulator);
    const PixelMetrics metrics = accumulator.compute();
    QCOMPARE(metrics.regions, qint64(2));
    COMPARE_NEAR(metrics.aupro, 13.0 / 18.0, 1e-12);
    // 22 of 24 (anomalous, normal) pairs ranked right: AUROC = 22/24.
    COMPARE_NEAR(metrics.auroc, 22.0 / 24.0, 1e-12);
}

void PixelMetricsTest::diagonalNeighboursOneRegion()
{
    cv::Mat mask = cv::Mat::zeros(4, 4, CV_8UC1);
    mask.at<uchar>(0, 0) = 255;
    mask.at<uchar>(1, 1) = 255;
    mask.at<uchar>(3, 3) = 255;
    cv::Mat map(4, 4, CV_32FC1, cv::Scalar(0.5));
    PixelMetricsAccumulator accumulator;
    accumulator.add(map, mask);
    QCOMPARE(accumulator.compute().regions, qint64(2));
}

void PixelMetricsTest::imageOrderIrrelevant()
{
    std::vector<SeededImage> images;
    for (int image = 0; image < 6; ++image)
        images.push_back(makeSeededImage(5, image, 40, 30, 6));

    PixelMetricsAccumulator forward;
    PixelMetricsAccumulator backward;
    for (size_t i = 0; i < images.size(); ++i) {
        forward.add(images[i].anomalyMap, images[i].mask);
        backward.add(images[images.size() - 1 - i].anomalyMap, images[images.size() - 1 - i].mask);
    }
    const PixelMetrics a = forward.compute();
    const PixelMetrics b = backward.compute();
    COMPARE_NEAR(a.auroc, b.auroc, 1e-12);
    COMPARE_NEAR(a.f1Max.f1, b.f1Max.f1, 1e-12);
    COMPARE_NEAR(a.aupro, b.aupro, 1e-12);
}

void PixelMetricsTest::roiMapAccepted()
{
    const SeededImage image = makeSeededImage(9, 0, 64, 64, 12);
    const cv::Rect roi(3, 5, 40, 50);
    QVERIFY2(cv::countNonZero(image.mask(roi)) > 0, "the seeded mask must have a defect inside the ROI");
    QVERIFY(!image.anomalyMap(roi).isContinuous());
    PixelMetricsAccumulator viaRoi;
    viaRoi.add(image.anomalyMap(roi), image.mask(roi));
    PixelMetricsAccumulator viaCopy;
    viaCopy.add(image.anomalyMap(roi).clone(), image.mask(roi).clone());
    const PixelMetrics a = viaRoi.compute();
    const PixelMetrics b = viaCopy.compute();
    QCOMPARE(a.anomalousPixels, b.anomalousPixels);
    QCOMPARE(a.auroc, b.auroc);
    QCOMPARE(a.aupro, b.aupro);
}

void PixelMetricsTest::maskBinarisedAtHalf()
{
    const cv::Mat map = (cv::Mat_<float>(1, 4) << 0.1f, 0.2f, 0.3f, 0.4f);
    const cv::Mat mask = (cv::Mat_<uchar>(1, 4) << 0, 127, 128, 200);
    PixelMetricsAccumulator accumulator;
    accumulator.add(map, mask);
    const PixelMetrics metrics = accumulator.compute();
    QCOMPARE(metrics.anomalousPixels, qint64(2));
    QCOMPARE(metrics.regions, qint64(1));
}

void PixelMetricsTest::clearForgetsImages()
{
    PixelMetricsAccumulator accumulator;
    addTwoRegionRow(accumulator);
    accumulator.clear();
    QCOMPARE(accumulator.pixelCount(), qint64(0));
    QCOMPARE(accumulator.imageCount(), 0);
    addTwoRegionRow(accumulator);
    COMPARE_NEAR(accumulator.compute().aupro, 13.0 / 18.0, 1e-12);
}

void PixelMetricsTest::wrongMapTypeRejected()
{
    PixelMetricsAccumulator accumulator;
    const cv::Mat map8(4, 4, CV_8UC1, cv::Scalar(1));
    const cv::Mat mask = cv::Mat::zeros(4, 4, CV_8UC1);
    QVERIFY_THROWS_EXCEPTION(SettingsError, accumulator.add(map8, mask));
    const cv::Mat map32(4, 4, CV_32FC1, cv::Scalar(1));
    const cv::Mat mask16 = cv::Mat::zeros(4, 4, CV_16UC1);
    QVERIFY_THROWS_EXCEPTION(SettingsError, accumulator.add(map32, mask16));
}

void PixelMetricsTest::maskSizeMismatchRejected()
{
    PixelMetricsAccumulator accumulator;
    const cv::Mat map(4, 6, CV_32FC1, cv::Scalar(1));
    const cv::Mat mask = cv::Mat::zeros(4, 5, CV_8UC1);
    const QString message =
        settingsErrorMessage([&] { accumulator.add(map, mask, QStringLiteral("scratch/003.png")); });
    QVERIFY2(message.contains(QStringLiteral("scratch/003.png")), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("6x4 anomaly map but a 5x4 mask")), qPrintable(message));
}

void PixelMetricsTest::nonFiniteScoreRejected()
{
    PixelMetricsAccumulator accumulator;
    cv::Mat map(3, 3, CV_32FC1, cv::Scalar(0.5));
    map.at<float>(2, 1) = std::numeric_limits<float>::quiet_NaN();
    const QString message = settingsErrorMessage([&] { accumulator.add(map, cv::Mat::zeros(3, 3, CV_8UC1)); });
    QVERIFY2(message.contains(QStringLiteral("x=1, y=2")), qPrintable(message));
}

void PixelMetricsTest::emptyMasksRejected()
{
    PixelMetricsAccumulator accumulator;
    accumulator.add(cv::Mat(3, 3, CV_32FC1, cv::Scalar(0.5)), cv::Mat::zeros(3, 3, CV_8UC1));
    const QString message = settingsErrorMessage([&] { accumulator.compute(); });
    QVERIFY2(message.contains(QStringLiteral("no anomalous pixels")), qPrintable(message));
}

void PixelMetricsTest::allAnomalousRejected()
{
    PixelMetricsAccumulator accumulator;
    accumulator.add(cv::Mat(3, 3, CV_32FC1, cv::Scalar(0.5)), cv::Mat(3, 3, CV_8UC1, cv::Scalar(255)));
    const QString message = settingsErrorMessage([&] { accumulator.compute(); });
    QVERIFY2(message.contains(QStringLiteral("no normal pixels")), qPrintable(message));
}

void PixelMetricsTest::fprLimitRange_data()
{
    QTest::addColumn<double>("limit");
    QTest::addColumn<bool>("valid");
    QTest::newRow("zero") << 0.0 << false;
    QTest::newRow("negative") << -0.1 << false;
    QTest::newRow("above one") << 1.5 << false;
    QTest::newRow("nan") << std::numeric_limits<double>::quiet_NaN() << false;
    QTest::newRow("default") << 0.3 << true;
    QTest::newRow("one") << 1.0 << true;
}

void PixelMetricsTest::fprLimitRange()
{
    QFETCH(double, limit);
    QFETCH(bool, valid);
    const QString message = settingsErrorMessage([&] { PixelMetricsAccumulator accumulator(limit); });
    QCOMPARE(message.isEmpty(), valid);
}

QTEST_APPLESS_MAIN(PixelMetricsTest)
#include "PixelMetricsTest.moc"
