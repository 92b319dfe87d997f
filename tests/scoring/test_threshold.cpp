#include "scoring/Threshold.h"

#include <QtTest>

using namespace patchead;

namespace {

std::vector<int> outlierIndices(const std::vector<double> &scores)
{
    std::vector<int> indices;
    for (const ReferenceOutlier &outlier : findOutlierReferences(scores))
        indices.push_back(outlier.index);
    return indices;
}

} // namespace

class TestThreshold : public QObject {
    Q_OBJECT

private slots:
    void maximumPlusMargin()
    {
        ThresholdSettings settings;
        settings.rejectMargin = 0.1;
        const Thresholds thresholds = thresholdsFromGoodScores({0.1, 0.3, 0.2}, settings);
        QCOMPARE(thresholds.review, 0.3);
        QVERIFY(qFuzzyCompare(thresholds.reject, 0.33));
        QVERIFY(thresholds.rule.contains(QStringLiteral("3 good samples")));
    }

    void quantileInterpolates()
    {
        QCOMPARE(quantile({1.0, 2.0, 3.0, 4.0, 5.0}, 0.5), 3.0);
        QCOMPARE(quantile({1.0, 2.0}, 0.25), 1.25);
        QCOMPARE(quantile({4.0, 1.0}, 1.0), 4.0);
        QCOMPARE(quantile({7.0}, 0.3), 7.0);
    }

    void needsTwoScores()
    {
        QVERIFY_THROWS_EXCEPTION(std::exception, thresholdsFromGoodScores({0.2}, ThresholdSettings{}));
    }

    void outlierReferenceFound()
    {
        // A blank frame among flange references (scores as in the CLI trial).
        QCOMPARE(outlierIndices({0.050, 0.055, 0.189, 0.060}), std::vector<int>{2});
        const std::vector<ReferenceOutlier> found = findOutlierReferences({0.050, 0.055, 0.189, 0.060});
        QCOMPARE(found.front().score, 0.189);
        QCOMPARE(found.front().othersMedian, 0.055);
        // Good references within a factor 1.3 of each other.
        QVERIFY(outlierIndices({0.070, 0.080, 0.090, 0.085}).empty());
        // Two of three alike: the third is the outlier, not the pair.
        QCOMPARE(outlierIndices({0.1, 0.1, 0.5}), std::vector<int>{2});
        // Copies of one image score 0 and have no outlier.
        QVERIFY(outlierIndices({0.0, 0.0, 0.0}).empty());
        // Two references have no median of the others.
        QVERIFY(outlierIndices({0.05, 0.5}).empty());
    }

    void fixedThresholdsKeepReviewBelowReject()
    {
        const Thresholds withBand = fixedThresholds(0.4, 0.3);
        QCOMPARE(withBand.reject, 0.4);
        QCOMPARE(withBand.review, 0.3);
        const Thresholds withoutBand = fixedThresholds(0.4);
        QCOMPARE(withoutBand.review, 0.4);
        QVERIFY_THROWS_EXCEPTION(std::exception, fixedThresholds(0.0));
    }

    void normalisedScoreIsHalfAtThreshold()
    {
        QCOMPARE(normalisedScore(0.2, 0.2), 0.5);
        QCOMPARE(normalisedScore(0.0, 0.2), 0.0);
        QCOMPARE(normalisedScore(1.0, 0.2), 1.0);
        QCOMPARE(normalisedScore(0.1, 0.2), 0.25);
    }
};

QTEST_APPLESS_MAIN(TestThreshold)
#include "test_threshold.moc"
