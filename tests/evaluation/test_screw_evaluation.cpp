// 8-shot evaluation on the MVTec AD screw category, when the data set is
// present beside the project. The floors are far above what a broken
// pipeline reaches (0.5 image AUROC is chance) and below the measured
// values in docs/benchmarks.md, which vary by up to 0.09 between seeds.
#include "EncoderFixture.h"

#include "dataset/MvtecLayout.h"
#include "evaluation/Evaluation.h"

#include <QtTest>

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
        FeatureExtractor extractor(*encoder, request.settings);
        const EvaluationResult result = evaluateCategory(extractor, request);

        qInfo("screw 8-shot seed 0: image AUROC %.3f, pixel AUROC %.3f, AUPRO %.3f, %.3f s per image",
              result.imageAuroc, result.pixel.auroc, result.pixel.aupro, result.secondsPerImage);
        QCOMPARE(int(result.images.size()), 160);
        QVERIFY2(result.imageAuroc >= 0.60, qPrintable(QString::number(result.imageAuroc)));
        QVERIFY2(result.pixel.auroc >= 0.93, qPrintable(QString::number(result.pixel.auroc)));
        QVERIFY2(result.pixel.aupro >= 0.75, qPrintable(QString::number(result.pixel.aupro)));
    }
};

QTEST_GUILESS_MAIN(TestScrewEvaluation)
#include "test_screw_evaluation.moc"
