// Tests of the review page on a lot database filled through LotStore: the
// part table, sorting and filters, keyboard navigation between flagged
// parts, operator decisions stored with A and R, and the heatmap view.

#include "UiTestSupport.h"
#include "ui/ImageCanvas.h"
#include "ui/LotDocument.h"
#include "ui/LotView.h"
#include "ui/MainWindow.h"
#include "ui/PartReviewView.h"
#include "ui/PartTableModel.h"
#include "ui/ShortcutsDialog.h"

#include <QAction>
#include <QComboBox>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QSettings>
#include <QSignalSpy>
#include <QSlider>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace patchead;
using namespace patchead::ui;
using namespace patchead::uitest;

namespace {

constexpr double kReject = 0.20;
constexpr double kReview = 0.15;

// Ten parts: four pass, two in the review band, three fail, one unreadable.
QVector<TestPart> testParts()
{
    return {
        {QStringLiteral("part_00.png"), 0.05}, {QStringLiteral("part_01.png"), 0.31},
        {QStringLiteral("part_02.png"), 0.12}, {QStringLiteral("part_03.png"), 0.17},
        {QStringLiteral("part_04.png"), 0.08}, {QStringLiteral("part_05.png"), 0.26},
        {QStringLiteral("part_06.png"), 0.0, true}, {QStringLiteral("part_07.png"), 0.16},
        {QStringLiteral("part_08.png"), 0.03}, {QStringLiteral("part_09.png"), 0.22},
    };
}

} // namespace

class TestLotReview : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void tableFilledFromDatabase();
    void headerClickSortsByScore();
    void filterShowsFlaggedAndReviewBand();
    void keysMoveBetweenFlaggedParts();
    void arrowKeysChangeReviewedPart();
    void acceptAndRejectStoreDecisions();
    void reviewKeysInactiveOnSetupPage();
    void heatmapShownWithAdjustableOpacity();
    void unreadablePartShowsReason();
    void shortcutsListedInHelpAndTooltips();

private:
    QString currentFile() const;
    std::optional<PartRecord> storedPart(const QString &fileName) const;
    void pressKey(Qt::Key key, Qt::KeyboardModifiers modifiers = Qt::NoModifier);

    std::unique_ptr<QTemporaryDir> mDir;
    QString mDatabase;
    std::unique_ptr<MainWindow> mWindow;
};

void TestLotReview::initTestCase()
{
    isolateSettings();
}

void TestLotReview::init()
{
    QSettings().clear();
    QSettings().setValue(QStringLiteral("settings/operator"), QStringLiteral("Ada"));
    mDir = std::make_unique<QTemporaryDir>();
    QVERIFY(mDir->isValid());
    mDatabase = mDir->filePath(QStringLiteral("lots.sqlite"));
    {
        std::unique_ptr<LotStore> store = LotStore::open(mDatabase);
        createTestLot(*store, QStringLiteral("lot-a"), mDir->filePath(QStringLiteral("lot-a")), testParts(), kReject,
                      kReview);
    }
    mWindow = std::make_unique<MainWindow>();
    QVERIFY(mWindow->openDatabase(mDatabase));
    QVERIFY(mWindow->openLotNamed(QStringLiteral("lot-a")));
    mWindow->show();
    mWindow->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(mWindow.get()));
}

void TestLotReview::cleanup()
{
    mWindow.reset();
    mDir.reset();
}

QString TestLotReview::currentFile() const
{
    const QModelIndex current = mWindow->lotView()->tableView()->currentIndex();
    return current.sibling(current.row(), PartTableModel::FileColumn).data().toString();
}

std::optional<PartRecord> TestLotReview::storedPart(const QString &fileName) const
{
    std::unique_ptr<LotStore> store = LotStore::open(mDatabase, LotStore::Mode::ReadOnly);
    const std::optional<LotRecord> lot = store->findLot(QStringLiteral("lot-a"));
    for (const PartRecord &part : store->parts(lot->id)) {
        if (QFileInfo(part.path).fileName() == fileName)
            return part;
    }
    return std::nullopt;
}

void TestLotReview::pressKey(Qt::Key key, Qt::KeyboardModifiers modifiers)
{
    QTest::keyClick(mWindow->lotView()->tableView(), key, modifiers);
}

void TestLotReview::tableFilledFromDatabase()
{
    QAbstractItemModel *model = mWindow->lotView()->tableView()->model();

    QCOMPARE(model->rowCount(), 10);
    QStringList files;
    for (int row = 0; row < model->rowCount(); ++row)
        files << model->index(row, PartTableModel::FileColumn).data().toString();
    files.sort();
    QCOMPARE(files.first(), QStringLiteral("part_00.png"));
    QCOMPARE(files.last(), QStringLiteral("part_09.png"));

    QVERIFY(mWindow->lotView()->selectPart(storedPart(QStringLiteral("part_03.png"))->id));
    const QModelIndex current = mWindow->lotView()->tableView()->currentIndex();
    QCOMPARE(current.sibling(current.row(), PartTableModel::ScoreColumn).data().toString(), QStringLiteral("0.1700"));
    QCOMPARE(current.sibling(current.row(), PartTableModel::NormalisedColumn).data().toString(), QStringLiteral("0.425"));
    QCOMPARE(current.sibling(current.row(), PartTableModel::VerdictColumn).data().toString(), QStringLiteral("Review"));
    QCOMPARE(current.sibling(current.row(), PartTableModel::OperatorColumn).data().toString(), QString());
}

void TestLotReview::headerClickSortsByScore()
{
    QTableView *table = mWindow->lotView()->tableView();
    QHeaderView *header = table->horizontalHeader();
    const int x = header->sectionViewportPosition(PartTableModel::ScoreColumn) + header->sectionSize(PartTableModel::ScoreColumn) / 2;
    const Qt::SortOrder before = header->sortIndicatorOrder();

    QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, QPoint(x, header->height() / 2));

    QCOMPARE(header->sortIndicatorSection(), static_cast<int>(PartTableModel::ScoreColumn));
    QVERIFY(header->sortIndicatorOrder() != before);
    const bool ascending = header->sortIndicatorOrder() == Qt::AscendingOrder;
    QVector<double> scores;
    for (int row = 0; row < table->model()->rowCount(); ++row)
        scores << table->model()->index(row, PartTableModel::ScoreColumn).data(PartTableModel::SortRole).toDouble();
    for (int row = 1; row < scores.size(); ++row)
        QVERIFY2(ascending ? scores[row - 1] <= scores[row] : scores[row - 1] >= scores[row],
                 qPrintable(QStringLiteral("row %1 out of order").arg(row)));
    const QString first = table->model()->index(0, PartTableModel::FileColumn).data().toString();
    QCOMPARE(first, ascending ? QStringLiteral("part_08.png") : QStringLiteral("part_06.png"));
}

void TestLotReview::filterShowsFlaggedAndReviewBand()
{
    LotView *view = mWindow->lotView();
    QAbstractItemModel *model = view->tableView()->model();

    view->filterBox()->setCurrentIndex(view->filterBox()->findData(static_cast<int>(PartFilter::Flagged)));
    QCOMPARE(model->rowCount(), 6);

    view->filterBox()->setCurrentIndex(view->filterBox()->findData(static_cast<int>(PartFilter::ReviewBand)));
    QCOMPARE(model->rowCount(), 2);
    for (int row = 0; row < model->rowCount(); ++row)
        QCOMPARE(model->index(row, PartTableModel::VerdictColumn).data().toString(), QStringLiteral("Review"));

    view->filterBox()->setCurrentIndex(view->filterBox()->findData(static_cast<int>(PartFilter::All)));
    QCOMPARE(model->rowCount(), 10);
}

void TestLotReview::keysMoveBetweenFlaggedParts()
{
    // Sorted by score, highest first: the unreadable part, then 0.31, 0.26, 0.22, 0.17, 0.16.
    QCOMPARE(currentFile(), QStringLiteral("part_06.png"));

    pressKey(Qt::Key_N);
    QCOMPARE(currentFile(), QStringLiteral("part_01.png"));
    pressKey(Qt::Key_J);
    QCOMPARE(currentFile(), QStringLiteral("part_05.png"));
    pressKey(Qt::Key_P);
    QCOMPARE(currentFile(), QStringLiteral("part_01.png"));
    pressKey(Qt::Key_K);
    QCOMPARE(currentFile(), QStringLiteral("part_06.png"));

    for (int step = 0; step < 8; ++step)
        pressKey(Qt::Key_N);
    QCOMPARE(currentFile(), QStringLiteral("part_07.png"));
}

void TestLotReview::arrowKeysChangeReviewedPart()
{
    QTableView *table = mWindow->lotView()->tableView();
    table->setFocus();
    const int row = table->currentIndex().row();

    pressKey(Qt::Key_Down);

    QCOMPARE(table->currentIndex().row(), row + 1);
    QCOMPARE(currentFile(), QStringLiteral("part_01.png"));
    QCOMPARE(mWindow->reviewView()->partId(), mWindow->lotView()->currentPartId());
    QCOMPARE(mWindow->reviewView()->scoreLabel()->text(), QStringLiteral("0.3100"));
}

void TestLotReview::acceptAndRejectStoreDecisions()
{
    QVERIFY(mWindow->lotView()->selectPart(storedPart(QStringLiteral("part_01.png"))->id));

    pressKey(Qt::Key_A);

    std::optional<PartRecord> accepted = storedPart(QStringLiteral("part_01.png"));
    QCOMPARE(accepted->operatorVerdict, OperatorVerdict::Accepted);
    QCOMPARE(accepted->operatorName, QStringLiteral("Ada"));
    QCOMPARE(accepted->verdict, Verdict::Fail);
    QCOMPARE(currentFile(), QStringLiteral("part_05.png"));

    pressKey(Qt::Key_R);

    QCOMPARE(storedPart(QStringLiteral("part_05.png"))->operatorVerdict, OperatorVerdict::Rejected);
    QCOMPARE(currentFile(), QStringLiteral("part_09.png"));
    QVERIFY(mWindow->lotView()->selectPart(storedPart(QStringLiteral("part_05.png"))->id));
    const QModelIndex current = mWindow->lotView()->tableView()->currentIndex();
    QCOMPARE(current.sibling(current.row(), PartTableModel::OperatorColumn).data().toString(), QStringLiteral("Rejected"));
    QCOMPARE(mWindow->reviewView()->operatorLabel()->text(), QStringLiteral("Rejected by Ada"));

    pressKey(Qt::Key_Z, Qt::ControlModifier);

    QCOMPARE(storedPart(QStringLiteral("part_05.png"))->operatorVerdict, OperatorVerdict::None);
    QCOMPARE(storedPart(QStringLiteral("part_01.png"))->operatorVerdict, OperatorVerdict::Accepted);
}

void TestLotReview::reviewKeysInactiveOnSetupPage()
{
    QVERIFY(mWindow->lotView()->selectPart(storedPart(QStringLiteral("part_01.png"))->id));
    mWindow->showPage(MainWindow::SetupPageIndex);

    QTest::keyClick(mWindow.get(), Qt::Key_A);

    QCOMPARE(storedPart(QStringLiteral("part_01.png"))->operatorVerdict, OperatorVerdict::None);
    QVERIFY(!mWindow->acceptAction()->isEnabled());
}

void TestLotReview::heatmapShownWithAdjustableOpacity()
{
    PartReviewView *review = mWindow->reviewView();
    QSignalSpy shown(review, &PartReviewView::frameShown);
    const qint64 partId = storedPart(QStringLiteral("part_01.png"))->id;

    QVERIFY(mWindow->lotView()->selectPart(partId));
    QVERIFY(shown.wait(5000));

    QCOMPARE(shown.last().at(0).toLongLong(), partId);
    QCOMPARE(review->canvas()->image().size(), QSize(96, 96));
    QCOMPARE(review->verdictLabel()->text(), QStringLiteral("Fail"));
    QCOMPARE(review->normalisedLabel()->text(), QStringLiteral("0.775"));

    // The hot patch (row 2, column 5 of the 8 x 8 map) sits near pixel (66, 30).
    review->opacitySlider()->setValue(0);
    const QColor imageOnly = review->canvas()->image().pixelColor(66, 30);
    review->opacitySlider()->setValue(100);
    const QColor heatOnly = review->canvas()->image().pixelColor(66, 30);
    QVERIFY2(imageOnly != heatOnly, "the heatmap opacity has no effect");
    QVERIFY(shown.count() >= 3);
    // Patch score 0.465 is above twice the reject threshold: the top of the colour map (dark red).
    QVERIFY(heatOnly.red() > heatOnly.blue());
}

void TestLotReview::unreadablePartShowsReason()
{
    QVERIFY(mWindow->lotView()->selectPart(storedPart(QStringLiteral("part_06.png"))->id));

    QVERIFY(mWindow->reviewView()->verdictLabel()->text().contains(QStringLiteral("truncated file")));
    QCOMPARE(mWindow->reviewView()->scoreLabel()->text(), QStringLiteral("–"));
}

void TestLotReview::shortcutsListedInHelpAndTooltips()
{
    QVERIFY(mWindow->acceptAction()->toolTip().contains(QStringLiteral("(A)")));
    QVERIFY(mWindow->nextFlaggedAction()->toolTip().contains(QStringLiteral("N or J")));

    QTest::keyClick(mWindow.get(), Qt::Key_F1);

    auto *dialog = mWindow->findChild<ShortcutsDialog *>();
    QVERIFY(dialog);
    QTableWidget *table = dialog->table();
    QStringList rows;
    for (int row = 0; row < table->rowCount(); ++row) {
        if (table->item(row, 1))
            rows << table->item(row, 0)->text() + QLatin1Char('=') + table->item(row, 1)->text();
    }
    QVERIFY2(rows.contains(QStringLiteral("Accept part=A")), qPrintable(rows.join(QLatin1Char(';'))));
    QVERIFY(rows.contains(QStringLiteral("Reject part=R")));
    QVERIFY(rows.contains(QStringLiteral("Next flagged part=N, J")));
    QVERIFY(rows.filter(QStringLiteral("Undo=Ctrl+Z")).size() == 1);
    QVERIFY(rows.contains(QStringLiteral("Quit=Ctrl+Q")));
    dialog->close();
}

QTEST_MAIN(TestLotReview)
#include "test_lot_review.moc"
