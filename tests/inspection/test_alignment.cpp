#include "EncoderFixture.h"

#include "imaging/ImageLoader.h"
#include "inspection/Alignment.h"
#include "inspection/LotInspection.h"
#include "inspection/PartScorer.h"
#include "synthetic/SampleLot.h"

#include <QtTest>

using namespace patchead;

namespace {

std::vector<float> unit(std::initializer_list<float> values)
{
    return std::vector<float>(values);
}

} // namespace

class TestAlignment : public QObject {
    Q_OBJECT

private slots:
    void rotate90IsExact()
    {
        cv::Mat image = (cv::Mat_<uchar>(2, 3) << 1, 2, 3, 4, 5, 6);
        const cv::Mat rotated = applyTransform(image, {90, false});
        QCOMPARE(rotated.rows, 3);
        QCOMPARE(rotated.cols, 2);
        // Counter-clockwise: the top row's last element moves to the top left.
        QCOMPARE(rotated.at<uchar>(0, 0), uchar(3));
        QCOMPARE(rotated.at<uchar>(2, 1), uchar(4));
    }

    void mirrorFlipsColumns()
    {
        cv::Mat image = (cv::Mat_<uchar>(1, 3) << 1, 2, 3);
        const cv::Mat mirrored = applyTransform(image, {0, true});
        QCOMPARE(mirrored.at<uchar>(0, 0), uchar(3));
        QCOMPARE(mirrored.at<uchar>(0, 2), uchar(1));
    }

    void candidatesFollowSettings_data()
    {
        QTest::addColumn<int>("mode");
        QTest::addColumn<int>("step");
        QTest::addColumn<bool>("flips");
        QTest::addColumn<int>("expected");
        QTest::newRow("off") << int(AlignmentMode::Off) << 45 << true << 1;
        QTest::newRow("45 with flips") << int(AlignmentMode::Auto) << 45 << true << 16;
        QTest::newRow("90 without flips") << int(AlignmentMode::Always) << 90 << false << 4;
    }

    void candidatesFollowSettings()
    {
        QFETCH(int, mode);
        QFETCH(int, step);
        QFETCH(bool, flips);
        QFETCH(int, expected);
        AlignmentSettings settings;
        settings.mode = static_cast<AlignmentMode>(mode);
        settings.rotationStepDegrees = step;
        settings.allowFlips = flips;
        const auto candidates = candidateTransforms(settings);
        QCOMPARE(int(candidates.size()), expected);
        QVERIFY(candidates.front().isIdentity());
    }

    void autoAllowsRotationWhenCopiesLookAlike()
    {
        AlignmentSettings settings;
        settings.rotationStepDegrees = 90;
        settings.allowFlips = false;
        const auto candidates = candidateTransforms(settings);
        // Two references whose rotated copies embed like the originals.
        const std::vector<std::vector<std::vector<float>>> embeddings{
            {unit({1, 0}), unit({1, 0}), unit({1, 0}), unit({1, 0})},
            {unit({1, 0.1f}), unit({1, 0.1f}), unit({1, 0.1f}), unit({1, 0.1f})}};
        const AlignmentDecision decision = decideAlignment(embeddings, candidates, settings);
        QVERIFY(decision.rotationsAllowed);
        QCOMPARE(int(decision.transforms.size()), 4);
    }

    void autoRejectsRotationWhenCopiesDiffer()
    {
        AlignmentSettings settings;
        settings.rotationStepDegrees = 90;
        settings.allowFlips = false;
        const auto candidates = candidateTransforms(settings);
        const std::vector<std::vector<std::vector<float>>> embeddings{
            {unit({1, 0}), unit({0, 1}), unit({0, 1}), unit({0, 1})},
            {unit({1, 0}), unit({0, 1}), unit({0, 1}), unit({0, 1})}};
        const AlignmentDecision decision = decideAlignment(embeddings, candidates, settings);
        QVERIFY(!decision.rotationsAllowed);
        QCOMPARE(int(decision.transforms.size()), 1);
        QVERIFY(decision.mu > decision.muRotation);
    }

    void autoWithOneReferenceAddsNothing()
    {
        AlignmentSettings settings;
        const auto candidates = candidateTransforms(settings);
        const std::vector<std::vector<std::vector<float>>> embeddings{
            std::vector<std::vector<float>>(candidates.size(), unit({1, 0}))};
        QCOMPARE(int(decideAlignment(embeddings, candidates, settings).transforms.size()), 1);
    }

    // A stage that silently did nothing would leave the two scores equal.
    void rotatedCopiesLowerRotatedPartScore()
    {
        QString why;
        std::unique_ptr<Encoder> encoder = testing::loadDefaultEncoder(why);
        if (!encoder)
            QSKIP(qPrintable(why));
        QTemporaryDir dir;
        SampleLotOptions options;
        options.imageSize = 256;
        options.referenceCount = 4;
        options.extraReferenceCount = 0;
        options.goodParts = 1;
        options.defectiveParts = 0;
        const SampleLotSummary sample = generateSampleLot(dir.path(), options);
        const QStringList references = LotInspection::listImages(sample.trainGoodDir);
        const cv::Mat part = loadImage(LotInspection::listImages(sample.lotDir).front()).rgb;
        // A quarter turn plus a shift off the symmetric pose.
        const cv::Mat rotated = applyTransform(part, {90, false});

        InspectionSettings plain;
        plain.alignment.mode = AlignmentMode::Off;
        InspectionSettings aligned;
        aligned.alignment.mode = AlignmentMode::Always;
        aligned.alignment.rotationStepDegrees = 90;
        aligned.alignment.allowFlips = false;

        FeatureExtractor extractor(*encoder, plain);
        const ReferenceSet plainSet = ReferenceSet::build(extractor, references, plain);
        const ReferenceSet alignedSet = ReferenceSet::build(extractor, references, aligned);
        QCOMPARE(alignedSet.bank().size(), 4 * plainSet.bank().size());
        const double plainScore = scorePartImage(extractor, plainSet, rotated, plain).imageScore;
        const double alignedScore = scorePartImage(extractor, alignedSet, rotated, aligned).imageScore;
        qInfo("rotated part: %.5f without copies, %.5f with copies", plainScore, alignedScore);
        QVERIFY(alignedScore < plainScore);
    }
};

QTEST_GUILESS_MAIN(TestAlignment)
#include "test_alignment.moc"
