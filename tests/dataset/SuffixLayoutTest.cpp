#include "TestImages.h"
#include "common/Error.h"
#include "dataset/SuffixLayout.h"

#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

using namespace patchead;
using namespace patchead::test;

// Suffix layout reader on folders generated in a temporary directory.
class SuffixLayoutTest : public QObject {
    Q_OBJECT

private slots:
    void init();
    void readsLayout();
    void masksInGoodFolderSkipped();
    void trainFoldersOptional();
    void orphanMaskWarned();
    void emptySuffixRejected();
    void noTestFoldersRejected();
    void missingFolderNamed();
    void missingMaskNamed();
    void duplicateMaskRejected();
    void emptyDefectFolderNamed();

private:
    SuffixLayout layout() const;
    QString path(const QString &relativePath) const { return mTemp->filePath(relativePath); }
    void writeImages(const QStringList &relativePaths);
    QString readError(const SuffixLayout &description);

    std::unique_ptr<QTemporaryDir> mTemp;
};

void SuffixLayoutTest::writeImages(const QStringList &relativePaths)
{
    for (const QString &relativePath : relativePaths)
        QVERIFY2(writeTestImage(mTemp->path(), relativePath), qPrintable(relativePath));
}

QString SuffixLayoutTest::readError(const SuffixLayout &description)
{
    try {
        readSuffixLayout(description);
    } catch (const Error &error) {
        return error.message();
    }
    return QString();
}

SuffixLayout SuffixLayoutTest::layout() const
{
    SuffixLayout description;
    description.name = QStringLiteral("tiles");
    description.trainGoodFolders = {path(QStringLiteral("train"))};
    description.testGoodFolders = {path(QStringLiteral("good"))};
    description.defectFolders = {path(QStringLiteral("crack")), path(QStringLiteral("blowhole"))};
    description.maskSuffix = QStringLiteral("_label");
    return description;
}

// JPEG images with PNG masks beside them, as several surface-defect sets ship.
void SuffixLayoutTest::init()
{
    mTemp = std::make_unique<QTemporaryDir>();
    QVERIFY(mTemp->isValid());
    writeImages({"train/t1.jpg", "train/t0.jpg", "good/g0.jpg", "good/g1.jpg", "crack/c0.jpg",
                 "crack/c0_label.png", "crack/c1.jpg", "crack/c1_label.png", "blowhole/b0.jpg",
                 "blowhole/b0_label.png"});
}

void SuffixLayoutTest::readsLayout()
{
    const DatasetCategory category = readSuffixLayout(layout());
    QCOMPARE(category.name, QStringLiteral("tiles"));
    QCOMPARE(category.trainImages, QStringList({path("train/t0.jpg"), path("train/t1.jpg")}));
    QCOMPARE(category.normalCount(), 2);
    QCOMPARE(category.anomalousCount(), 3);
    QCOMPARE(category.defectTypes(), QStringList({"blowhole", "crack"}));

    const TestSample &first = category.testSamples.front();
    QCOMPARE(first.imagePath, path("blowhole/b0.jpg"));
    QCOMPARE(first.maskPath, path("blowhole/b0_label.png"));
    QVERIFY(first.anomalous);
    const TestSample &last = category.testSamples.back();
    QCOMPARE(last.imagePath, path("good/g1.jpg"));
    QCOMPARE(last.defectType, QStringLiteral("good"));
    QVERIFY(last.maskPath.isEmpty());
}

void SuffixLayoutTest::masksInGoodFolderSkipped()
{
    writeImages({"good/g0_label.png"});
    QCOMPARE(readSuffixLayout(layout()).normalCount(), 2);
}

void SuffixLayoutTest::trainFoldersOptional()
{
    SuffixLayout description = layout();
    description.trainGoodFolders.clear();
    QVERIFY(readSuffixLayout(description).trainImages.isEmpty());
}

void SuffixLayoutTest::orphanMaskWarned()
{
    writeImages({"crack/c9_label.png"});
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("1 masks without a matching image")));
    QCOMPARE(readSuffixLayout(layout()).anomalousCount(), 3);
}

void SuffixLayoutTest::emptySuffixRejected()
{
    SuffixLayout description = layout();
    description.maskSuffix.clear();
    QVERIFY_THROWS_EXCEPTION(SettingsError, readSuffixLayout(description));
}

void SuffixLayoutTest::noTestFoldersRejected()
{
    SuffixLayout description = layout();
    description.testGoodFolders.clear();
    description.defectFolders.clear();
    QVERIFY_THROWS_EXCEPTION(SettingsError, readSuffixLayout(description));
}

void SuffixLayoutTest::missingFolderNamed()
{
    SuffixLayout description = layout();
    description.testGoodFolders.append(path(QStringLiteral("absent")));
    const QString message = readError(description);
    QVERIFY2(message.contains(QStringLiteral("test good folder")), qPrintable(message));
    QVERIFY2(message.contains(path(QStringLiteral("absent")) + QStringLiteral(" not found")), qPrintable(message));
}

void SuffixLayoutTest::missingMaskNamed()
{
    writeImages({"crack/c2.jpg"});
    const QString message = readError(layout());
    QVERIFY2(message.contains(path(QStringLiteral("crack/c2.jpg")) + QStringLiteral(" has no mask")),
             qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("c2_label")), qPrintable(message));
}

void SuffixLayoutTest::duplicateMaskRejected()
{
    writeImages({"crack/c1_label.bmp"});
    const QString message = readError(layout());
    QVERIFY2(message.contains(QStringLiteral("has 2 masks")), qPrintable(message));
}

void SuffixLayoutTest::emptyDefectFolderNamed()
{
    QVERIFY(QDir().mkpath(path(QStringLiteral("scratch"))));
    writeImages({"scratch/s0_label.png"});
    SuffixLayout description = layout();
    description.defectFolders.append(path(QStringLiteral("scratch")));
    const QString message = readError(description);
    QVERIFY2(message.contains(QStringLiteral("defect folder")), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("contains no images")), qPrintable(message));
}

QTEST_GUILESS_MAIN(SuffixLayoutTest)
#include "SuffixLayoutTest.moc"
