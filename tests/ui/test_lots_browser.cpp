// Tests of the lots browser: every lot of a database with its counts and
// thresholds, reopening a lot for review, the audit log and threshold
// history of the selected lot, and the recent-databases list.

#include "UiTestSupport.h"
#include "ui/AuditView.h"
#include "ui/LotDocument.h"
#include "ui/LotsBrowser.h"
#include "ui/MainWindow.h"

#include <QSettings>
#include <QStandardItemModel>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace patchead;
using namespace patchead::ui;
using namespace patchead::uitest;

class TestLotsBrowser : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void listsEveryLotWithCounts();
    void doubleClickOpensLotForReview();
    void auditLogAndHistoryOfSelectedLot();
    void openedDatabaseRemembered();
    void unknownLotNameReported();
    void invalidDatabaseReported();

private:
    int rowOfLot(const QString &name) const;
    QPoint cellCentre(int row, int column) const;

    std::unique_ptr<QTemporaryDir> mDir;
    QString mDatabase;
    std::unique_ptr<MainWindow> mWindow;
};

void TestLotsBrowser::initTestCase()
{
    isolateSettings();
}

void TestLotsBrowser::init()
{
    QSettings().clear();
    mDir = std::make_unique<QTemporaryDir>();
    QVERIFY(mDir->isValid());
    mDatabase = mDir->filePath(QStringLiteral("lots.sqlite"));
    {
        std::unique_ptr<LotStore> store = LotStore::open(mDatabase);
        createTestLot(*store, QStringLiteral("monday"), mDir->filePath(QStringLiteral("monday")),
                      {{QStringLiteral("a.png"), 0.05}, {QStringLiteral("b.png"), 0.3}}, 0.2, 0.15);
        createTestLot(*store, QStringLiteral("tuesday"), mDir->filePath(QStringLiteral("tuesday")),
                      {{QStringLiteral("a.png"), 0.05}, {QStringLiteral("b.png"), 0.17}, {QStringLiteral("c.png"), 0.0, true}},
                      0.25, 0.16);
        const LotRecord wednesday = createTestLot(*store, QStringLiteral("wednesday"),
                                                  mDir->filePath(QStringLiteral("wednesday")),
                                                  {{QStringLiteral("a.png"), 0.4}}, 0.2, 0.2);
        store->setThresholds(wednesday.id, 0.5, 0.45, QStringLiteral("looser after a line change"));
    }
    mWindow = std::make_unique<MainWindow>();
    QVERIFY(mWindow->openDatabase(mDatabase));
    mWindow->showPage(MainWindow::LotsPageIndex);
    mWindow->show();
    QVERIFY(QTest::qWaitForWindowExposed(mWindow.get()));
}

void TestLotsBrowser::cleanup()
{
    mWindow.reset();
    mDir.reset();
}

int TestLotsBrowser::rowOfLot(const QString &name) const
{
    QStandardItemModel *model = mWindow->lotsBrowser()->model();
    for (int row = 0; row < model->rowCount(); ++row) {
        if (model->item(row, LotsBrowser::NameColumn)->text() == name)
            return row;
    }
    return -1;
}

QPoint TestLotsBrowser::cellCentre(int row, int column) const
{
    QTableView *table = mWindow->lotsBrowser()->tableView();
    return table->visualRect(table->model()->index(row, column)).center();
}

void TestLotsBrowser::listsEveryLotWithCounts()
{
    QStandardItemModel *model = mWindow->lotsBrowser()->model();

    QCOMPARE(model->rowCount(), 3);
    const int tuesday = rowOfLot(QStringLiteral("tuesday"));
    QVERIFY(tuesday >= 0);
    QCOMPARE(model->item(tuesday, LotsBrowser::PartsColumn)->text(), QStringLiteral("3"));
    QCOMPARE(model->item(tuesday, LotsBrowser::PassColumn)->text(), QStringLiteral("1"));
    QCOMPARE(model->item(tuesday, LotsBrowser::ReviewColumn)->text(), QStringLiteral("1"));
    QCOMPARE(model->item(tuesday, LotsBrowser::ErrorColumn)->text(), QStringLiteral("1"));
    QCOMPARE(model->item(tuesday, LotsBrowser::RejectColumn)->text(), QStringLiteral("0.2500"));
    QVERIFY(!model->item(tuesday, LotsBrowser::CreatedColumn)->text().isEmpty());
    const int wednesday = rowOfLot(QStringLiteral("wednesday"));
    QCOMPARE(model->item(wednesday, LotsBrowser::RejectColumn)->text(), QStringLiteral("0.5000"));
    QCOMPARE(model->item(wednesday, LotsBrowser::PassColumn)->text(), QStringLiteral("1"));
}

void TestLotsBrowser::doubleClickOpensLotForReview()
{
    QTableView *table = mWindow->lotsBrowser()->tableView();
    const QPoint cell = cellCentre(rowOfLot(QStringLiteral("monday")), LotsBrowser::NameColumn);

    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, cell);
    QTest::mouseDClick(table->viewport(), Qt::LeftButton, {}, cell);

    QVERIFY(mWindow->document()->hasLot());
    QCOMPARE(mWindow->document()->lot().name, QStringLiteral("monday"));
    QCOMPARE(mWindow->document()->parts().size(), 2);
    QCOMPARE(mWindow->pages()->currentIndex(), static_cast<int>(MainWindow::ReviewPageIndex));
}

void TestLotsBrowser::auditLogAndHistoryOfSelectedLot()
{
    QTableView *table = mWindow->lotsBrowser()->tableView();

    QTest::mouseClick(table->viewport(), Qt::LeftButton, {},
                      cellCentre(rowOfLot(QStringLiteral("wednesday")), LotsBrowser::NameColumn));

    AuditView *audit = mWindow->lotsBrowser()->auditView();
    QTableWidget *history = audit->historyTable();
    QCOMPARE(history->rowCount(), 1);
    QCOMPARE(history->item(0, 1)->text(), QStringLiteral("0.2000 → 0.5000"));
    QCOMPARE(history->item(0, 3)->text(), QStringLiteral("looser after a line change"));
    QStringList events;
    for (int row = 0; row < audit->auditTable()->rowCount(); ++row)
        events << audit->auditTable()->item(row, 1)->text();
    QVERIFY2(events.contains(QStringLiteral("lot_created")), qPrintable(events.join(QLatin1Char(','))));
    QVERIFY(events.contains(QStringLiteral("threshold_changed")));
}

void TestLotsBrowser::openedDatabaseRemembered()
{
    const QStringList recent = QSettings().value(QStringLiteral("recentDatabases")).toStringList();

    QCOMPARE(recent.value(0), mWindow->document()->databasePath());

    MainWindow second;
    QVERIFY(second.openStartupDatabase());
    QCOMPARE(second.document()->databasePath(), mWindow->document()->databasePath());
}

void TestLotsBrowser::unknownLotNameReported()
{
    QVERIFY(!mWindow->openLotNamed(QStringLiteral("friday")));

    QVERIFY(mWindow->lastError().contains(QStringLiteral("friday")));
    QVERIFY(!mWindow->document()->hasLot());
}

void TestLotsBrowser::invalidDatabaseReported()
{
    const QString notADatabase = mDir->filePath(QStringLiteral("notes.sqlite"));
    QFile file(notADatabase);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QByteArray(4096, 'x'));
    file.close();

    QVERIFY(!mWindow->openDatabase(notADatabase));

    QVERIFY(mWindow->lastError().contains(QStringLiteral("notes.sqlite")));
    QCOMPARE(mWindow->document()->databasePath(), QFileInfo(mDatabase).absoluteFilePath());
    QCOMPARE(mWindow->lotsBrowser()->model()->rowCount(), 3);
}

QTEST_MAIN(TestLotsBrowser)
#include "test_lots_browser.moc"
