// Tests of the threshold panel. Slider drags change the counts and the
// histogram live and store one threshold change per drag, undo and redo
// restore the stored thresholds, and the ROC curve appears with operator
// decisions.

#include "UiTestSupport.h"
#include "ui/LotDocument.h"
#include "ui/RocPlot.h"
#include "ui/ScoreHistogramPlot.h"
#include "ui/ThresholdCommand.h"
#include "ui/ThresholdPanel.h"

#include <QDoubleSpinBox>
#include <QLabel>
#include <QSettings>
#include <QSlider>
#include <QStyle>
#include <QStyleOptionSlider>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>

using namespace patchead;
using namespace patchead::ui;
using namespace patchead::uitest;

namespace {

constexpr double kReject = 0.20;
constexpr double kReview = 0.15;

QVector<TestPart> testParts()
{
    QVector<TestPart> parts;
    const double scores[] = {0.04, 0.06, 0.08, 0.10, 0.12, 0.14, 0.16, 0.18, 0.21, 0.25, 0.30, 0.36};
    int index = 0;
    for (double score : scores)
        parts.append({QStringLiteral("part_%1.png").arg(index++, 2, 10, QLatin1Char('0')), score});
    return parts;
}

// Centre of a slider's handle, in slider coordinates.
QPoint handleCentre(QSlider *slider)
{
    QStyleOptionSlider option;
    option.initFrom(slider);
    option.orientation = slider->orientation();
    option.minimum = slider->minimum();
    option.maximum = slider->maximum();
    option.sliderPosition = slider->sliderPosition();
    option.sliderValue = slider->value();
    option.upsideDown = slider->invertedAppearance();
    option.subControls = QStyle::SC_SliderHandle;
    return slider->style()->subControlRect(QStyle::CC_Slider, &option, QStyle::SC_SliderHandle, slider).center();
}

} // namespace

class TestThresholdsGui : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void panelShowsStoredThresholdsAndCounts();
    void dragIsOneStoredChangeAndOneUndoStep();
    void dragBackToStartLeavesNoChange();
    void reviewSliderAboveRejectRaisesIt();
    void spinBoxEditIsUndoable();
    void histogramFollowsThresholds();
    void rocCurveAppearsWithDecisions();
    void lockedDuringInspection();

private:
    LotRecord storedLot() const;
    QVector<ThresholdChange> storedHistory() const;
    void drag(QSlider *slider, int pixels, const std::function<void()> &whileHeld = {});

    std::unique_ptr<QTemporaryDir> mDir;
    QString mDatabase;
    std::unique_ptr<LotDocument> mDocument;
    std::unique_ptr<ThresholdPanel> mPanel;
};

void TestThresholdsGui::initTestCase()
{
    isolateSettings();
}

void TestThresholdsGui::init()
{
    mDir = std::make_unique<QTemporaryDir>();
    QVERIFY(mDir->isValid());
    mDatabase = mDir->filePath(QStringLiteral("lots.sqlite"));
    {
        std::unique_ptr<LotStore> store = LotStore::open(mDatabase);
        createTestLot(*store, QStringLiteral("lot-t"), mDir->filePath(QStringLiteral("parts")), testParts(), kReject,
                      kReview);
    }
    mDocument = std::make_unique<LotDocument>();
    mDocument->openDatabase(mDatabase);
    QVERIFY(mDocument->openLotNamed(QStringLiteral("lot-t")));
    mPanel = std::make_unique<ThresholdPanel>(mDocument.get());
    mPanel->resize(520, 700);
    mPanel->show();
    QVERIFY(QTest::qWaitForWindowExposed(mPanel.get()));
}

void TestThresholdsGui::cleanup()
{
    mPanel.reset();
    mDocument.reset();
    mDir.reset();
}

LotRecord TestThresholdsGui::storedLot() const
{
    std::unique_ptr<LotStore> store = LotStore::open(mDatabase, LotStore::Mode::ReadOnly);
    return *store->findLot(QStringLiteral("lot-t"));
}

QVector<ThresholdChange> TestThresholdsGui::storedHistory() const
{
    std::unique_ptr<LotStore> store = LotStore::open(mDatabase, LotStore::Mode::ReadOnly);
    return store->thresholdHistory(store->findLot(QStringLiteral("lot-t"))->id);
}

void TestThresholdsGui::drag(QSlider *slider, int pixels, const std::function<void()> &whileHeld)
{
    const QPoint start = handleCentre(slider);
    QTest::mousePress(slider, Qt::LeftButton, {}, start);
    const int steps = 5;
    for (int step = 1; step <= steps; ++step)
        QTest::mouseMove(slider, start + QPoint(pixels * step / steps, 0));
    if (whileHeld)
        whileHeld();
    QTest::mouseRelease(slider, Qt::LeftButton, {}, start + QPoint(pixels, 0));
}

void TestThresholdsGui::panelShowsStoredThresholdsAndCounts()
{
    QCOMPARE(mPanel->rejectSpin()->value(), kReject);
    QCOMPARE(mPanel->reviewSpin()->value(), kReview);
    QCOMPARE(mPanel->passCountLabel()->text(), QStringLiteral("Pass 6"));
    QCOMPARE(mPanel->reviewCountLabel()->text(), QStringLiteral("Review 2"));
    QCOMPARE(mPanel->failCountLabel()->text(), QStringLiteral("Fail 4"));
    QCOMPARE(mPanel->errorCountLabel()->text(), QStringLiteral("Error 0"));
    QCOMPARE(mPanel->rejectSlider()->value(), mPanel->sliderValueForScore(kReject));
}

void TestThresholdsGui::dragIsOneStoredChangeAndOneUndoStep()
{
    QSlider *slider = mPanel->rejectSlider();
    QString failDuringDrag;
    double storedDuringDrag = -1.0;

    drag(slider, 60, [&] {
        failDuringDrag = mPanel->failCountLabel()->text();
        storedDuringDrag = storedLot().rejectThreshold;
    });

    const double reject = mDocument->rejectThreshold();
    QVERIFY2(reject > 0.25, qPrintable(QString::number(reject)));
    QVERIFY(failDuringDrag != QStringLiteral("Fail 4"));
    QCOMPARE(storedDuringDrag, kReject);
    QCOMPARE(mDocument->undoStack()->count(), 1);
    const QVector<ThresholdChange> history = storedHistory();
    QCOMPARE(history.size(), 1);
    QCOMPARE(history.first().oldReject, kReject);
    QCOMPARE(history.first().newReject, reject);
    QCOMPARE(storedLot().rejectThreshold, reject);
    QCOMPARE(mPanel->failCountLabel()->text(), failDuringDrag);

    mDocument->undoStack()->undo();

    QCOMPARE(mDocument->rejectThreshold(), kReject);
    QCOMPARE(storedLot().rejectThreshold, kReject);
    QCOMPARE(storedHistory().size(), 2);
    QCOMPARE(mPanel->failCountLabel()->text(), QStringLiteral("Fail 4"));
    QCOMPARE(mPanel->rejectSlider()->value(), mPanel->sliderValueForScore(kReject));
    std::unique_ptr<LotStore> store = LotStore::open(mDatabase, LotStore::Mode::ReadOnly);
    QCOMPARE(store->counts(storedLot().id).fail, 4);

    mDocument->undoStack()->redo();

    QCOMPARE(storedLot().rejectThreshold, reject);
    QCOMPARE(storedHistory().size(), 3);
}

void TestThresholdsGui::dragBackToStartLeavesNoChange()
{
    QSlider *slider = mPanel->rejectSlider();
    const QPoint start = handleCentre(slider);
    QTest::mousePress(slider, Qt::LeftButton, {}, start);
    QTest::mouseMove(slider, start + QPoint(40, 0));
    QVERIFY(mDocument->rejectThreshold() != kReject);
    QTest::mouseMove(slider, start);
    QTest::mouseRelease(slider, Qt::LeftButton, {}, start);

    QCOMPARE(mDocument->rejectThreshold(), kReject);
    QCOMPARE(mDocument->undoStack()->count(), 0);
    QCOMPARE(storedHistory().size(), 0);
}

void TestThresholdsGui::reviewSliderAboveRejectRaisesIt()
{
    drag(mPanel->reviewSlider(), 80);

    QVERIFY(mDocument->reviewThreshold() > kReject);
    QCOMPARE(mDocument->rejectThreshold(), mDocument->reviewThreshold());
    QCOMPARE(storedLot().reviewThreshold, mDocument->reviewThreshold());
    QCOMPARE(mPanel->reviewCountLabel()->text(), QStringLiteral("Review 0"));
    QCOMPARE(storedHistory().size(), 1);
}

void TestThresholdsGui::spinBoxEditIsUndoable()
{
    QDoubleSpinBox *spin = mPanel->rejectSpin();
    spin->setFocus();
    spin->selectAll();
    QTest::keyClicks(spin, QStringLiteral("0.17"));
    QTest::keyClick(spin, Qt::Key_Return);

    QCOMPARE(storedLot().rejectThreshold, 0.17);
    QCOMPARE(storedLot().reviewThreshold, kReview);
    QCOMPARE(mPanel->failCountLabel()->text(), QStringLiteral("Fail 5"));

    mDocument->undoStack()->undo();

    QCOMPARE(storedLot().rejectThreshold, kReject);
    QCOMPARE(spin->value(), kReject);
}

void TestThresholdsGui::histogramFollowsThresholds()
{
    ScoreHistogramPlot *histogram = mPanel->histogram();
    QCOMPARE(histogram->rejectLinePosition(), kReject);
    QCOMPARE(histogram->reviewLinePosition(), kReview);
    QCOMPARE(histogram->failBarTotal(), 4);
    QCOMPARE(histogram->reviewBarTotal(), 2);
    QCOMPARE(histogram->passBarTotal(), 6);

    drag(mPanel->rejectSlider(), 60);

    QCOMPARE(histogram->rejectLinePosition(), mDocument->rejectThreshold());
    QCOMPARE(histogram->failBarTotal(), mDocument->counts().fail);
    QCOMPARE(histogram->reviewBarTotal(), mDocument->counts().review);
}

void TestThresholdsGui::rocCurveAppearsWithDecisions()
{
    QVERIFY(!mPanel->rocPlot()->hasCurve());
    const QVector<PartRecord> parts = mDocument->parts();

    QVERIFY(mDocument->applyOperatorVerdict(parts[0].id, OperatorVerdict::Accepted));
    QVERIFY(!mPanel->rocPlot()->hasCurve());
    QVERIFY(mDocument->applyOperatorVerdict(parts[1].id, OperatorVerdict::Accepted));
    QVERIFY(mDocument->applyOperatorVerdict(parts[11].id, OperatorVerdict::Rejected));
    QVERIFY(mDocument->applyOperatorVerdict(parts[8].id, OperatorVerdict::Rejected));

    QVERIFY(mPanel->rocPlot()->hasCurve());
    QCOMPARE(mPanel->rocPlot()->auc(), 1.0);
}

void TestThresholdsGui::lockedDuringInspection()
{
    mPanel->setEditingLocked(true, QStringLiteral("running"));

    QVERIFY(!mPanel->rejectSlider()->isEnabled());
    QVERIFY(!mPanel->reviewSpin()->isEnabled());

    mPanel->setEditingLocked(false);

    QVERIFY(mPanel->rejectSlider()->isEnabled());
}

QTEST_MAIN(TestThresholdsGui)
#include "test_thresholds_gui.moc"
