// Tests of the mask preview's core functions on hand-made patch features:
// the preview follows the inspection's foreground rules, including the cut
// of the PCA mask by the user's regions.

#include "common/Error.h"
#include "inspection/MaskPreview.h"
#include "inspection/PartScorer.h"

#include <QTest>

using namespace patchead;

namespace {

// A 16 x 16 grid whose central 8 x 8 patches point one way and the rest
// another. On smaller grids the PCA mask's dilation and closing reach the
// border and make every patch foreground.
ImageFeatures centredPart()
{
    ImageFeatures features;
    features.patches = FeatureMap(16, 16, 4);
    for (int y = 0; y < 16; ++y) {
        for (int x = 0; x < 16; ++x) {
            const bool centre = x >= 4 && x < 12 && y >= 4 && y < 12;
            float *patch = features.patches.patch(y, x);
            patch[centre ? 0 : 1] = 1.0f;
            patch[2] = 0.01f * static_cast<float>((x * 7 + y * 3) % 5); // small spread
        }
    }
    features.inputSize = cv::Size(128, 128);
    return features;
}

} // namespace

class TestMaskPreviewCore : public QObject {
    Q_OBJECT

private slots:
    void noMaskIsAllForeground()
    {
        const MaskPreview preview = computeMaskPreview(centredPart(), MaskSettings());
        QCOMPARE(preview.foreground.width, 16);
        QCOMPARE(preview.foreground.height, 16);
        QCOMPARE(preview.foregroundShare, 1.0);
        for (float weight : preview.weights.values)
            QCOMPARE(weight, 1.0f);
    }

    void pcaFindsCentre()
    {
        MaskSettings mask;
        mask.source = MaskSource::Pca;
        mask.backgroundWeight = 0.25;
        const MaskPreview preview = computeMaskPreview(centredPart(), mask);
        QCOMPARE(preview.foreground.at(8, 8), 1.0f);
        QCOMPARE(preview.foreground.at(0, 0), 0.0f);
        QCOMPARE(preview.foreground.at(15, 15), 0.0f);
        QCOMPARE(preview.weights.at(0, 0), 0.25f);
        QCOMPARE(preview.weights.at(8, 8), 1.0f);
        QVERIFY(preview.foregroundShare > 0.2 && preview.foregroundShare < 0.7);
    }

    void regionsCutPcaMask()
    {
        MaskSettings mask;
        mask.source = MaskSource::Pca;
        mask.regionOfInterest = QRectF(0.0, 0.0, 0.5, 1.0); // left half
        mask.ignoreRegions = {QRectF(0.25, 0.25, 0.0625, 0.0625)}; // patch (4, 4)
        const MaskPreview preview = computeMaskPreview(centredPart(), mask);
        QCOMPARE(preview.foreground.at(6, 6), 1.0f);
        QCOMPARE(preview.foreground.at(4, 4), 0.0f);
        for (int y = 0; y < 16; ++y) {
            for (int x = 8; x < 16; ++x)
                QCOMPARE(preview.foreground.at(y, x), 0.0f);
        }
        // The inspection uses the same foreground.
        QCOMPARE(foregroundFor(centredPart(), mask).values, preview.foreground.values);
    }

    void attentionWithoutGridRejected()
    {
        MaskSettings mask;
        mask.source = MaskSource::Attention;
        QVERIFY_THROWS_EXCEPTION(SettingsError, computeMaskPreview(centredPart(), mask));
    }
};

QTEST_MAIN(TestMaskPreviewCore)
#include "test_mask_preview_core.moc"
