#include "scoring/FusedMaxSimilarity.h"
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

// Largest inner product of each query with any reference, in double precision.
std::vector<double> bruteForceMaxima(const FeatureMap &queries, const FeatureMap &references)
{
    std::vector<double> maxima;
    for (int q = 0; q < queries.patchCount(); ++q) {
        double best = -2.0;
        for (int r = 0; r < references.patchCount(); ++r) {
            double dot = 0.0;
            for (int c = 0; c < queries.channels; ++c)
                dot += static_cast<double>(queries.patch(q)[c]) * references.patch(r)[c];
            best = std::max(best, dot);
        }
        maxima.push_back(best);
    }
    return maxima;
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
        const NearestPatchOptions sgemmTiles{queryTile, bankTile, false};
        const std::vector<float> scores = nearestPatchScores(queries, bank, -1, sgemmTiles);
        const std::vector<double> best = bruteForceMaxima(queries, references);
        for (int q = 0; q < queries.patchCount(); ++q) {
            const auto i = static_cast<std::size_t>(q);
            QVERIFY2(std::abs(scores[i] - (1.0 - best[i]) / 2.0) < 1e-6, qPrintable(QStringLiteral("query %1").arg(q)));
        }
    }

    // Counts and channels around the kernel's 6-query blocks, 16-patch panels
    // and per-thread bank chunks.
    void fusedKernelMatchesBruteForce_data()
    {
        QTest::addColumn<int>("queries");
        QTest::addColumn<int>("bankPatches");
        QTest::addColumn<int>("channels");
        QTest::addColumn<int>("threads");
        QTest::newRow("one query, one patch") << 1 << 1 << 1 << 1;
        QTest::newRow("partial block and panel") << 5 << 15 << 3 << 2;
        QTest::newRow("whole blocks and panels") << 12 << 32 << 56 << 2;
        QTest::newRow("one past a block and panel") << 7 << 17 << 56 << 1;
        QTest::newRow("default part shape") << 784 << 3000 << 56 << 2;
        QTest::newRow("several chunks per thread") << 40 << 5000 << 100 << 2;
        QTest::newRow("more threads than chunks") << 9 << 20 << 8 << 8;
    }

    void fusedKernelMatchesBruteForce()
    {
        QFETCH(int, queries);
        QFETCH(int, bankPatches);
        QFETCH(int, channels);
        QFETCH(int, threads);
        if (!fusedMaxSimilarityAvailable())
            QSKIP("This CPU lacks AVX2 or FMA, so the search uses the sgemm tiles.");
        const FeatureMap references = randomUnitVectors(bankPatches, channels, 3);
        const FeatureMap probes = randomUnitVectors(queries, channels, 4);
        MemoryBank bank;
        bank.add(references, 0);
        std::vector<float> maxima(static_cast<std::size_t>(queries));
        fusedMaxSimilarity(probes.data.data(), queries, bank, threads, maxima.data());
        const std::vector<double> best = bruteForceMaxima(probes, references);
        for (int q = 0; q < queries; ++q) {
            const auto i = static_cast<std::size_t>(q);
            QVERIFY2(std::abs(maxima[i] - best[i]) < 1e-5, qPrintable(QStringLiteral("query %1").arg(q)));
        }
    }

    void fusedKernelFindsIdenticalPatch()
    {
        if (!fusedMaxSimilarityAvailable())
            QSKIP("This CPU lacks AVX2 or FMA, so the search uses the sgemm tiles.");
        const FeatureMap references = randomUnitVectors(100, 56, 5);
        MemoryBank bank;
        bank.add(references, 0);
        // The queries are bank patches 90 to 99, so each must find itself.
        FeatureMap queries(1, 10, 56);
        std::copy(references.patch(90), references.patch(100), queries.data.begin());
        const std::vector<float> scores = nearestPatchScores(queries, bank);
        for (const float score : scores)
            QVERIFY(std::abs(score) < 1e-6f);
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
