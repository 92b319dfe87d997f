#include "MetricFixtures.h"
#include "metrics/RankingMetrics.h"

#include <cmath>
#include <limits>

using namespace patchead;
using namespace patchead::test;

// Image-level metrics against scikit-learn 1.2 values from
// tests/fixtures/metrics/image_metrics.json.
class RankingMetricsTest : public QObject {
    Q_OBJECT

private slots:
    void fixtureCase_data();
    void fixtureCase();
    void rocCurveFixture_data();
    void rocCurveFixture();
    void halfCreditForTies();
    void f1PicksLowestTiedThreshold();
    void sizeMismatchRejected();
    void noSamplesRejected();
    void invalidLabelRejected();
    void nonFiniteScoreRejected_data();
    void nonFiniteScoreRejected();
    void missingClassNamed();

private:
    static constexpr double kTolerance = 1e-9;
};

namespace {

void addFixtureRows()
{
    QTest::addColumn<QJsonObject>("fixture");
    const QJsonArray cases = loadMetricFixture(QStringLiteral("image_metrics.json"))["cases"].toArray();
    QVERIFY2(!cases.isEmpty(), "image_metrics.json has no cases");
    for (const QJsonValue &value : cases) {
        const QJsonObject fixture = value.toObject();
        QTest::newRow(qPrintable(fixture["name"].toString())) << fixture;
    }
}

} // namespace

void RankingMetricsTest::fixtureCase_data()
{
    addFixtureRows();
}

// A null expected value means the metric is undefined and must throw.
void RankingMetricsTest::fixtureCase()
{
    QFETCH(QJsonObject, fixture);
    const std::vector<double> scores = toDoubles(fixture["scores"].toArray());
    const std::vector<int> labels = toInts(fixture["labels"].toArray());

    if (fixture["rocAuc"].isNull()) {
        QVERIFY_THROWS_EXCEPTION(SettingsError, rocAuc(scores, labels));
    } else {
        COMPARE_NEAR(rocAuc(scores, labels), fixture["rocAuc"].toDouble(), kTolerance);
    }

    if (fixture["averagePrecision"].isNull()) {
        QVERIFY_THROWS_EXCEPTION(SettingsError, averagePrecision(scores, labels));
    } else {
        COMPARE_NEAR(averagePrecision(scores, labels), fixture["averagePrecision"].toDouble(), kTolerance);
    }

    if (fixture["f1Max"].isNull()) {
        QVERIFY_THROWS_EXCEPTION(SettingsError, f1Max(scores, labels));
        return;
    }
    const QJsonObject expected = fixture["f1Max"].toObject();
    const F1Max best = f1Max(scores, labels);
    COMPARE_NEAR(best.f1, expected["f1"].toDouble(), kTolerance);
    QCOMPARE(best.threshold, expected["threshold"].toDouble());
    COMPARE_NEAR(best.precision, expected["precision"].toDouble(), kTolerance);
    COMPARE_NEAR(best.recall, expected["recall"].toDouble(), kTolerance);
}

void RankingMetricsTest::rocCurveFixture_data()
{
    addFixtureRows();
}

void RankingMetricsTest::rocCurveFixture()
{
    QFETCH(QJsonObject, fixture);
    const std::vector<double> scores = toDoubles(fixture["scores"].toArray());
    const std::vector<int> labels = toInts(fixture["labels"].toArray());
    if (fixture["roc"].isNull()) {
        QVERIFY_THROWS_EXCEPTION(SettingsError, rocCurve(scores, labels));
        return;
    }
    const QJsonObject expected = fixture["roc"].toObject();
    const std::vector<double> fpr = toDoubles(expected["fpr"].toArray());
    const std::vector<double> tpr = toDoubles(expected["tpr"].toArray());
    const std::vector<double> thresholds = toDoubles(expected["thresholds"].toArray());

    const RocCurve curve = rocCurve(scores, labels);
    QCOMPARE(curve.falsePositiveRates.size(), fpr.size());
    QCOMPARE(curve.truePositiveRates.size(), tpr.size());
    QCOMPARE(curve.thresholds.size(), thresholds.size() + 1);
    QVERIFY(std::isinf(curve.thresholds.front()));
    for (size_t i = 0; i < fpr.size(); ++i) {
        COMPARE_NEAR(curve.falsePositiveRates[i], fpr[i], kTolerance);
        COMPARE_NEAR(curve.truePositiveRates[i], tpr[i], kTolerance);
    }
    for (size_t i = 0; i < thresholds.size(); ++i)
        QCOMPARE(curve.thresholds[i + 1], thresholds[i]);
}

// Worked by hand: the pairs (anomalous, normal) are (0.5, 0.5) tie, (0.5, 0.2)
// win, (0.9, 0.5) win, (0.9, 0.2) win, so AUC = (3 + 0.5) / 4.
void RankingMetricsTest::halfCreditForTies()
{
    COMPARE_NEAR(rocAuc({0.5, 0.9, 0.5, 0.2}, {1, 1, 0, 0}), 0.875, kTolerance);
}

// Thresholds 0.9 (P=1, R=0.5, F1=2/3) and 0.1 (P=0.5, R=1, F1=2/3) tie.
void RankingMetricsTest::f1PicksLowestTiedThreshold()
{
    const F1Max best = f1Max({0.9, 0.1, 0.1, 0.1}, {1, 1, 0, 0});
    COMPARE_NEAR(best.f1, 2.0 / 3.0, kTolerance);
    QCOMPARE(best.threshold, 0.1);
}

void RankingMetricsTest::sizeMismatchRejected()
{
    const QString message = settingsErrorMessage([] { rocAuc({0.1, 0.2, 0.3}, {0, 1}); });
    QVERIFY2(message.contains(QStringLiteral("3 scores but 2 labels")), qPrintable(message));
}

void RankingMetricsTest::noSamplesRejected()
{
    QVERIFY_THROWS_EXCEPTION(SettingsError, rocAuc({}, {}));
    QVERIFY_THROWS_EXCEPTION(SettingsError, averagePrecision({}, {}));
    QVERIFY_THROWS_EXCEPTION(SettingsError, f1Max({}, {}));
    QVERIFY_THROWS_EXCEPTION(SettingsError, rocCurve({}, {}));
}

void RankingMetricsTest::invalidLabelRejected()
{
    const QString message = settingsErrorMessage([] { rocAuc({0.1, 0.2}, {0, 2}); });
    QVERIFY2(message.contains(QStringLiteral("label 2 at index 1")), qPrintable(message));
}

void RankingMetricsTest::nonFiniteScoreRejected_data()
{
    QTest::addColumn<double>("badScore");
    QTest::newRow("nan") << std::numeric_limits<double>::quiet_NaN();
    QTest::newRow("infinity") << std::numeric_limits<double>::infinity();
}

void RankingMetricsTest::nonFiniteScoreRejected()
{
    QFETCH(double, badScore);
    QVERIFY_THROWS_EXCEPTION(SettingsError, rocAuc({0.1, badScore}, {0, 1}));
}

void RankingMetricsTest::missingClassNamed()
{
    const QString noAnomalous = settingsErrorMessage([] { rocAuc({0.1, 0.2}, {0, 0}); });
    QVERIFY2(noAnomalous.contains(QStringLiteral("anomalous class (label 1) is missing")),
             qPrintable(noAnomalous));
    const QString noNormal = settingsErrorMessage([] { rocAuc({0.1, 0.2}, {1, 1}); });
    QVERIFY2(noNormal.contains(QStringLiteral("normal class (label 0) is missing")), qPrintable(noNormal));
    const QString noAnomalousAp = settingsErrorMessage([] { averagePrecision({0.1}, {0}); });
    QVERIFY2(noAnomalousAp.contains(QStringLiteral("anomalous class")), qPrintable(noAnomalousAp));
}

QTEST_APPLESS_MAIN(RankingMetricsTest)
#include "RankingMetricsTest.moc"
