#include "scoring/ForegroundMask.h"

#include <QtTest>

using namespace patchead;

class TestForegroundMask : public QObject {
    Q_OBJECT

private slots:
    void pcaFindsCentralObject()
    {
        // A 9 x 9 grid: background patches point one way, a central 3 x 3
        // object another.
        FeatureMap map(9, 9, 2);
        for (int y = 0; y < 9; ++y) {
            for (int x = 0; x < 9; ++x) {
                const bool object = y >= 3 && y < 6 && x >= 3 && x < 6;
                map.patch(y, x)[0] = object ? 0.0f : 1.0f;
                map.patch(y, x)[1] = object ? 1.0f : 0.0f;
            }
        }
        const PatchGrid foreground = pcaForeground(map, 0.0);
        QCOMPARE(foreground.at(4, 4), 1.0f);
        QCOMPARE(foreground.at(0, 0), 0.0f);
        QCOMPARE(foreground.at(8, 8), 0.0f);
        // The 3 x 3 dilation grows the object by one patch.
        QCOMPARE(foreground.at(2, 4), 1.0f);
        QCOMPARE(foreground.at(1, 4), 0.0f);
    }

    void attentionThresholdAfterMinMax()
    {
        PatchGrid attention(1, 4);
        attention.values = {0.10f, 0.104f, 0.2f, 0.5f};
        const PatchGrid foreground = attentionForeground(attention, 0.05);
        QCOMPARE(foreground.values, std::vector<float>({0.0f, 0.0f, 1.0f, 1.0f}));
        QVERIFY_THROWS_EXCEPTION(std::exception, attentionForeground(PatchGrid(), 0.05));
    }

    void regionOfInterestAndIgnore()
    {
        MaskSettings settings;
        settings.regionOfInterest = QRectF(0.0, 0.0, 0.5, 1.0); // left half
        settings.ignoreRegions = {QRectF(0.0, 0.0, 0.25, 0.25)}; // top-left corner
        const PatchGrid foreground = regionForeground(settings, 4, 4);
        QCOMPARE(foreground.at(0, 0), 0.0f); // ignored
        QCOMPARE(foreground.at(1, 0), 1.0f);
        QCOMPARE(foreground.at(1, 1), 1.0f);
        QCOMPARE(foreground.at(1, 2), 0.0f); // outside the region of interest
    }

    void weightsDownWeightBackground()
    {
        PatchGrid foreground(1, 2);
        foreground.values = {1.0f, 0.0f};
        const PatchGrid half = maskWeights(foreground, 0.5);
        QCOMPARE(half.values, std::vector<float>({1.0f, 0.5f}));
        const PatchGrid hard = maskWeights(foreground, 0.0);
        QCOMPARE(hard.values, std::vector<float>({1.0f, 0.0f}));
    }

    void sourceNamesRoundTrip()
    {
        for (MaskSource source : {MaskSource::None, MaskSource::Pca, MaskSource::Attention, MaskSource::Region})
            QCOMPARE(maskSourceFromName(maskSourceName(source)), source);
        QVERIFY_THROWS_EXCEPTION(std::exception, maskSourceFromName(QStringLiteral("sam")));
    }
};

QTEST_APPLESS_MAIN(TestForegroundMask)
#include "test_foreground_mask.moc"
