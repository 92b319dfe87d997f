// Tests of the reference panel: good samples dropped in from a file manager
// (files and folders), removed with the Delete key, remembered across
// sessions, and the largest leave-one-out score highlighted.

#include "UiTestSupport.h"
#include "ui/ReferencePanel.h"
#include "ui/ReferenceScorer.h"

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QListWidget>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace patchead;
using namespace patchead::ui;
using namespace patchead::uitest;

class TestReferencePanel : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void init();

    void dropOfFilesAddsThumbnails();
    void dropOfFolderAddsItsImages();
    void dropSkipsDuplicatesAndOtherFiles();
    void deleteKeyRemovesSelected();
    void referencesRememberedAcrossSessions();
    void largestLeaveOneOutHighlighted();
    void staleResultIgnored();

private:
    QStringList writeImages(int count, const QString &subfolder = QStringLiteral("refs"));

    std::unique_ptr<QTemporaryDir> mDir;
};

void TestReferencePanel::initTestCase()
{
    isolateSettings();
}

void TestReferencePanel::init()
{
    QSettings().clear();
    mDir = std::make_unique<QTemporaryDir>();
    QVERIFY(mDir->isValid());
}

QStringList TestReferencePanel::writeImages(int count, const QString &subfolder)
{
    return writePartImages(mDir->filePath(subfolder), QStringLiteral("good"), count, 64, 7);
}

void TestReferencePanel::dropOfFilesAddsThumbnails()
{
    const QStringList images = writeImages(3);
    ReferencePanel panel;
    panel.resize(600, 400);
    panel.show();
    QSignalSpy changed(&panel, &ReferencePanel::referencesChanged);

    QVERIFY(dropFiles(panel.listWidget()->viewport(), images));

    QCOMPARE(panel.paths(), images);
    QCOMPARE(panel.listWidget()->count(), 3);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(panel.listWidget()->item(0)->text(), QStringLiteral("good_000.png"));
    for (int row = 0; row < 3; ++row)
        QTRY_VERIFY(panel.listWidget()->item(row)->data(ReferencePanel::ThumbnailRole).toBool());
    QVERIFY(!panel.listWidget()->item(0)->icon().isNull());
}

void TestReferencePanel::dropOfFolderAddsItsImages()
{
    const QStringList images = writeImages(2, QStringLiteral("folder"));
    QFile note(mDir->filePath(QStringLiteral("folder/readme.txt")));
    QVERIFY(note.open(QIODevice::WriteOnly));
    note.write("not an image");
    note.close();
    ReferencePanel panel;

    QVERIFY(dropFiles(&panel, {mDir->filePath(QStringLiteral("folder"))}));

    QCOMPARE(panel.paths(), images);
}

void TestReferencePanel::dropSkipsDuplicatesAndOtherFiles()
{
    const QStringList images = writeImages(2);
    const QString text = mDir->filePath(QStringLiteral("notes.txt"));
    QFile file(text);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();
    ReferencePanel panel;
    QVERIFY(dropFiles(&panel, images));

    QVERIFY(dropFiles(&panel, {images.first(), text}));

    QCOMPARE(panel.paths(), images);
    QVERIFY(panel.statusLabel()->text().contains(QStringLiteral("No new supported images")));
}

void TestReferencePanel::deleteKeyRemovesSelected()
{
    const QStringList images = writeImages(3);
    ReferencePanel panel;
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    panel.addPaths(images);
    panel.listWidget()->setFocus();
    panel.listWidget()->setCurrentRow(1);

    QTest::keyClick(panel.listWidget(), Qt::Key_Delete);

    QCOMPARE(panel.paths(), QStringList({images[0], images[2]}));
    QCOMPARE(QSettings().value(QStringLiteral("references/paths")).toStringList(), panel.paths());
}

void TestReferencePanel::referencesRememberedAcrossSessions()
{
    const QStringList images = writeImages(2);
    {
        ReferencePanel panel;
        panel.addPaths(images);
    }

    ReferencePanel reopened;

    QCOMPARE(reopened.paths(), images);
}

void TestReferencePanel::largestLeaveOneOutHighlighted()
{
    const QStringList images = writeImages(3);
    ReferencePanel panel;
    panel.addPaths(images);
    ReferenceScoreResult result;
    result.requestedPaths = images;
    const double scores[] = {0.08, 0.21, 0.11};
    for (int index = 0; index < 3; ++index) {
        ReferenceImage image;
        image.path = images[index];
        image.leaveOneOutScore = scores[index];
        result.images.push_back(image);
    }
    result.thresholds = Thresholds{0.231, 0.21, QStringLiteral("largest leave-one-out score plus 10 %")};

    panel.setResult(result);

    QCOMPARE(panel.highlightedPath(), images[1]);
    QListWidgetItem *odd = panel.listWidget()->item(1);
    QVERIFY(odd->font().bold());
    QVERIFY(odd->text().contains(QStringLiteral("0.2100")));
    QVERIFY(odd->text().contains(QStringLiteral("highest")));
    QVERIFY(!panel.listWidget()->item(0)->font().bold());
    QCOMPARE(panel.listWidget()->item(0)->data(ReferencePanel::LeaveOneOutRole).toDouble(), 0.08);
    QVERIFY(panel.summaryLabel()->text().contains(QStringLiteral("0.2310")));
}

void TestReferencePanel::staleResultIgnored()
{
    const QStringList images = writeImages(3);
    ReferencePanel panel;
    panel.addPaths(images);
    ReferenceScoreResult result;
    result.requestedPaths = images.mid(0, 2);
    for (int index = 0; index < 2; ++index) {
        ReferenceImage image;
        image.path = images[index];
        image.leaveOneOutScore = 0.1 * (index + 1);
        result.images.push_back(image);
    }

    panel.setResult(result);

    QVERIFY(panel.highlightedPath().isEmpty());
    QVERIFY(!panel.listWidget()->item(0)->data(ReferencePanel::LeaveOneOutRole).isValid());
}

QTEST_MAIN(TestReferencePanel)
#include "test_reference_panel.moc"
