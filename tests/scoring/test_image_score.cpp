#include "scoring/ImageScore.h"

#include <QtTest>

using namespace patchead;

class TestImageScore : public QObject {
    Q_OBJECT

private slots:
    void topFractionMean_data()
    {
        QTest::addColumn<int>("patches");
        QTest::addColumn<double>("fraction");
        QTest::addColumn<double>("expected");
        // Scores are 1 .. N; the top k average to N - (k - 1) / 2.
        QTest::newRow("99 patches keep one") << 99 << 0.01 << 99.0;
        QTest::newRow("100 patches keep one") << 100 << 0.01 << 100.0;
        QTest::newRow("250 patches keep two") << 250 << 0.01 << 249.5;
        QTest::newRow("784 patches keep seven") << 784 << 0.01 << 781.0;
        QTest::newRow("fraction one is the mean") << 10 << 1.0 << 5.5;
    }

    void topFractionMean()
    {
        QFETCH(int, patches);
        QFETCH(double, fraction);
        QFETCH(double, expected);
        std::vector<float> scores;
        for (int i = patches; i >= 1; --i)
            scores.push_back(static_cast<float>(i));
        ImageScoreSettings settings;
        settings.topFraction = fraction;
        QCOMPARE(imageScore(scores, settings), expected);
    }

    void maxRule()
    {
        ImageScoreSettings settings;
        settings.rule = ImageScoreRule::Max;
        QCOMPARE(imageScore({0.1f, 0.7f, 0.3f}, settings), double(0.7f));
    }

    void rejectsEmptyAndBadFraction()
    {
        QVERIFY_THROWS_EXCEPTION(std::exception, imageScore({}, ImageScoreSettings{}));
        ImageScoreSettings settings;
        settings.topFraction = 0.0;
        QVERIFY_THROWS_EXCEPTION(std::exception, imageScore({1.0f}, settings));
    }

    void ruleNamesRoundTrip()
    {
        QCOMPARE(imageScoreRuleFromName(imageScoreRuleName(ImageScoreRule::Max)), ImageScoreRule::Max);
        QCOMPARE(imageScoreRuleFromName(imageScoreRuleName(ImageScoreRule::TopFractionMean)),
                 ImageScoreRule::TopFractionMean);
        QVERIFY_THROWS_EXCEPTION(std::exception, imageScoreRuleFromName(QStringLiteral("median")));
    }
};

QTEST_APPLESS_MAIN(TestImageScore)
#include "test_image_score.moc"
