// 8-shot evaluation on the MVTec AD screw category, when the data set is
// present beside the project. The floors are far above what a broken
// pipeline reaches (0.5 image AUROC is chance) and below the measured
// values in docs/benchmarks.md, which vary by up to 0.09 between seeds.
#include "EncoderFixture.h"

#include "dataset/MvtecLayout.h"
#include "evaluation/Evaluation.h"

#include <QTemporaryDir>
#include <QtTest>
#include <opencv2/imgcodecs.hpp>

using namespace patchead;

class TestScrewEvaluation : public QObject {
    Q_OBJECT

private slots:
    void eightShotAboveFloors()
    {
        const QString category = QStringLiteral(PATCHEAD_SHARED_DATA_DIR "/mvtec_screw");
        if (!QFileInfo::exists(category + QStringLiteral("/train/good")))
            QSKIP("MVTec screw data not found beside the project (../shared/data/mvtec_screw)");
        QString why;
        std::unique_ptr<Encoder> encoder = testing::loadDefaultEncoder(why);
        if (!encoder)
            QSKIP(qPrintable(why));

        EvaluationRequest request;
        request.category = readMvtecCategory(category);
        request.shots = 8;
        request.seed = 0;
        request.settings.alignment.mode = AlignmentMode::Always;
        request.settings.alignment.rotationStepDegrees = 90;
        request.settings.alignment.allowFlips = false;
        QTemporaryDir overlays;
        request.overlayFolder = overlays.path();
        request.overlayCount = 2;
        FeatureExtractor extractor(*encoder, request.settings);
        const EvaluationResult result = evaluateCategory(extractor, request);

        qInfo("screw 8-shot seed 0: image AUROC %.3f, pixel AUROC %.3f, AUPRO %.3f, %.3f s per image",
              result.imageAuroc, result.pixel.auroc, result.pixel.aupro, result.secondsPerImage);
        QCOMPARE(int(result.images.size()), 160);
        QVERIFY2(result.imageAuroc >= 0.60, qPrintable(QString::number(result.imageAuroc)));
        QVERIFY2(result.pixel.auroc >= 0.93, qPrintable(QString::number(result.pixel.auroc)));
        QVERIFY2(result.pixel.aupro >= 0.75, qPrintable(QString::number(result.pixel.aupro)));
        checkOverlays(result);
    }

private:
    // Two pictures per kind: the highest-scoring good images and the
    // lowest-scoring defective ones, each image beside its heatmap.
    static void checkOverlays(const EvaluationResult &result)
    {
        QCOMPARE(int(result.overlays.size()), 4);
        double highestGood = -1.0;
        double lowestDefect = 1e30;
        for (const EvaluatedImage &image : result.images) {
            if (image.anomalous)
                lowestDefect = std::min(lowestDefect, image.score);
            else
                highestGood = std::max(highestGood, image.score);
        }
        QCOMPARE(result.overlays[0].score, highestGood);
        QVERIFY(result.overlays[0].kind == QLatin1String("false_positive")
                || result.overlays[0].kind == QLatin1String("highest_good"));
        QCOMPARE(result.overlays[2].score, lowestDefect);
        QVERIFY(result.overlays[2].kind.contains(QLatin1String("defect"))
                || result.overlays[2].kind == QLatin1String("false_negative"));
        for (const EvaluationOverlay &overlay : result.overlays) {
            const cv::Mat picture = cv::imread(overlay.file.toStdString());
            QVERIFY2(!picture.empty(), qPrintable(overlay.file));
            QCOMPARE(picture.cols, 2 * picture.rows); // square screw images side by side
        }
    }
};

QTEST_GUILESS_MAIN(TestScrewEvaluation)
#include "test_screw_evaluation.moc"
