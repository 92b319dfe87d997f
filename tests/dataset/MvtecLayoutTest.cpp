#include "TestImages.h"
#include "common/Error.h"
#include "dataset/MvtecLayout.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace patchead;
using namespace patchead::test;

// MVTec AD layout reader on folders generated in a temporary directory, and
// the counts of the shared MVTec screw copy when it is present.
class MvtecLayoutTest : public QObject {
    Q_OBJECT

private slots:
    void init();
    void listsCompleteCategories();
    void readsCategory();
    void samplesSortedByPath();
    void acceptsUpperCaseExtension();
    void otherNamesViaOptions();
    void missingTrainGoodNamed();
    void emptyTrainGoodNamed();
    void missingTestNamed();
    void missingMaskNamed();
    void missingGroundTruthFolderNamed();
    void duplicateMaskRejected();
    void missingRootRejected();
    void sharedScrewCounts();

private:
    QString categoryPath() const { return mTemp->filePath(QStringLiteral("bottle")); }
    void writeImages(const QStringList &relativePaths);
    QString readError(const MvtecLayoutOptions &options = {});

    std::unique_ptr<QTemporaryDir> mTemp;
};

void MvtecLayoutTest::writeImages(const QStringList &relativePaths)
{
    for (const QString &path : relativePaths)
        QVERIFY2(writeTestImage(mTemp->path(), path), qPrintable(path));
}

QString MvtecLayoutTest::readError(const MvtecLayoutOptions &options)
{
    try {
        readMvtecCategory(categoryPath(), options);
    } catch (const Error &error) {
        return error.message();
    }
    return QString();
}

// A fresh tree per test: category "bottle" with 3 train images, 2 good and
// 3 defective test images in 2 types, plus a category "cable" and a folder
// without test/ that is not a category.
void MvtecLayoutTest::init()
{
    mTemp = std::make_unique<QTemporaryDir>();
    QVERIFY(mTemp->isValid());
    writeImages({"bottle/train/good/000.png", "bottle/train/good/001.png", "bottle/train/good/002.png",
                 "bottle/test/good/000.png", "bottle/test/good/001.png",
                 "bottle/test/broken_large/000.png", "bottle/test/broken_large/001.png",
                 "bottle/test/contamination/000.png",
                 "bottle/ground_truth/broken_large/000_mask.png",
                 "bottle/ground_truth/broken_large/001_mask.png",
                 "bottle/ground_truth/contamination/000_mask.png",
                 "cable/train/good/000.png", "cable/test/good/000.png",
                 "notes/train/good/000.png"});
    QFile readme(mTemp->filePath(QStringLiteral("bottle/test/good/readme.txt")));
    QVERIFY(readme.open(QIODevice::WriteOnly));
}

void MvtecLayoutTest::listsCompleteCategories()
{
    QCOMPARE(listMvtecCategories(mTemp->path()), QStringList({"bottle", "cable"}));
}

void MvtecLayoutTest::readsCategory()
{
    const DatasetCategory category = readMvtecCategory(categoryPath());
    QCOMPARE(category.name, QStringLiteral("bottle"));
    QCOMPARE(category.trainImages.size(), qsizetype(3));
    QCOMPARE(category.normalCount(), 2);
    QCOMPARE(category.anomalousCount(), 3);
    QCOMPARE(category.defectTypes(), QStringList({"broken_large", "contamination"}));

    for (const TestSample &sample : category.testSamples) {
        QCOMPARE(sample.anomalous, sample.defectType != QStringLiteral("good"));
        QCOMPARE(sample.maskPath.isEmpty(), !sample.anomalous);
    }
    const TestSample &first = category.testSamples.front();
    QCOMPARE(first.imagePath, categoryPath() + QStringLiteral("/test/broken_large/000.png"));
    QCOMPARE(first.maskPath, categoryPath() + QStringLiteral("/ground_truth/broken_large/000_mask.png"));
}

void MvtecLayoutTest::samplesSortedByPath()
{
    const DatasetCategory category = readMvtecCategory(categoryPath());
    QStringList paths;
    for (const TestSample &sample : category.testSamples)
        paths.append(sample.imagePath);
    QStringList sorted = paths;
    std::sort(sorted.begin(), sorted.end());
    QCOMPARE(paths, sorted);
    QCOMPARE(category.trainImages.first(), categoryPath() + QStringLiteral("/train/good/000.png"));
}

void MvtecLayoutTest::acceptsUpperCaseExtension()
{
    writeImages({"bottle/train/good/003.PNG"});
    QCOMPARE(readMvtecCategory(categoryPath()).trainImages.size(), qsizetype(4));
}

// A layout with "ok" for good images and masks named like their images.
void MvtecLayoutTest::otherNamesViaOptions()
{
    QVERIFY(QDir(categoryPath()).removeRecursively());
    MvtecLayoutOptions options;
    options.maskSuffix.clear();
    writeImages({"bottle/train/ok/000.png", "bottle/test/ok/000.png", "bottle/test/ko/005.png",
                 "bottle/ground_truth/ko/005.png"});
    options.goodFolder = QStringLiteral("ok");
    const DatasetCategory category = readMvtecCategory(categoryPath(), options);
    QCOMPARE(category.anomalousCount(), 1);
    QCOMPARE(category.testSamples.front().maskPath, categoryPath() + QStringLiteral("/ground_truth/ko/005.png"));
}

void MvtecLayoutTest::missingTrainGoodNamed()
{
    QVERIFY(QDir(categoryPath() + QStringLiteral("/train/good")).removeRecursively());
    const QString message = readError();
    QVERIFY2(message.contains(QStringLiteral("folder train/good not found")), qPrintable(message));
}

void MvtecLayoutTest::emptyTrainGoodNamed()
{
    QVERIFY(QDir(categoryPath() + QStringLiteral("/train/good")).removeRecursively());
    QVERIFY(QDir().mkpath(categoryPath() + QStringLiteral("/train/good")));
    const QString message = readError();
    QVERIFY2(message.contains(QStringLiteral("train/good")), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("contains no images")), qPrintable(message));
}

void MvtecLayoutTest::missingTestNamed()
{
    QVERIFY(QDir(categoryPath() + QStringLiteral("/test")).removeRecursively());
    const QString message = readError();
    QVERIFY2(message.contains(QStringLiteral("folder test not found")), qPrintable(message));
}

void MvtecLayoutTest::missingMaskNamed()
{
    writeImages({"bottle/test/contamination/007.png"});
    const QString message = readError();
    QVERIFY2(message.contains(QStringLiteral("test/contamination/007.png has no mask")), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("ground_truth/contamination/007_mask")), qPrintable(message));
}

void MvtecLayoutTest::missingGroundTruthFolderNamed()
{
    writeImages({"bottle/test/crack/000.png"});
    const QString message = readError();
    QVERIFY2(message.contains(QStringLiteral("folder ground_truth/crack not found")), qPrintable(message));
}

void MvtecLayoutTest::duplicateMaskRejected()
{
    writeImages({"bottle/ground_truth/contamination/000_mask.bmp"});
    const QString message = readError();
    QVERIFY2(message.contains(QStringLiteral("has 2 masks")), qPrintable(message));
}

void MvtecLayoutTest::missingRootRejected()
{
    QVERIFY_THROWS_EXCEPTION(Error, listMvtecCategories(mTemp->filePath(QStringLiteral("absent"))));
    QVERIFY_THROWS_EXCEPTION(Error, readMvtecCategory(mTemp->filePath(QStringLiteral("absent"))));
}

void MvtecLayoutTest::sharedScrewCounts()
{
    const QString root = QStringLiteral(PATCHEAD_SHARED_DATA_DIR);
    const QString screwPath = root + QStringLiteral("/mvtec_screw");
    if (!QFileInfo(screwPath).isDir())
        QSKIP("shared MVTec screw data not found next to the project; skipping the real-layout check");

    QVERIFY(listMvtecCategories(root).contains(QStringLiteral("mvtec_screw")));
    const DatasetCategory screw = readMvtecCategory(screwPath);
    QCOMPARE(screw.trainImages.size(), qsizetype(64));
    QCOMPARE(screw.normalCount(), 41);
    QCOMPARE(screw.anomalousCount(), 119);
    QCOMPARE(screw.defectTypes(), QStringList({"manipulated_front", "scratch_head", "scratch_neck",
                                                "thread_side", "thread_top"}));
    for (const TestSample &sample : screw.testSamples) {
        if (sample.anomalous)
            QVERIFY2(QFileInfo::exists(sample.maskPath), qPrintable(sample.imagePath));
    }
}

QTEST_GUILESS_MAIN(MvtecLayoutTest)
#include "MvtecLayoutTest.moc"
