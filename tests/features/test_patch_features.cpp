#include "features/PatchFeatures.h"

#include <QtTest>

#include <cmath>

using namespace patchead;

namespace {

// A one-channel grid whose values are given row by row.
FeatureMap grid(int height, int width, const std::vector<float> &values)
{
    FeatureMap map(height, width, 1);
    map.data = values;
    return map;
}

} // namespace

class TestPatchFeatures : public QObject {
    Q_OBJECT

private slots:
    void neighbourhoodAverageCountsOnlyInside()
    {
        const FeatureMap map = grid(3, 3, {1, 2, 3, 4, 5, 6, 7, 8, 9});
        const FeatureMap averaged = averageNeighbourhood(map, 3);
        // Corner (0,0) averages 1, 2, 4, 5; centre averages all nine.
        QCOMPARE(averaged.patch(0, 0)[0], 3.0f);
        QCOMPARE(averaged.patch(1, 1)[0], 5.0f);
        // Edge (0,1) averages 1, 2, 3, 4, 5, 6.
        QCOMPARE(averaged.patch(0, 1)[0], 3.5f);
    }

    void neighbourhoodOfOneIsIdentity()
    {
        const FeatureMap map = grid(2, 2, {1, 2, 3, 4});
        QCOMPARE(averageNeighbourhood(map, 1).data, map.data);
    }

    void bilinearUpsampleUsesHalfPixelCentres()
    {
        // 1 x 2 -> 1 x 4 along x: sources -0.25 (clamped 0), 0.25, 0.75, 1.25.
        const FeatureMap map = grid(1, 2, {0, 4});
        const FeatureMap up = resampleBilinear(map, 1, 4);
        QCOMPARE(up.patch(0, 0)[0], 0.0f);
        QCOMPARE(up.patch(0, 1)[0], 1.0f);
        QCOMPARE(up.patch(0, 2)[0], 3.0f);
        QCOMPARE(up.patch(0, 3)[0], 4.0f);
    }

    void bilinearDownsampleAveragesPairs()
    {
        // 1 x 4 -> 1 x 2: sources 0.5 and 2.5.
        const FeatureMap map = grid(1, 4, {0, 2, 4, 6});
        const FeatureMap down = resampleBilinear(map, 1, 2);
        QCOMPARE(down.patch(0, 0)[0], 1.0f);
        QCOMPARE(down.patch(0, 1)[0], 5.0f);
    }

    void normaliseGivesUnitLength()
    {
        FeatureMap map(1, 2, 2);
        map.data = {3, 4, 0, 0};
        normalisePatches(map);
        QCOMPARE(map.patch(0, 0)[0], 0.6f);
        QCOMPARE(map.patch(0, 0)[1], 0.8f);
        // A zero vector stays zero instead of becoming NaN.
        QCOMPARE(map.patch(0, 1)[0], 0.0f);
        QVERIFY(!std::isnan(map.patch(0, 1)[1]));
    }

    void combineConcatenatesOnFirstGrid()
    {
        FeatureMap fine(2, 2, 1);
        fine.data = {1, 1, 1, 1};
        FeatureMap coarse(1, 1, 1);
        coarse.data = {1};
        const FeatureMap combined = combineLayers({fine, coarse}, PatchFeatureSettings{1});
        QCOMPARE(combined.height, 2);
        QCOMPARE(combined.width, 2);
        QCOMPARE(combined.channels, 2);
        const float expected = 1.0f / std::sqrt(2.0f);
        for (int i = 0; i < 4; ++i) {
            QCOMPARE(combined.patch(i)[0], expected);
            QCOMPARE(combined.patch(i)[1], expected);
        }
    }

    void combineRejectsNoLayers()
    {
        QVERIFY_THROWS_EXCEPTION(std::exception, combineLayers({}, PatchFeatureSettings{}));
    }
};

QTEST_APPLESS_MAIN(TestPatchFeatures)
#include "test_patch_features.moc"
