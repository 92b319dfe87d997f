#include "scoring/AnomalyMap.h"

#include <QtTest>

using namespace patchead;

class TestAnomalyMap : public QObject {
    Q_OBJECT

private slots:
    void constantGridStaysConstant()
    {
        const PatchGrid grid(4, 4, 0.25f);
        const cv::Mat map = renderAnomalyMap(grid, cv::Size(32, 32), 4.0, cv::Size(50, 40));
        QCOMPARE(map.cols, 50);
        QCOMPARE(map.rows, 40);
        double low = 0.0;
        double high = 0.0;
        cv::minMaxLoc(map, &low, &high);
        QVERIFY(std::abs(low - 0.25) < 1e-6);
        QVERIFY(std::abs(high - 0.25) < 1e-6);
    }

    void peakStaysAtItsPatch()
    {
        PatchGrid grid(4, 4, 0.0f);
        grid.at(1, 2) = 1.0f;
        const cv::Mat map = renderAnomalyMap(grid, cv::Size(64, 64), 2.0, cv::Size(64, 64));
        cv::Point peak;
        cv::minMaxLoc(map, nullptr, nullptr, nullptr, &peak);
        // Patch (row 1, column 2) covers pixels x 32..47, y 16..31.
        QVERIFY2(peak.x >= 32 && peak.x < 48, qPrintable(QString::number(peak.x)));
        QVERIFY2(peak.y >= 16 && peak.y < 32, qPrintable(QString::number(peak.y)));
    }

    void smoothingLowersThePeak()
    {
        PatchGrid grid(4, 4, 0.0f);
        grid.at(1, 1) = 1.0f;
        double sharp = 0.0;
        double smooth = 0.0;
        cv::minMaxLoc(renderAnomalyMap(grid, cv::Size(32, 32), 0.0, cv::Size(32, 32)), nullptr, &sharp);
        cv::minMaxLoc(renderAnomalyMap(grid, cv::Size(32, 32), 4.0, cv::Size(32, 32)), nullptr, &smooth);
        QVERIFY(smooth < sharp);
    }

    void colourScaleIsPerThresholdNotPerImage()
    {
        // Two maps far below the threshold must both look cold, although
        // their own maxima differ.
        const cv::Mat low(8, 8, CV_32F, cv::Scalar(0.01));
        const cv::Mat lower(8, 8, CV_32F, cv::Scalar(0.005));
        const cv::Mat a = colouriseAnomalyMap(low, 0.2);
        const cv::Mat b = colouriseAnomalyMap(lower, 0.2);
        const cv::Mat hot = colouriseAnomalyMap(cv::Mat(8, 8, CV_32F, cv::Scalar(0.4)), 0.2);
        QVERIFY(cv::norm(a.at<cv::Vec3b>(0, 0), b.at<cv::Vec3b>(0, 0)) < 40.0);
        // Turbo runs from dark blue to dark red: cold maps are bluer than
        // red, a map at twice the threshold is red.
        QVERIFY(a.at<cv::Vec3b>(0, 0)[2] > a.at<cv::Vec3b>(0, 0)[0]);
        QVERIFY(hot.at<cv::Vec3b>(0, 0)[0] > 2 * hot.at<cv::Vec3b>(0, 0)[2]);
    }

    void overlayKeepsImageSize()
    {
        const cv::Mat rgb(40, 60, CV_8UC3, cv::Scalar(100, 100, 100));
        const cv::Mat coloured(10, 10, CV_8UC3, cv::Scalar(255, 0, 0));
        const cv::Mat blended = overlayHeatmap(rgb, coloured, 0.5);
        QCOMPARE(blended.cols, 60);
        QCOMPARE(blended.rows, 40);
        QCOMPARE(blended.at<cv::Vec3b>(5, 5)[0], uchar(178));
    }
};

QTEST_APPLESS_MAIN(TestAnomalyMap)
#include "test_anomaly_map.moc"
