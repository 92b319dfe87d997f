#include "scoring/ConeBoundSearch.h"
#include "scoring/FusedMaxSimilarity.h"
#include "scoring/NearestPatch.h"
#include "scoring/PatchPartition.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>

using namespace patchead;

namespace {

float *row(FeatureMap &map, int index)
{
    return map.data.data() + static_cast<std::size_t>(index) * map.channels;
}

void normaliseRows(FeatureMap &map)
{
    for (int p = 0; p < map.patchCount(); ++p) {
        float *x = row(map, p);
        double norm = 0.0;
        for (int c = 0; c < map.channels; ++c)
            norm += static_cast<double>(x[c]) * x[c];
        for (int c = 0; c < map.channels; ++c)
            x[c] = static_cast<float>(x[c] / std::sqrt(norm));
    }
}

// Unit patches scattered around `clusters` random directions, as patches of
// one part type are: most lie near a few kinds of surface. spread = 0 puts
// every patch on its centre; large spreads give uniform random directions.
FeatureMap clusteredPatches(int count, int channels, int clusters, float spread, unsigned seed)
{
    std::mt19937 generator(seed);
    std::normal_distribution<float> normal;
    std::mt19937 centreGenerator(1234); // the same centres for bank and queries
    std::vector<float> centres(static_cast<std::size_t>(clusters) * channels);
    for (float &value : centres)
        value = normal(centreGenerator);
    FeatureMap map(1, count, channels);
    for (int p = 0; p < count; ++p) {
        const float *centre = centres.data() + static_cast<std::size_t>(p % clusters) * channels;
        for (int c = 0; c < channels; ++c)
            row(map, p)[c] = centre[c] + spread * normal(generator);
    }
    normaliseRows(map);
    return map;
}

std::vector<float> fusedMaxima(const FeatureMap &queries, const MemoryBank &bank)
{
    std::vector<float> maxima(static_cast<std::size_t>(queries.patchCount()));
    fusedMaxSimilarity(queries.data.data(), queries.patchCount(), bank, 1, maxima.data());
    return maxima;
}

std::vector<float> coneMaxima(const FeatureMap &queries, const MemoryBank &bank, int threads,
                              ConeSearchStats *stats = nullptr, int gridWidth = 0)
{
    std::vector<float> maxima(static_cast<std::size_t>(queries.patchCount()), -5.0f);
    coneBoundMaxSimilarity(queries.data.data(), queries.patchCount(), *bank.searchIndex(), threads, maxima.data(),
                           stats, gridWidth);
    return maxima;
}

} // namespace

class TestConeBoundSearch : public QObject {
    Q_OBJECT

private slots:
    void init()
    {
        if (!panelKernelsAvailableForTest())
            QSKIP("This CPU lacks AVX2 or FMA, so the search uses the sgemm tiles.");
    }

    // Counts around the 6-query blocks and 16-patch groups, clustered and
    // uniform patches, one and two threads, queries blocked by a tree (grid
    // width 0) or as a grid. The values must equal the fused kernel's bit for
    // bit: a skipped group may not hold any maximum.
    void equalsFusedKernel_data()
    {
        QTest::addColumn<int>("queries");
        QTest::addColumn<int>("bankPatches");
        QTest::addColumn<int>("channels");
        QTest::addColumn<float>("spread");
        QTest::addColumn<int>("threads");
        QTest::addColumn<int>("gridWidth");
        QTest::newRow("one query, one patch") << 1 << 1 << 3 << 0.3f << 1 << 0;
        QTest::newRow("partial block and group") << 5 << 15 << 3 << 0.3f << 1 << 0;
        QTest::newRow("one past a block and group") << 7 << 17 << 56 << 0.3f << 2 << 0;
        QTest::newRow("fewer groups than seeds") << 12 << 40 << 8 << 0.5f << 1 << 0;
        QTest::newRow("default part shape, clustered") << 784 << 6272 << 56 << 0.3f << 2 << 0;
        QTest::newRow("default part shape as a grid") << 784 << 6272 << 56 << 0.3f << 2 << 28;
        QTest::newRow("grid with partial edge blocks") << 35 << 300 << 56 << 0.3f << 1 << 7;
        QTest::newRow("one-row grid") << 5 << 40 << 8 << 0.3f << 1 << 5;
        QTest::newRow("width not dividing the count") << 50 << 300 << 16 << 0.3f << 1 << 7;
        QTest::newRow("tight clusters") << 300 << 2000 << 56 << 0.05f << 1 << 0;
        QTest::newRow("uniform directions") << 200 << 1000 << 56 << 100.0f << 2 << 20;
        QTest::newRow("more threads than blocks") << 9 << 100 << 24 << 0.3f << 8 << 0;
    }

    void equalsFusedKernel()
    {
        QFETCH(int, queries);
        QFETCH(int, bankPatches);
        QFETCH(int, channels);
        QFETCH(float, spread);
        QFETCH(int, threads);
        QFETCH(int, gridWidth);
        MemoryBank bank;
        bank.add(clusteredPatches(bankPatches, channels, 40, spread, 1), 0);
        bank.buildSearchIndex();
        const FeatureMap probes = clusteredPatches(queries, channels, 40, spread, 2);
        const std::vector<float> expected = fusedMaxima(probes, bank);
        const std::vector<float> actual = coneMaxima(probes, bank, threads, nullptr, gridWidth);
        for (int q = 0; q < queries; ++q) {
            const auto i = static_cast<std::size_t>(q);
            QVERIFY2(actual[i] == expected[i],
                     qPrintable(QStringLiteral("query %1: %2 against %3").arg(q).arg(actual[i]).arg(expected[i])));
        }
    }

    // Patches near 40 directions: most groups lie far from a query's own
    // direction and must be skipped, else the index does no good.
    void clusteredBankSkipsMostGroups()
    {
        MemoryBank bank;
        bank.add(clusteredPatches(6272, 56, 40, 0.3f, 1), 0);
        bank.buildSearchIndex();
        ConeSearchStats stats;
        coneMaxima(clusteredPatches(784, 56, 40, 0.3f, 2), bank, 1, &stats);
        QCOMPARE(stats.groupsTotal, static_cast<std::int64_t>(131 * 392));
        QVERIFY2(stats.groupsSearched * 4 < stats.groupsTotal,
                 qPrintable(QStringLiteral("%1 of %2 searched").arg(stats.groupsSearched).arg(stats.groupsTotal)));
    }

    // A query or bank patch that is not unit length breaks the cone bound,
    // so its block or group is searched in full and the result stays exact.
    void nonUnitPatchesStayExact()
    {
        FeatureMap references = clusteredPatches(500, 16, 10, 0.3f, 1);
        std::fill(row(references, 17), row(references, 18), 0.0f);
        for (int c = 0; c < 16; ++c)
            row(references, 300)[c] *= 3.0f;
        MemoryBank bank;
        bank.add(references, 0);
        bank.buildSearchIndex();
        FeatureMap probes = clusteredPatches(60, 16, 10, 0.3f, 2);
        for (int c = 0; c < 16; ++c) {
            row(probes, 4)[c] *= 0.5f;
            row(probes, 40)[c] = 0.0f;
        }
        const std::vector<float> expected = fusedMaxima(probes, bank);
        const std::vector<float> actual = coneMaxima(probes, bank, 1);
        for (std::size_t i = 0; i < actual.size(); ++i)
            QCOMPARE(actual[i], expected[i]);
    }

    void nearestPatchScoresUseTheIndex()
    {
        MemoryBank bank;
        bank.add(clusteredPatches(1000, 56, 20, 0.3f, 1), 0);
        const FeatureMap probes = clusteredPatches(100, 56, 20, 0.3f, 2);
        NearestPatchOptions everyPair;
        everyPair.coneBounds = false;
        const std::vector<float> full = nearestPatchScores(probes, bank, -1, everyPair);
        bank.buildSearchIndex();
        QVERIFY(bank.searchIndex() != nullptr);
        QCOMPARE(nearestPatchScores(probes, bank), full);
    }

    void addingPatchesDropsTheIndex()
    {
        MemoryBank bank;
        bank.add(clusteredPatches(100, 8, 5, 0.3f, 1), 0);
        bank.buildSearchIndex();
        bank.add(clusteredPatches(100, 8, 5, 0.3f, 2), 1);
        QVERIFY(bank.searchIndex() == nullptr);
        // Without the index the search still covers the new patches.
        FeatureMap probe(1, 1, 8);
        std::copy(bank.patch(150), bank.patch(151), probe.data.begin());
        QVERIFY(std::abs(nearestPatchScores(probe, bank)[0]) < 1e-6f);
    }

    void partitionIsAPermutationOfTightRuns()
    {
        // 20 well-separated clusters of exactly 16 patches, shuffled.
        const FeatureMap patches = clusteredPatches(320, 32, 20, 0.02f, 3);
        const std::vector<int> order = similarPatchOrder(patches.data.data(), 320, 32, 16, 3);
        QCOMPARE(std::set<int>(order.begin(), order.end()).size(), std::size_t(320));
        for (int run = 0; run < 20; ++run) {
            std::set<int> clusters;
            for (int i = 0; i < 16; ++i)
                clusters.insert(order[static_cast<std::size_t>(run * 16 + i)] % 20);
            QVERIFY2(clusters.size() == 1, qPrintable(QStringLiteral("run %1 mixes %2 clusters").arg(run).arg(clusters.size())));
        }
        QCOMPARE(similarPatchOrder(patches.data.data(), 320, 32, 16, 3), order);
    }

    void partitionOfAnyCountIsAPermutation()
    {
        const FeatureMap patches = clusteredPatches(100, 8, 7, 0.5f, 4);
        const std::vector<int> order = similarPatchOrder(patches.data.data(), 100, 8, 6, 2);
        QCOMPARE(std::set<int>(order.begin(), order.end()).size(), std::size_t(100));
        QVERIFY(similarPatchOrder(patches.data.data(), 0, 8, 6, 2).empty());
    }

private:
    static bool panelKernelsAvailableForTest() { return fusedMaxSimilarityAvailable(); }
};

QTEST_APPLESS_MAIN(TestConeBoundSearch)
#include "test_cone_bound_search.moc"
