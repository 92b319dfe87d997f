// Tests of the synthetic sample lot: layout, determinism, masks and the
// defects themselves, on lots generated into a temporary folder.

#include "common/Error.h"
#include "imaging/ImageLoader.h"
#include "synthetic/SampleLot.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

using namespace patchead;

namespace {

QByteArray readBytes(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

cv::Mat readMask(const QString &path)
{
    const QByteArray bytes = readBytes(path);
    const cv::Mat buffer(1, int(bytes.size()), CV_8UC1, const_cast<char *>(bytes.constData()));
    return bytes.isEmpty() ? cv::Mat() : cv::imdecode(buffer, cv::IMREAD_UNCHANGED);
}

// Relative path -> SHA-256 of every file below `root`.
QMap<QString, QByteArray> fileHashes(const QString &root)
{
    QMap<QString, QByteArray> hashes;
    QDirIterator it(root, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        hashes.insert(QDir(root).relativeFilePath(path),
                      QCryptographicHash::hash(readBytes(path), QCryptographicHash::Sha256));
    }
    return hashes;
}

QStringList filesIn(const QString &folder)
{
    return QDir(folder).entryList(QDir::Files, QDir::Name);
}

// A lot of one good part at 64 px, for the tests of the output folder.
SampleLotOptions tinyLotOptions()
{
    SampleLotOptions options;
    options.imageSize = 64;
    options.goodParts = 1;
    options.defectiveParts = 0;
    return options;
}

// Mean absolute difference over all channels of the pixels where `where` is
// non-zero.
double meanAbsDifference(const cv::Mat &a, const cv::Mat &b, const cv::Mat &where)
{
    cv::Mat difference;
    cv::absdiff(a, b, difference);
    const cv::Scalar mean = cv::mean(difference, where);
    return (mean[0] + mean[1] + mean[2]) / 3.0;
}

} // namespace

class TestSampleLot : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void determinism();
    void layout();
    void labelsFile();
    void masks();
    void defectChangesPixels_data();
    void defectChangesPixels();
    void partsDiffer();
    void loadsWithImageLoader();
    void seedChangesImages();
    void existingLotRejected();
    void overwriteReplaces();
    void overwriteKeepsForeignFiles();
    void overwriteNeedsSampleLabels();
    void overwriteKeepsOtherImages();
    void overwriteKeepsLinkedFolder();
    void invalidOptions_data();
    void invalidOptions();

private:
    QTemporaryDir mDir;
    SampleLotSummary mSummary;
};

void TestSampleLot::initTestCase()
{
    QVERIFY2(mDir.isValid(), qPrintable(mDir.errorString()));
    QElapsedTimer timer;
    timer.start();
    mSummary = generateSampleLot(mDir.filePath("first"));
    qInfo("default sample lot (16 train + 40 test images of 384 x 384): %lld ms on %d threads",
          timer.elapsed(), QThread::idealThreadCount());
}

void TestSampleLot::determinism()
{
    generateSampleLot(mDir.filePath("second"));
    const QMap<QString, QByteArray> first = fileHashes(mDir.filePath("first"));
    const QMap<QString, QByteArray> second = fileHashes(mDir.filePath("second"));
    QCOMPARE(first.keys(), second.keys());
    for (auto it = first.cbegin(); it != first.cend(); ++it)
        QVERIFY2(second.value(it.key()) == it.value(), qPrintable(it.key() + " differs between runs"));
}

void TestSampleLot::layout()
{
    QCOMPARE(mSummary.trainCount, 16);
    QCOMPARE(mSummary.testGoodCount, 24);
    QCOMPARE(mSummary.testDefectiveCount, 16);
    const QString category = mSummary.categoryDir;
    QCOMPARE(filesIn(category + "/train/good").size(), 16);
    QCOMPARE(filesIn(category + "/train/good").first(), QStringLiteral("000.png"));
    QCOMPARE(filesIn(category + "/train/good").last(), QStringLiteral("015.png"));
    QCOMPARE(filesIn(category + "/test/good").size(), 24);

    // Sixteen parts over seven types: the first two types get three each.
    QCOMPARE(mSummary.defectTypes.size(), 7);
    int defective = 0;
    for (const QString &type : mSummary.defectTypes) {
        const QStringList images = filesIn(category + "/test/" + type);
        const QStringList masks = filesIn(category + "/ground_truth/" + type);
        QCOMPARE(masks.size(), images.size());
        QVERIFY2(images.size() == 2 || images.size() == 3, qPrintable(type));
        for (const QString &image : images)
            QVERIFY2(masks.contains(QString(image).replace(".png", "_mask.png")), qPrintable(image));
        defective += int(images.size());
    }
    QCOMPARE(defective, 16);
    QCOMPARE(filesIn(category + "/test/scratch").size(), 3);

    const QStringList lot = filesIn(mSummary.lotDir);
    QCOMPARE(lot.size(), 40);
    QCOMPARE(lot.first(), QStringLiteral("part_001.png"));
    QCOMPARE(lot.last(), QStringLiteral("part_040.png"));
}

void TestSampleLot::labelsFile()
{
    const QStringList lines
        = QString::fromUtf8(readBytes(mSummary.labelsFile)).split('\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 41);
    QCOMPARE(lines.first(), QStringLiteral("part,label,mask,source"));
    QCOMPARE(mSummary.lot.size(), 40);

    int good = 0;
    bool shuffled = false;
    for (int i = 0; i < mSummary.lot.size(); ++i) {
        const SampleLotEntry &entry = mSummary.lot[i];
        QCOMPARE(lines[i + 1],
                 QStringList({entry.partFile, entry.label, entry.maskFile, entry.sourceFile}).join(','));
        const QDir out(mSummary.outputDir);
        QVERIFY2(readBytes(out.filePath(entry.partFile)) == readBytes(out.filePath(entry.sourceFile)),
                 qPrintable(entry.partFile));
        QVERIFY2(entry.sourceFile.contains("/test/" + entry.label + "/"), qPrintable(entry.sourceFile));
        good += entry.label == QLatin1String("good");
        // Good parts were planned first, so a defect among the first 24 shows the shuffle.
        shuffled = shuffled || (i < 24 && entry.label != QLatin1String("good"));
    }
    QCOMPARE(good, 24);
    QVERIFY(shuffled);
}

void TestSampleLot::masks()
{
    const QDir out(mSummary.outputDir);
    for (const SampleLotEntry &entry : mSummary.lot) {
        if (entry.label == QLatin1String("good")) {
            QVERIFY2(entry.maskFile.isEmpty(), qPrintable(entry.partFile));
            continue;
        }
        const cv::Mat mask = readMask(out.filePath(entry.maskFile));
        QVERIFY2(!mask.empty(), qPrintable(entry.maskFile));
        QCOMPARE(mask.type(), CV_8UC1);
        QCOMPARE(mask.size(), cv::Size(384, 384));
        const int marked = cv::countNonZero(mask);
        QVERIFY2(marked >= 20, qPrintable(QStringLiteral("%1: %2 pixels").arg(entry.maskFile).arg(marked)));
        QVERIFY2(marked <= 384 * 384 * 3 / 100,
                 qPrintable(QStringLiteral("%1: %2 pixels").arg(entry.maskFile).arg(marked)));
        QCOMPARE(cv::countNonZero(mask == 255), marked); // binary: only 0 and 255

        // Inside the image: the mask keeps clear of the border, where no part is.
        const cv::Rect box = cv::boundingRect(mask);
        QVERIFY2(box.x > 8 && box.y > 8, qPrintable(entry.maskFile));
        QVERIFY2(box.br().x < 376 && box.br().y < 376, qPrintable(entry.maskFile));
    }
}

void TestSampleLot::defectChangesPixels_data()
{
    QTest::addColumn<int>("type");
    QTest::addColumn<int>("index");
    for (const DefectType type : allDefectTypes()) {
        for (int index = 0; index < 3; ++index) {
            const QString name = QStringLiteral("%1 %2").arg(defectTypeName(type)).arg(index);
            QTest::newRow(qPrintable(name)) << int(type) << index;
        }
    }
}

void TestSampleLot::defectChangesPixels()
{
    QFETCH(int, type);
    QFETCH(int, index);
    SamplePart part = makeSamplePart(99, PartStream::TestDefective, index, DefectType(type));
    const RenderedPart defective = renderSamplePart(part, 384);
    part.defect = DefectType::None;
    const RenderedPart good = renderSamplePart(part, 384);

    QVERIFY(cv::countNonZero(good.mask) == 0);
    const int marked = cv::countNonZero(defective.mask);
    QVERIFY2(marked >= 20, qPrintable(QString::number(marked)));

    const double inside = meanAbsDifference(defective.rgb, good.rgb, defective.mask);
    QVERIFY2(inside >= 15.0, qPrintable(QStringLiteral("mean difference inside the mask %1").arg(inside)));

    cv::Mat outsideMask;
    cv::bitwise_not(defective.mask, outsideMask);
    cv::Mat difference;
    cv::absdiff(defective.rgb, good.rgb, difference);
    std::vector<cv::Mat> channels;
    cv::split(difference, channels);
    cv::Mat largest = cv::max(cv::max(channels[0], channels[1]), channels[2]);
    double maxOutside = 0.0;
    cv::minMaxLoc(largest, nullptr, &maxOutside, nullptr, nullptr, outsideMask);
    QCOMPARE(maxOutside, 0.0);
}

void TestSampleLot::partsDiffer()
{
    const QString folder = mSummary.trainGoodDir;
    const QStringList files = filesIn(folder);
    QVERIFY(files.size() >= 2);
    const cv::Mat all(384, 384, CV_8UC1, cv::Scalar(255));
    for (int i = 0; i + 1 < files.size(); ++i) {
        const LoadedImage a = loadImage(folder + '/' + files[i]);
        const LoadedImage b = loadImage(folder + '/' + files[i + 1]);
        const double difference = meanAbsDifference(a.rgb, b.rgb, all);
        QVERIFY2(
            difference > 3.0,
            qPrintable(QStringLiteral("%1 and %2 differ by %3").arg(files[i], files[i + 1]).arg(difference)));
        QVERIFY2(
            difference < 40.0,
            qPrintable(QStringLiteral("%1 and %2 differ by %3").arg(files[i], files[i + 1]).arg(difference)));
    }
}

void TestSampleLot::loadsWithImageLoader()
{
    const LoadedImage image = loadImage(QDir(mSummary.outputDir).filePath(mSummary.lot.first().partFile));
    QCOMPARE(image.rgb.size(), cv::Size(384, 384));
    QCOMPARE(image.sourceChannels, 3);
    QCOMPARE(image.format, QStringLiteral("png"));
}

void TestSampleLot::seedChangesImages()
{
    SampleLotOptions options;
    options.imageSize = 96;
    options.referenceCount = 1;
    options.extraReferenceCount = 0;
    options.goodParts = 1;
    options.defectiveParts = 1;
    generateSampleLot(mDir.filePath("seed_a"), options);
    options.seed += 1;
    generateSampleLot(mDir.filePath("seed_b"), options);
    const QString image = QStringLiteral("flange/train/good/000.png");
    QVERIFY(!readBytes(QDir(mDir.filePath("seed_a")).filePath(image)).isEmpty());
    QVERIFY(readBytes(QDir(mDir.filePath("seed_a")).filePath(image))
            != readBytes(QDir(mDir.filePath("seed_b")).filePath(image)));
}

void TestSampleLot::existingLotRejected()
{
    SampleLotOptions options;
    options.imageSize = 64;
    options.extraReferenceCount = 0;
    options.goodParts = 1;
    options.defectiveParts = 0;
    const QString folder = mDir.filePath("twice");
    generateSampleLot(folder, options);
    try {
        generateSampleLot(folder, options);
        QFAIL("a second lot was written over the first");
    } catch (const SettingsError &) {
        QFAIL("an existing lot must raise Error, not SettingsError");
    } catch (const Error &error) {
        QVERIFY2(error.message().contains("already"), qPrintable(error.message()));
        QVERIFY2(error.message().contains(folder), qPrintable(error.message()));
        QVERIFY2(error.message().contains("--overwrite"), qPrintable(error.message()));
    }
}

void TestSampleLot::overwriteReplaces()
{
    SampleLotOptions options;
    options.imageSize = 64;
    options.referenceCount = 3;
    options.extraReferenceCount = 0;
    options.goodParts = 2;
    options.defectiveParts = 0;
    const QString folder = mDir.filePath("overwrite");
    generateSampleLot(folder, options);
    options.referenceCount = 1;
    options.overwrite = true;
    generateSampleLot(folder, options);
    QCOMPARE(filesIn(folder + "/flange/train/good").size(), 1); // no stale files from the first lot
}

// A user's file inside a sample's folders would go with --overwrite, so the
// overwrite is refused and the file stays.
void TestSampleLot::overwriteKeepsForeignFiles()
{
    SampleLotOptions options = tinyLotOptions();
    const QString folder = mDir.filePath("foreign");
    generateSampleLot(folder, options);
    const QString notes = QDir(folder).filePath("lot/sub/notes.txt");
    QVERIFY(QDir().mkpath(QFileInfo(notes).absolutePath()));
    QFile file(notes);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("shift notes\n");
    file.close();

    options.overwrite = true;
    try {
        generateSampleLot(folder, options);
        QFAIL("--overwrite deleted a file that make-sample did not write");
    } catch (const Error &error) {
        QVERIFY2(error.message().contains(notes), qPrintable(error.message()));
    }
    QVERIFY(QFileInfo::exists(notes));
    QVERIFY(!filesIn(folder + "/lot").isEmpty());
}

// A folder with a "lot" subfolder but no sample labels is a real lot's
// parent folder, not an earlier sample.
void TestSampleLot::overwriteNeedsSampleLabels()
{
    const QString folder = mDir.filePath("real");
    const QString part = QDir(folder).filePath("lot/part_001.png");
    QVERIFY(QDir().mkpath(QFileInfo(part).absolutePath()));
    QFile file(part);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("\x89PNG\r\n\x1a\n");
    file.close();

    SampleLotOptions options;
    options.imageSize = 64;
    options.overwrite = true;
    try {
        generateSampleLot(folder, options);
        QFAIL("--overwrite deleted a folder without sample labels");
    } catch (const Error &error) {
        QVERIFY2(error.message().contains("contains no sample lot"), qPrintable(error.message()));
    }
    QVERIFY(QFileInfo::exists(part));
}

// A PNG that make-sample would not have named so is the user's.
void TestSampleLot::overwriteKeepsOtherImages()
{
    SampleLotOptions options = tinyLotOptions();
    const QString folder = mDir.filePath("other-images");
    generateSampleLot(folder, options);
    const QString photo = QDir(folder).filePath("lot/user_photo.png");
    QVERIFY(QFile::copy(QDir(folder).filePath("lot/part_001.png"), photo));

    options.overwrite = true;
    try {
        generateSampleLot(folder, options);
        QFAIL("--overwrite deleted a PNG that make-sample did not name");
    } catch (const Error &error) {
        QVERIFY2(error.message().contains(photo), qPrintable(error.message()));
    }
    QVERIFY(QFileInfo::exists(photo));
}

// lot/ as a symbolic link to a real lot folder: removing it recursively
// would empty the real folder.
void TestSampleLot::overwriteKeepsLinkedFolder()
{
    SampleLotOptions options = tinyLotOptions();
    const QString folder = mDir.filePath("linked");
    generateSampleLot(folder, options);
    const QString realLot = mDir.filePath("real-lot");
    QVERIFY(QDir().rename(QDir(folder).filePath("lot"), realLot));
    QVERIFY(QFile::link(realLot, QDir(folder).filePath("lot")));
    const int partsBefore = filesIn(realLot).size();
    QVERIFY(partsBefore > 0);

    options.overwrite = true;
    try {
        generateSampleLot(folder, options);
        QFAIL("--overwrite followed a symbolic link");
    } catch (const Error &error) {
        QVERIFY2(error.message().contains(QDir(folder).filePath("lot")), qPrintable(error.message()));
    }
    QCOMPARE(filesIn(realLot).size(), partsBefore);
    QVERIFY(QFileInfo::exists(QDir(folder).filePath("flange")));
}

void TestSampleLot::invalidOptions_data()
{
    QTest::addColumn<int>("imageSize");
    QTest::addColumn<int>("referenceCount");
    QTest::addColumn<QString>("category");
    QTest::addColumn<QString>("messageWord");

    QTest::newRow("tiny image") << 16 << 8 << "flange"
                                << "image size";
    QTest::newRow("no references") << 384 << 0 << "flange"
                                   << "referenceCount";
    QTest::newRow("slash in category") << 384 << 8 << "a/b"
                                       << "category";
    QTest::newRow("reserved category") << 384 << 8 << "lot"
                                       << "reserved";
}

void TestSampleLot::invalidOptions()
{
    QFETCH(int, imageSize);
    QFETCH(int, referenceCount);
    QFETCH(QString, category);
    QFETCH(QString, messageWord);
    SampleLotOptions options;
    options.imageSize = imageSize;
    options.referenceCount = referenceCount;
    options.categoryName = category;
    try {
        generateSampleLot(mDir.filePath("invalid"), options);
        QFAIL("invalid options were accepted");
    } catch (const SettingsError &error) {
        QVERIFY2(error.message().contains(messageWord), qPrintable(error.message()));
    }
    QVERIFY(!QFileInfo::exists(mDir.filePath("invalid")));
}

QTEST_GUILESS_MAIN(TestSampleLot)
#include "test_sample_lot.moc"
