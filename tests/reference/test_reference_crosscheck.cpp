// Scores the same images with the C++ core and with the independent Python
// reference (tools/reference/patchead_reference.py), both following
// docs/scoring-contract.md, and requires every patch score, image score,
// leave-one-out score, threshold, normalised score and downsized anomaly map
// value to agree within 1e-4.

#include "common/Error.h"
#include "encoder/Encoder.h"
#include "imaging/ImageLoader.h"
#include "inspection/FeatureExtractor.h"
#include "inspection/PartScorer.h"
#include "inspection/ReferenceSet.h"
#include "scoring/AnomalyMap.h"
#include "scoring/Threshold.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <cblas.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>
#include <memory>

using namespace patchead;

Q_DECLARE_METATYPE(patchead::InspectionSettings)

namespace {

constexpr double kTolerance = 1e-4;
constexpr int kMapSide = 64;
constexpr int kPythonTimeoutMs = 600'000;
const QString kPython = QStringLiteral("/usr/bin/python3");

// The largest absolute difference seen for one kind of value, and where.
struct LargestDifference {
    double value = 0.0;
    QString where = QStringLiteral("(no values)");
    int count = 0;

    void update(double core, double reference, const QString &location)
    {
        ++count;
        double difference = std::abs(core - reference);
        if (std::isnan(difference))
            difference = INFINITY; // a NaN on either side fails the check
        if (count == 1 || difference > value) {
            value = difference;
            where = QStringLiteral("%1 (core %2, reference %3)")
                        .arg(location).arg(core, 0, 'g', 9).arg(reference, 0, 'g', 9);
        }
    }

    QString describe(const QString &quantity) const
    {
        return QStringLiteral("%1: largest difference %2 over %3 values at %4")
            .arg(quantity).arg(value, 0, 'g', 3).arg(count).arg(where);
    }
};

QString imageScoreArgument(ImageScoreRule rule)
{
    return rule == ImageScoreRule::Max ? QStringLiteral("max") : QStringLiteral("top-fraction-mean");
}

// Command-line options of the Python reference for the same settings.
QStringList referenceArguments(const InspectionSettings &settings)
{
    QStringList arguments;
    if (!settings.layers.isEmpty())
        arguments << QStringLiteral("--layers") << settings.layers;
    arguments << QStringLiteral("--resolution") << QString::number(settings.resolution)
              << QStringLiteral("--neighbourhood") << QString::number(settings.features.neighbourhood)
              << QStringLiteral("--image-score") << imageScoreArgument(settings.imageScore.rule)
              << QStringLiteral("--top-fraction") << QString::number(settings.imageScore.topFraction, 'g', 17)
              << QStringLiteral("--alignment") << alignmentModeName(settings.alignment.mode)
              << QStringLiteral("--rotation-step") << QString::number(settings.alignment.rotationStepDegrees)
              << QStringLiteral("--sigma") << QString::number(settings.mapSigma, 'g', 17)
              << QStringLiteral("--reject-margin") << QString::number(settings.threshold.rejectMargin, 'g', 17)
              << QStringLiteral("--map-size") << QString::number(kMapSide);
    if (!settings.alignment.allowFlips)
        arguments << QStringLiteral("--no-flips");
    return arguments;
}

QJsonArray toJsonArray(const float *values, std::size_t count)
{
    QJsonArray array;
    for (std::size_t i = 0; i < count; ++i)
        array.append(static_cast<double>(values[i]));
    return array;
}

// Scores with the core API and returns the same JSON fields the Python
// reference writes.
QJsonObject scoreWithCore(Encoder &encoder, const QStringList &references, const QStringList &images,
                          const InspectionSettings &settings)
{
    FeatureExtractor extractor(encoder, settings);
    const ReferenceSet set = ReferenceSet::build(extractor, references, settings);
    if (!set.rejected().empty())
        throw SettingsError(QStringLiteral("reference %1 was rejected: %2")
                                .arg(set.rejected().front().path, set.rejected().front().reason));

    QJsonArray referenceResults;
    const std::vector<double> leaveOneOut = set.leaveOneOutScores();
    for (std::size_t i = 0; i < set.images().size(); ++i) {
        referenceResults.append(QJsonObject{
            {QStringLiteral("path"), set.images()[i].path},
            {QStringLiteral("leave_one_out_score"), i < leaveOneOut.size() ? QJsonValue(leaveOneOut[i]) : QJsonValue()}});
    }

    const Thresholds thresholds = set.thresholds(settings);
    QJsonArray imageResults;
    for (const QString &path : images) {
        const LoadedImage loaded = loadImage(path);
        const PartScore score = scorePartImage(extractor, set, loaded.rgb, settings);
        const cv::Mat map = renderAnomalyMap(score.patchScores, score.inputSize, settings.mapSigma, loaded.rgb.size());
        cv::Mat smallMap;
        cv::resize(map, smallMap, cv::Size(kMapSide, kMapSide), 0, 0, cv::INTER_AREA);
        imageResults.append(QJsonObject{
            {QStringLiteral("path"), path},
            {QStringLiteral("width"), loaded.rgb.cols},
            {QStringLiteral("height"), loaded.rgb.rows},
            {QStringLiteral("image_score"), score.imageScore},
            {QStringLiteral("normalised_score"), normalisedScore(score.imageScore, thresholds.reject)},
            {QStringLiteral("grid_height"), score.patchScores.height},
            {QStringLiteral("grid_width"), score.patchScores.width},
            {QStringLiteral("patch_scores"), toJsonArray(score.patchScores.values.data(), score.patchScores.values.size())},
            {QStringLiteral("map_width"), smallMap.cols},
            {QStringLiteral("map_height"), smallMap.rows},
            {QStringLiteral("map"), toJsonArray(smallMap.ptr<float>(), smallMap.total())}});
    }
    return QJsonObject{{QStringLiteral("implementation"), QStringLiteral("cpp-core")},
                       {QStringLiteral("settings"), settings.toJson()},
                       {QStringLiteral("alignment"), set.alignment().toJson()},
                       {QStringLiteral("bank_patches"), set.bank().size()},
                       {QStringLiteral("review_threshold"), thresholds.review},
                       {QStringLiteral("reject_threshold"), thresholds.reject},
                       {QStringLiteral("references"), referenceResults},
                       {QStringLiteral("images"), imageResults}};
}

bool writeJson(const QString &path, const QJsonObject &object)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return false;
    return file.write(QJsonDocument(object).toJson(QJsonDocument::Compact)) > 0;
}

QJsonObject readJson(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

// Draws a coloured round part with a hole and a tab on a striped, noisy
// background, in OpenCV's BGR order. `variant` shifts the part and changes
// the noise. A defect adds a scratch and a dark spot.
cv::Mat drawPart(int width, int height, int variant, bool defect)
{
    cv::RNG rng(static_cast<uint64>(1000 + variant));
    cv::Mat image(height, width, CV_8UC3, cv::Scalar(70, 60, 40));
    for (int x = 0; x < width; x += 10)
        cv::line(image, cv::Point(x, 0), cv::Point(x, height - 1), cv::Scalar(90, 75, 50), 3);
    cv::Mat noise(image.size(), CV_8UC3);
    rng.fill(noise, cv::RNG::UNIFORM, 0, 16);
    image += noise;

    const cv::Point centre(width / 2 + rng.uniform(-4, 5), height / 2 + rng.uniform(-4, 5));
    const int radius = std::min(width, height) * 3 / 10;
    cv::circle(image, centre, radius, cv::Scalar(60, 170, 210), cv::FILLED, cv::LINE_AA);
    cv::circle(image, centre, radius / 3, cv::Scalar(25, 25, 30), cv::FILLED, cv::LINE_AA);
    cv::rectangle(image, centre + cv::Point(radius - 4, -7), centre + cv::Point(radius + 22, 7),
                  cv::Scalar(170, 160, 160), cv::FILLED);
    for (int i = 0; i < 6; ++i) {
        const double angle = CV_PI * i / 3.0;
        const cv::Point bolt(centre.x + static_cast<int>(0.65 * radius * std::cos(angle)),
                             centre.y + static_cast<int>(0.65 * radius * std::sin(angle)));
        cv::circle(image, bolt, 4, cv::Scalar(110, 110, 120), cv::FILLED, cv::LINE_AA);
    }
    if (defect) {
        cv::line(image, centre + cv::Point(-radius / 2, -radius / 3), centre + cv::Point(radius / 3, radius / 2),
                 cv::Scalar(245, 245, 250), 2, cv::LINE_AA);
        cv::circle(image, centre + cv::Point(radius / 2, -radius / 2), 6, cv::Scalar(20, 40, 30), cv::FILLED);
    }
    return image;
}

// Writes an image file and returns its path; throws when OpenCV cannot.
QString writeImage(const QString &folder, const QString &name, const cv::Mat &image)
{
    const QString path = QDir(folder).filePath(name);
    if (!cv::imwrite(path.toStdString(), image))
        throw ImageError(path, QStringLiteral("cv::imwrite failed"));
    return path;
}

} // namespace

class TestReferenceCrossCheck : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void screwAgrees_data();
    void screwAgrees();
    void generatedImagesAgree_data();
    void generatedImagesAgree();

private:
    void writeGeneratedImages();
    void crossCheck(const QStringList &references, const QStringList &images);
    void compareResults(const QJsonObject &core, const QJsonObject &reference);

    QTemporaryDir mWorkDir;
    std::unique_ptr<Encoder> mEncoder;
    QStringList mGeneratedReferences;
    QStringList mGeneratedImages;
};

void TestReferenceCrossCheck::initTestCase()
{
    QString modelDir = qEnvironmentVariable("PATCHEAD_MODEL_DIR");
    if (modelDir.isEmpty())
        modelDir = QStringLiteral(PATCHEAD_BINARY_DIR "/models");
    const QString manifest = QDir(modelDir).filePath(QStringLiteral("mobilenet_v2/manifest.json"));
    if (!QFileInfo::exists(manifest))
        QSKIP(qPrintable(QStringLiteral("default encoder not prepared (%1 is missing); run "
                                        "models/prepare-default-encoder.sh %2").arg(manifest, modelDir)));

    QProcess probe;
    probe.start(kPython, {QStringLiteral("-c"), QStringLiteral("import torch, numpy, cv2")});
    if (!probe.waitForFinished(120'000) || probe.exitStatus() != QProcess::NormalExit || probe.exitCode() != 0)
        QSKIP(qPrintable(QStringLiteral("%1 cannot import torch, numpy and cv2 (Debian: apt-get install "
                                        "python3-torch python3-opencv)").arg(kPython)));

    QVERIFY2(mWorkDir.isValid(), qPrintable(mWorkDir.errorString()));
    // One thread on each side keeps the run time predictable on a loaded
    // machine: with two threads on 2 busy cores (AMD EPYC VM), both sides ran
    // more than ten times slower than with one.
    configureTorchThreads(1);
    openblas_set_num_threads(1);
    EncoderOptions options;
    options.device = QStringLiteral("cpu"); // the reference runs on the CPU too
    try {
        mEncoder = loadTorchScriptEncoder(manifest, options);
        writeGeneratedImages();
    } catch (const Error &error) {
        QFAIL(qPrintable(error.message()));
    }
}

// Writes three square references and a non-square one, and test images in
// colour, 8-bit grey, 16-bit grey (non-square) and RGBA.
void TestReferenceCrossCheck::writeGeneratedImages()
{
    const QString folder = mWorkDir.filePath(QStringLiteral("generated"));
    if (!QDir().mkpath(folder))
        throw ImageError(folder, QStringLiteral("cannot create the folder"));
    for (int i = 0; i < 3; ++i)
        mGeneratedReferences << writeImage(folder, QStringLiteral("reference_%1.png").arg(i), drawPart(160, 160, i, false));
    mGeneratedReferences << writeImage(folder, QStringLiteral("reference_3_wide.png"), drawPart(192, 144, 3, false));

    mGeneratedImages << writeImage(folder, QStringLiteral("good.png"), drawPart(160, 160, 4, false));
    mGeneratedImages << writeImage(folder, QStringLiteral("defect.png"), drawPart(160, 160, 5, true));

    cv::Mat grey;
    cv::cvtColor(drawPart(160, 160, 6, true), grey, cv::COLOR_BGR2GRAY);
    mGeneratedImages << writeImage(folder, QStringLiteral("grey.png"), grey);

    cv::Mat grey16;
    cv::cvtColor(drawPart(224, 128, 7, false), grey, cv::COLOR_BGR2GRAY);
    grey.convertTo(grey16, CV_16U, 257.0);
    cv::Mat lowBits(grey16.size(), CV_16U);
    cv::RNG(7).fill(lowBits, cv::RNG::UNIFORM, 0, 200);
    grey16 = grey16 - lowBits; // saturates at 0, and makes round(v / 257) matter
    mGeneratedImages << writeImage(folder, QStringLiteral("grey16_wide.png"), grey16);

    cv::Mat bgra;
    cv::cvtColor(drawPart(160, 160, 8, true), bgra, cv::COLOR_BGR2BGRA);
    for (int y = 0; y < bgra.rows; ++y) {
        for (int x = 0; x < bgra.cols; ++x)
            bgra.at<cv::Vec4b>(y, x)[3] = static_cast<uchar>(120 + (135 * x) / (bgra.cols - 1));
    }
    mGeneratedImages << writeImage(folder, QStringLiteral("rgba.png"), bgra);
}

void TestReferenceCrossCheck::screwAgrees_data()
{
    QTest::addColumn<InspectionSettings>("settings");

    // The default settings at the encoder's own input size, without copies.
    InspectionSettings off;
    off.alignment.mode = AlignmentMode::Off;
    QTest::newRow("alignment off") << off;

    // Every 45-degree rotation (8 copies per reference) at a small input, so
    // that the memory bank stays small. Mirrors run on the generated images.
    InspectionSettings always;
    always.alignment.mode = AlignmentMode::Always;
    always.alignment.rotationStepDegrees = 45;
    always.alignment.allowFlips = false;
    always.resolution = 96;
    QTest::newRow("alignment always") << always;
}

void TestReferenceCrossCheck::screwAgrees()
{
    const QDir screw(QStringLiteral(PATCHEAD_SHARED_DATA_DIR "/mvtec_screw"));
    if (!screw.exists())
        QSKIP("shared MVTec screw data not found next to the project; the generated images still run");
    QStringList references;
    for (int i = 0; i < 4; ++i)
        references << screw.filePath(QStringLiteral("train/good/%1.png").arg(i, 3, 10, QLatin1Char('0')));
    const QStringList images{screw.filePath(QStringLiteral("test/good/000.png")),
                             screw.filePath(QStringLiteral("test/scratch_head/000.png")),
                             screw.filePath(QStringLiteral("test/thread_side/000.png")),
                             screw.filePath(QStringLiteral("test/manipulated_front/000.png"))};
    for (const QString &path : references + images)
        QVERIFY2(QFileInfo::exists(path), qPrintable(QStringLiteral("%1 is missing from the screw data").arg(path)));
    crossCheck(references, images);
}

void TestReferenceCrossCheck::generatedImagesAgree_data()
{
    QTest::addColumn<InspectionSettings>("settings");

    // Three layers of strides 4, 8 and 16 resampled to one grid, a 5 x 5
    // neighbourhood and a narrower map smoothing.
    InspectionSettings layers;
    layers.alignment.mode = AlignmentMode::Off;
    layers.resolution = 128;
    layers.layers = QStringList{QStringLiteral("block_3_expand_relu"), QStringLiteral("block_6_expand_relu"),
                                QStringLiteral("block_9_add")};
    layers.features.neighbourhood = 5;
    layers.mapSigma = 2.0;
    QTest::newRow("alignment off, three layers") << layers;

    // All 16 copies, no neighbourhood average, the max rule, no smoothing.
    InspectionSettings always;
    always.alignment.mode = AlignmentMode::Always;
    always.resolution = 64;
    always.features.neighbourhood = 1;
    always.imageScore.rule = ImageScoreRule::Max;
    always.mapSigma = 0.0;
    QTest::newRow("alignment always, max rule") << always;

    // The auto decision on 90-degree steps: both sides must add the same copies.
    InspectionSettings automatic;
    automatic.alignment.mode = AlignmentMode::Auto;
    automatic.alignment.rotationStepDegrees = 90;
    automatic.resolution = 96;
    QTest::newRow("alignment auto") << automatic;
}

void TestReferenceCrossCheck::generatedImagesAgree()
{
    crossCheck(mGeneratedReferences, mGeneratedImages);
}

void TestReferenceCrossCheck::crossCheck(const QStringList &references, const QStringList &images)
{
    QFETCH(InspectionSettings, settings);
    QString tag = QString::fromLatin1(QTest::currentTestFunction()) + QLatin1Char('_')
                + QString::fromLatin1(QTest::currentDataTag());
    tag.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9]+")), QStringLiteral("_"));
    const QString coreJson = mWorkDir.filePath(tag + QStringLiteral("_core.json"));
    const QString referenceJson = mWorkDir.filePath(tag + QStringLiteral("_reference.json"));

    QElapsedTimer timer;
    timer.start();
    QJsonObject core;
    try {
        core = scoreWithCore(*mEncoder, references, images, settings);
    } catch (const Error &error) {
        QFAIL(qPrintable(QStringLiteral("core scoring failed: %1").arg(error.message())));
    }
    const qint64 coreMs = timer.restart();
    QVERIFY2(writeJson(coreJson, core), qPrintable(QStringLiteral("cannot write %1").arg(coreJson)));

    QStringList arguments{QStringLiteral(PATCHEAD_SOURCE_DIR "/tools/reference/patchead_reference.py"),
                          QStringLiteral("score"),
                          QStringLiteral("--model"), mEncoder->manifest().manifestPath,
                          QStringLiteral("--device"), QStringLiteral("cpu"),
                          QStringLiteral("--threads"), QStringLiteral("1")};
    arguments << referenceArguments(settings);
    arguments << QStringLiteral("--references") << references << QStringLiteral("--images") << images
              << QStringLiteral("--json") << referenceJson;
    QProcess python;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("OMP_NUM_THREADS"), QStringLiteral("1"));
    environment.insert(QStringLiteral("OPENBLAS_NUM_THREADS"), QStringLiteral("1"));
    python.setProcessEnvironment(environment);
    python.setProcessChannelMode(QProcess::MergedChannels);
    python.start(kPython, arguments);
    const bool finished = python.waitForFinished(kPythonTimeoutMs);
    const QString output = QString::fromUtf8(python.readAll()).trimmed();
    if (!finished)
        python.kill();
    QVERIFY2(finished, qPrintable(QStringLiteral("the Python reference timed out after %1 s: %2")
                                      .arg(kPythonTimeoutMs / 1000).arg(output)));
    QVERIFY2(python.exitStatus() == QProcess::NormalExit && python.exitCode() == 0,
             qPrintable(QStringLiteral("the Python reference failed (exit code %1): %2")
                            .arg(python.exitCode()).arg(output)));
    const qint64 referenceMs = timer.elapsed();
    qInfo().noquote() << QStringLiteral("core %1 ms, Python reference %2 ms (including its start-up); %3")
                             .arg(coreMs).arg(referenceMs).arg(output);

    const QJsonObject reference = readJson(referenceJson);
    QVERIFY2(!reference.isEmpty(), qPrintable(QStringLiteral("%1 is missing or not JSON").arg(referenceJson)));
    compareResults(core, reference);
    if (QTest::currentTestFailed()) {
        mWorkDir.setAutoRemove(false);
        qInfo().noquote() << "kept both results for inspection:" << coreJson << referenceJson;
    }
}

void TestReferenceCrossCheck::compareResults(const QJsonObject &core, const QJsonObject &reference)
{
    const QJsonObject coreAlignment = core.value(QStringLiteral("alignment")).toObject();
    const QJsonObject referenceAlignment = reference.value(QStringLiteral("alignment")).toObject();
    QCOMPARE(referenceAlignment.value(QStringLiteral("transforms")).toArray(),
             coreAlignment.value(QStringLiteral("transforms")).toArray());
    QCOMPARE(reference.value(QStringLiteral("bank_patches")).toInt(), core.value(QStringLiteral("bank_patches")).toInt());
    LargestDifference alignment;
    for (const QString &key : {QStringLiteral("mu"), QStringLiteral("mu_rotation"), QStringLiteral("mu_mirror")})
        alignment.update(coreAlignment.value(key).toDouble(), referenceAlignment.value(key).toDouble(), key);

    LargestDifference leaveOneOut;
    const QJsonArray coreReferences = core.value(QStringLiteral("references")).toArray();
    const QJsonArray referenceReferences = reference.value(QStringLiteral("references")).toArray();
    QCOMPARE(referenceReferences.size(), coreReferences.size());
    for (int i = 0; i < coreReferences.size(); ++i) {
        const QJsonValue coreScore = coreReferences[i].toObject().value(QStringLiteral("leave_one_out_score"));
        const QJsonValue referenceScore = referenceReferences[i].toObject().value(QStringLiteral("leave_one_out_score"));
        QVERIFY2(coreScore.isDouble() && referenceScore.isDouble(),
                 qPrintable(QStringLiteral("reference %1 lacks a leave-one-out score").arg(i)));
        leaveOneOut.update(coreScore.toDouble(), referenceScore.toDouble(),
                           coreReferences[i].toObject().value(QStringLiteral("path")).toString());
    }

    LargestDifference thresholds;
    for (const QString &key : {QStringLiteral("review_threshold"), QStringLiteral("reject_threshold")}) {
        QVERIFY2(reference.value(key).isDouble(), qPrintable(QStringLiteral("the reference wrote no %1").arg(key)));
        thresholds.update(core.value(key).toDouble(), reference.value(key).toDouble(), key);
    }

    LargestDifference imageScores;
    LargestDifference normalisedScores;
    LargestDifference patchScores;
    LargestDifference maps;
    const QJsonArray coreImages = core.value(QStringLiteral("images")).toArray();
    const QJsonArray referenceImages = reference.value(QStringLiteral("images")).toArray();
    QCOMPARE(referenceImages.size(), coreImages.size());
    for (int i = 0; i < coreImages.size(); ++i) {
        const QJsonObject c = coreImages[i].toObject();
        const QJsonObject r = referenceImages[i].toObject();
        const QString name = QFileInfo(c.value(QStringLiteral("path")).toString()).fileName();
        QCOMPARE(r.value(QStringLiteral("width")).toInt(), c.value(QStringLiteral("width")).toInt());
        QCOMPARE(r.value(QStringLiteral("height")).toInt(), c.value(QStringLiteral("height")).toInt());
        QCOMPARE(r.value(QStringLiteral("grid_height")).toInt(), c.value(QStringLiteral("grid_height")).toInt());
        QCOMPARE(r.value(QStringLiteral("grid_width")).toInt(), c.value(QStringLiteral("grid_width")).toInt());
        imageScores.update(c.value(QStringLiteral("image_score")).toDouble(),
                           r.value(QStringLiteral("image_score")).toDouble(), name);
        normalisedScores.update(c.value(QStringLiteral("normalised_score")).toDouble(),
                                r.value(QStringLiteral("normalised_score")).toDouble(), name);

        const int gridWidth = c.value(QStringLiteral("grid_width")).toInt();
        const QJsonArray corePatches = c.value(QStringLiteral("patch_scores")).toArray();
        const QJsonArray referencePatches = r.value(QStringLiteral("patch_scores")).toArray();
        QCOMPARE(referencePatches.size(), corePatches.size());
        QCOMPARE(corePatches.size(), gridWidth * c.value(QStringLiteral("grid_height")).toInt());
        for (int p = 0; p < corePatches.size(); ++p) {
            patchScores.update(corePatches[p].toDouble(), referencePatches[p].toDouble(),
                               QStringLiteral("%1 patch (row %2, column %3)").arg(name).arg(p / gridWidth).arg(p % gridWidth));
        }

        const QJsonArray coreMap = c.value(QStringLiteral("map")).toArray();
        const QJsonArray referenceMap = r.value(QStringLiteral("map")).toArray();
        QCOMPARE(referenceMap.size(), coreMap.size());
        QCOMPARE(coreMap.size(), kMapSide * kMapSide);
        for (int p = 0; p < coreMap.size(); ++p) {
            maps.update(coreMap[p].toDouble(), referenceMap[p].toDouble(),
                        QStringLiteral("%1 map pixel (row %2, column %3)").arg(name).arg(p / kMapSide).arg(p % kMapSide));
        }
    }

    qInfo().noquote() << alignment.describe(QStringLiteral("alignment similarities"));
    qInfo().noquote() << leaveOneOut.describe(QStringLiteral("leave-one-out scores"));
    qInfo().noquote() << thresholds.describe(QStringLiteral("thresholds"));
    qInfo().noquote() << imageScores.describe(QStringLiteral("image scores"));
    qInfo().noquote() << normalisedScores.describe(QStringLiteral("normalised scores"));
    qInfo().noquote() << patchScores.describe(QStringLiteral("patch scores"));
    qInfo().noquote() << maps.describe(QStringLiteral("anomaly map (64 x 64)"));
    QVERIFY2(alignment.value <= kTolerance, qPrintable(alignment.describe(QStringLiteral("alignment similarities"))));
    QVERIFY2(leaveOneOut.value <= kTolerance, qPrintable(leaveOneOut.describe(QStringLiteral("leave-one-out scores"))));
    QVERIFY2(thresholds.value <= kTolerance, qPrintable(thresholds.describe(QStringLiteral("thresholds"))));
    QVERIFY2(imageScores.value <= kTolerance, qPrintable(imageScores.describe(QStringLiteral("image scores"))));
    QVERIFY2(normalisedScores.value <= kTolerance,
             qPrintable(normalisedScores.describe(QStringLiteral("normalised scores"))));
    QVERIFY2(patchScores.value <= kTolerance, qPrintable(patchScores.describe(QStringLiteral("patch scores"))));
    QVERIFY2(maps.value <= kTolerance, qPrintable(maps.describe(QStringLiteral("anomaly map (64 x 64)"))));
}

QTEST_GUILESS_MAIN(TestReferenceCrossCheck)
#include "test_reference_crosscheck.moc"
