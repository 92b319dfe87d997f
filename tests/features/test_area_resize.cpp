#include "features/AreaResize.h"

#include <QtTest>
#include <opencv2/imgproc.hpp>

using namespace patchead;

class TestAreaResize : public QObject {
    Q_OBJECT

private slots:
    // Integer and non-integer ratios, square and not, RGB and grey, against
    // OpenCV's INTER_AREA, value for value.
    void matchesOpenCvAreaResize_data()
    {
        QTest::addColumn<QSize>("source");
        QTest::addColumn<QSize>("target");
        QTest::addColumn<int>("channels");
        QTest::newRow("sample lot, 384 to 224") << QSize(384, 384) << QSize(224, 224) << 3;
        QTest::newRow("MVTec, 1024 to 224") << QSize(1024, 1024) << QSize(224, 224) << 3;
        QTest::newRow("ratio 2") << QSize(448, 448) << QSize(224, 224) << 3;
        QTest::newRow("one pixel less") << QSize(225, 225) << QSize(224, 224) << 3;
        QTest::newRow("aspect kept, 1536 x 192") << QSize(1536, 192) << QSize(448, 56) << 3;
        QTest::newRow("grey, odd sizes") << QSize(301, 517) << QSize(97, 131) << 1;
        QTest::newRow("same size") << QSize(50, 40) << QSize(50, 40) << 3;
    }

    void matchesOpenCvAreaResize()
    {
        QFETCH(QSize, source);
        QFETCH(QSize, target);
        QFETCH(int, channels);
        cv::Mat image(source.height(), source.width(), CV_8UC(channels));
        cv::RNG random(5);
        random.fill(image, cv::RNG::UNIFORM, 0, 256);
        // Smooth regions as well as noise, as in photographs of parts.
        cv::rectangle(image, cv::Rect(0, 0, source.width() / 2, source.height() / 3), cv::Scalar::all(200), cv::FILLED);
        cv::Mat expected;
        cv::resize(image, expected, cv::Size(target.width(), target.height()), 0, 0, cv::INTER_AREA);
        const cv::Mat actual = shrinkByArea(image, cv::Size(target.width(), target.height()));
        QCOMPARE(actual.size(), expected.size());
        QCOMPARE(actual.type(), expected.type());
        cv::Mat difference;
        cv::absdiff(actual, expected, difference);
        QCOMPARE(cv::countNonZero(difference.reshape(1)), 0);
    }

    void growingIsRejected()
    {
        const cv::Mat image(10, 10, CV_8UC3, cv::Scalar::all(0));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, shrinkByArea(image, cv::Size(11, 10)));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, shrinkByArea(cv::Mat(10, 10, CV_32FC1), cv::Size(5, 5)));
    }
};

QTEST_APPLESS_MAIN(TestAreaResize)
#include "test_area_resize.moc"
