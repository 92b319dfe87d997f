#include "scoring/MutualScoring.h"

#include <QtTest>

#include <cmath>
#include <random>

using namespace patchead;

namespace {

// One image of two 2-D patches given by their angles in degrees.
FeatureMap image(float angleA, float angleB)
{
    FeatureMap map(1, 2, 2);
    const float radians = static_cast<float>(M_PI / 180.0);
    map.data = {std::cos(angleA * radians), std::sin(angleA * radians),
                std::cos(angleB * radians), std::sin(angleB * radians)};
    return map;
}

FeatureMap randomImage(int patches, int channels, std::mt19937 &generator)
{
    std::normal_distribution<float> normal;
    FeatureMap map(1, patches, channels);
    for (float &value : map.data)
        value = normal(generator);
    for (int p = 0; p < patches; ++p) {
        float *x = map.data.data() + static_cast<std::size_t>(p) * channels;
        double norm = 0.0;
        for (int c = 0; c < channels; ++c)
            norm += static_cast<double>(x[c]) * x[c];
        for (int c = 0; c < channels; ++c)
            x[c] = static_cast<float>(x[c] / std::sqrt(norm));
    }
    return map;
}

MemoryBank batchOf(const std::vector<FeatureMap> &images)
{
    MemoryBank bank;
    for (std::size_t i = 0; i < images.size(); ++i)
        bank.add(images[i], static_cast<int>(i));
    return bank;
}

} // namespace

class TestMutualScoring : public QObject {
    Q_OBJECT

private slots:
    void oddPatchScoresHighest()
    {
        // Three good images agree; image 3's second patch points elsewhere.
        const std::vector<FeatureMap> images{image(0, 10), image(0, 10), image(0, 10), image(0, 90)};
        const MemoryBank batch = batchOf(images);
        MutualScoringSettings settings;
        const std::vector<float> good = mutualPatchScores(images[0].data.data(), 2, 0, batch, settings);
        const std::vector<float> odd = mutualPatchScores(images[3].data.data(), 2, 3, batch, settings);
        QCOMPARE(good[0], 0.0f);
        QCOMPARE(odd[0], 0.0f);
        QVERIFY(odd[1] > 0.1f);
        QVERIFY(good[1] < 0.01f);
    }

    void smallestFractionIgnoresRepeatedDefect()
    {
        // The same defect on two of five images: the plain minimum would
        // hide it, the mean over the smallest 60 % does not.
        const std::vector<FeatureMap> images{image(0, 10), image(0, 10), image(0, 10), image(0, 90), image(0, 90)};
        const MemoryBank batch = batchOf(images);
        MutualScoringSettings minimum;
        minimum.smallestFraction = 0.25; // k = 1 of 4 others: the minimum
        MutualScoringSettings fraction;
        fraction.smallestFraction = 0.75; // k = 3 of 4 others
        const float hidden = mutualPatchScores(images[3].data.data(), 2, 3, batch, minimum)[1];
        const float found = mutualPatchScores(images[3].data.data(), 2, 3, batch, fraction)[1];
        QCOMPARE(hidden, 0.0f);
        // Distances to the three good images' nearest patches: 1 - cos(80) each,
        // and 0 to the other defective image; the mean of the smallest three
        // is 2 (1 - cos 80) / 3, halved to the few-shot scale.
        const float expected = static_cast<float>(0.5 * 2.0 * (1.0 - std::cos(80.0 * M_PI / 180.0)) / 3.0);
        QVERIFY2(std::abs(found - expected) < 1e-5f, qPrintable(QStringLiteral("%1 vs %2").arg(found).arg(expected)));
    }

    void pooledQuantileAveragesNearest()
    {
        const std::vector<FeatureMap> images{image(0, 10), image(0, 20), image(0, 30)};
        const MemoryBank batch = batchOf(images);
        MutualScoringSettings settings;
        settings.rule = MutualScoringRule::PooledQuantileMean;
        settings.pooledQuantile = 0.5; // k = ceil(0.5 * 4) = 2 nearest of the pooled 4 patches
        const std::vector<float> scores = mutualPatchScores(images[0].data.data(), 2, 0, batch, settings);
        // Patch at 0 degrees: nearest pooled patches at 0 and 0 degrees.
        QCOMPARE(scores[0], 0.0f);
        // Patch at 10 degrees: nearest at 20 (10 degrees) and 0 or 30 (10 or 20 degrees).
        const float expected = static_cast<float>(0.5 * ((1 - std::cos(10 * M_PI / 180)) + (1 - std::cos(10 * M_PI / 180))) / 2);
        QVERIFY(std::abs(scores[1] - expected) < 1e-5f);
    }

    void perSourceMaximaExcludeTarget()
    {
        const std::vector<FeatureMap> images{image(0, 90), image(0, 45)};
        const MemoryBank batch = batchOf(images);
        const std::vector<float> best = maxCosinePerSource(images[0].data.data(), 2, batch, 0);
        QCOMPARE(best[0], -1.0f); // source 0 excluded
        QCOMPARE(best[1], 1.0f);  // patch 0 vs image 1's 0-degree patch
        QVERIFY(std::abs(best[3] - static_cast<float>(std::cos(45 * M_PI / 180))) < 1e-6f);
    }

    // The register-blocked per-source maxima against the sgemm tiles, on
    // sources of different sizes, one of them added in two runs.
    void perSourceKernelMatchesTiles_data()
    {
        QTest::addColumn<int>("threads");
        QTest::newRow("one thread") << 1;
        QTest::newRow("two threads") << 2;
        QTest::newRow("more threads than sources") << 9;
    }

    void perSourceKernelMatchesTiles()
    {
        QFETCH(int, threads);
        std::mt19937 generator(11);
        MemoryBank batch;
        const int sizes[] = {50, 17, 1, 64, 33};
        for (int s = 0; s < 5; ++s)
            batch.add(randomImage(sizes[s], 56, generator), s);
        batch.add(randomImage(20, 56, generator), 1); // source 1 again, after the others
        const FeatureMap queries = randomImage(23, 56, generator);
        NearestPatchOptions kernel;
        kernel.threads = threads;
        NearestPatchOptions tiles = kernel;
        tiles.fusedKernel = false;
        const std::vector<float> expected = maxCosinePerSource(queries.data.data(), 23, batch, 3, tiles);
        const std::vector<float> actual = maxCosinePerSource(queries.data.data(), 23, batch, 3, kernel);
        QCOMPARE(actual.size(), expected.size());
        for (std::size_t i = 0; i < actual.size(); ++i)
            QVERIFY2(std::abs(actual[i] - expected[i]) < 1e-5f, qPrintable(QStringLiteral("entry %1").arg(i)));
        QCOMPARE(actual[3], -1.0f); // query 0, excluded source 3
    }

    void singleImageIsRejected()
    {
        const std::vector<FeatureMap> images{image(0, 10)};
        const MemoryBank batch = batchOf(images);
        QVERIFY_THROWS_EXCEPTION(std::exception, mutualPatchScores(images[0].data.data(), 2, 0, batch, {}));
    }
};

QTEST_APPLESS_MAIN(TestMutualScoring)
#include "test_mutual_scoring.moc"
