#include "scoring/NearestPatch.h"

#include <QtTest>

#include <cmath>
#include <random>

using namespace patchead;

namespace {

FeatureMap unitVectors(const std::vector<std::vector<float>> &vectors)
{
    FeatureMap map(1, static_cast<int>(vectors.size()), static_cast<int>(vectors.front().size()));
    for (std::size_t i = 0; i < vectors.size(); ++i) {
        double norm = 0.0;
        for (float v : vectors[i])
            norm += v * v;
        for (std::size_t c = 0; c < vectors[i].size(); ++c)
            map.data[i * vectors[i].size() + c] = static_cast<float>(vectors[i][c] / std::sqrt(norm));
    }
    return map;
}

FeatureMap randomUnitVectors(int count, int channels, unsigned seed)
{
    std::mt19937 generator(seed);
    std::normal_distribution<float> normal;
    std::vector<std::vector<float>> vectors(static_cast<std::size_t>(count), std::vector<float>(static_cast<std::size_t>(channels)));
    for (auto &vector : vectors)
        for (float &v : vector)
            v = normal(generator);
    return unitVectors(vectors);
}

} // namespace

class TestNearestPatch : public QObject {
    Q_OBJECT

private slots:
    void identicalPatchScoresZero()
    {
        MemoryBank bank;
        bank.add(unitVectors({{1, 0}, {0, 1}}), 0);
        const std::vector<float> scores = nearestPatchScores(unitVectors({{1, 0}, {0, 1}}), bank);
        QCOMPARE(scores[0], 0.0f);
        QCOMPARE(scores[1], 0.0f);
    }

    void oppositePatchScoresOne()
    {
        MemoryBank bank;
        bank.add(unitVectors({{1, 0}}), 0);
        QCOMPARE(nearestPatchScores(unitVectors({{-1, 0}}), bank)[0], 1.0f);
    }

    void orthogonalPatchScoresHalf()
    {
        MemoryBank bank;
        bank.add(unitVectors({{1, 0}}), 0);
        QCOMPARE(nearestPatchScores(unitVectors({{0, 1}}), bank)[0], 0.5f);
    }

    void nearestOfSeveralWins()
    {
        MemoryBank bank;
        bank.add(unitVectors({{1, 0}, {1, 1}}), 0);
        // cos 45 degrees to (1, 1) beats cos 90 degrees to (1, 0).
        const float expected = static_cast<float>((1.0 - std::sqrt(0.5)) / 2.0);
        QVERIFY(std::abs(nearestPatchScores(unitVectors({{0, 1}}), bank)[0] - expected) < 1e-6f);
    }

    void excludedSourceIsSkipped()
    {
        MemoryBank bank;
        bank.add(unitVectors({{1, 0}}), 0);
        bank.add(unitVectors({{0, 1}}), 1);
        const FeatureMap query = unitVectors({{1, 0}});
        QCOMPARE(nearestPatchScores(query, bank, -1)[0], 0.0f);
        QCOMPARE(nearestPatchScores(query, bank, 0)[0], 0.5f);
    }

    void everythingExcludedScoresOne()
    {
        MemoryBank bank;
        bank.add(unitVectors({{1, 0}}), 0);
        QCOMPARE(nearestPatchScores(unitVectors({{1, 0}}), bank, 0)[0], 1.0f);
    }

    void tilesMatchBruteForce_data()
    {
        QTest::addColumn<int>("queryTile");
        QTest::addColumn<int>("bankTile");
        QTest::newRow("one tile") << 4096 << 8192;
        QTest::newRow("uneven tiles") << 7 << 13;
        QTest::newRow("single rows") << 1 << 1;
    }

    void tilesMatchBruteForce()
    {
        QFETCH(int, queryTile);
        QFETCH(int, bankTile);
        const FeatureMap references = randomUnitVectors(300, 24, 1);
        const FeatureMap queries = randomUnitVectors(50, 24, 2);
        MemoryBank bank;
        bank.add(references, 0);
        const std::vector<float> scores = nearestPatchScores(queries, bank, -1, NearestPatchOptions{queryTile, bankTile});
        for (int q = 0; q < queries.patchCount(); ++q) {
            double best = -2.0;
            for (int r = 0; r < references.patchCount(); ++r) {
                double dot = 0.0;
                for (int c = 0; c < 24; ++c)
                    dot += static_cast<double>(queries.patch(q)[c]) * references.patch(r)[c];
                best = std::max(best, dot);
            }
            QVERIFY2(std::abs(scores[static_cast<std::size_t>(q)] - (1.0 - best) / 2.0) < 1e-6,
                     qPrintable(QStringLiteral("query %1").arg(q)));
        }
    }

    void channelMismatchIsRejected()
    {
        MemoryBank bank;
        bank.add(unitVectors({{1, 0}}), 0);
        QVERIFY_THROWS_EXCEPTION(std::exception, nearestPatchScores(unitVectors({{1, 0, 0}}), bank));
        QVERIFY_THROWS_EXCEPTION(std::exception, bank.add(unitVectors({{1, 0, 0}}), 1));
    }

    void emptyBankIsRejected()
    {
        MemoryBank bank(2);
        QVERIFY_THROWS_EXCEPTION(std::exception, nearestPatchScores(unitVectors({{1, 0}}), bank));
    }
};

QTEST_APPLESS_MAIN(TestNearestPatch)
#include "test_nearest_patch.moc"
