#include "features/Preprocess.h"

#include <QtTest>

using namespace patchead;

class TestPreprocess : public QObject {
    Q_OBJECT

private slots:
    void normalisesPerChannel()
    {
        cv::Mat rgb(4, 4, CV_8UC3, cv::Scalar(255, 0, 51));
        InputSpec spec;
        spec.width = 4;
        spec.height = 4;
        spec.mean = {0.5f, 0.0f, 0.2f};
        spec.std = {0.5f, 1.0f, 0.1f};
        const InputTensor tensor = preprocessImage(rgb, spec);
        QCOMPARE(tensor.chw.size(), std::size_t(48));
        QCOMPARE(tensor.chw[0], 1.0f);               // (1 - 0.5) / 0.5
        QCOMPARE(tensor.chw[16], 0.0f);              // (0 - 0) / 1
        QVERIFY(std::abs(tensor.chw[32] - 0.0f) < 1e-6f); // (0.2 - 0.2) / 0.1
    }

    void resizesToInputSize()
    {
        cv::Mat rgb(30, 50, CV_8UC3, cv::Scalar(10, 20, 30));
        InputSpec spec;
        spec.width = 8;
        spec.height = 6;
        const InputTensor tensor = preprocessImage(rgb, spec);
        QCOMPARE(tensor.width, 8);
        QCOMPARE(tensor.height, 6);
        QCOMPARE(tensor.chw.size(), std::size_t(3 * 8 * 6));
        QVERIFY(std::abs(tensor.chw[0] - 10.0f / 255.0f) < 1e-6f);
    }

    void rejectsGreyInput()
    {
        cv::Mat grey(4, 4, CV_8UC1, cv::Scalar(1));
        QVERIFY_THROWS_EXCEPTION(std::exception, preprocessImage(grey, InputSpec{}));
    }

    void inputSizeRoundsToMultiple_data()
    {
        QTest::addColumn<int>("resolution");
        QTest::addColumn<bool>("keepAspect");
        QTest::addColumn<QSize>("expected");
        QTest::newRow("manifest size") << 0 << false << QSize(224, 224);
        QTest::newRow("square 320") << 320 << false << QSize(320, 320);
        QTest::newRow("square 330 rounds") << 330 << false << QSize(320, 320);
        QTest::newRow("aspect 2:1") << 320 << true << QSize(320, 160);
    }

    void inputSizeRoundsToMultiple()
    {
        QFETCH(int, resolution);
        QFETCH(bool, keepAspect);
        QFETCH(QSize, expected);
        InputSpec spec;
        spec.sizeMultiple = 32;
        const cv::Size size = inputSizeFor(spec, resolution, cv::Size(1000, 500), keepAspect);
        QCOMPARE(size.width, expected.width());
        QCOMPARE(size.height, expected.height());
    }
};

QTEST_APPLESS_MAIN(TestPreprocess)
#include "test_preprocess.moc"
