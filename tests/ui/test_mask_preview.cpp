// Tests of the mask preview and of a zero-shot lot run from the workstation,
// with the real default encoder on generated part images. Slider moves
// change the mask without encoding the image again, and a drawn region of
// interest limits the PCA mask. A lot without references runs with the
// settings and regions of the set-up page, which the lot stores. The test
// skips when the encoder has not been prepared
// (models/prepare-default-encoder.sh BUILD_DIR/models).

#include "UiTestSupport.h"
#include "ui/InspectionJob.h"
#include "ui/LotDocument.h"
#include "ui/MainWindow.h"
#include "ui/MaskCanvas.h"
#include "ui/MaskPreviewPanel.h"
#include "ui/MaskSettingsGroup.h"
#include "ui/SettingsPanel.h"
#include "ui/SetupPage.h"
#include "ui/ZeroShotSettingsGroup.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

#include <algorithm>

using namespace patchead;
using namespace patchead::ui;
using namespace patchead::uitest;

namespace {

void drag(QWidget *widget, QPoint from, QPoint to)
{
    QTest::mousePress(widget, Qt::LeftButton, Qt::NoModifier, from);
    QTest::mouseMove(widget, (from + to) / 2);
    QTest::mouseMove(widget, to);
    QTest::mouseRelease(widget, Qt::LeftButton, Qt::NoModifier, to);
}

QPoint imagePoint(const MaskCanvas *canvas, double fx, double fy)
{
    const QRect image = canvas->imageRect();
    return QPoint(image.left() + qRound(fx * image.width()), image.top() + qRound(fy * image.height()));
}

// Waits until the preview shows the result of the latest request.
bool waitForPreview(MaskPreviewPanel &preview)
{
    QTest::qWait(0);
    return QTest::qWaitFor([&preview] { return !preview.isComputing(); }, 120000);
}

} // namespace

class TestMaskPreview : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void init();

    void slidersChangeMaskWithoutEncoding();
    void regionOfInterestLimitsPcaMask();
    void zeroShotLotRunsFromGui();

private:
    QString mManifest;
    std::unique_ptr<QTemporaryDir> mDir;
};

void TestMaskPreview::initTestCase()
{
    isolateSettings();
    mManifest = QDir(qEnvironmentVariable("PATCHEAD_MODEL_DIR")).filePath(QStringLiteral("mobilenet_v2/manifest.json"));
    if (qEnvironmentVariableIsEmpty("PATCHEAD_MODEL_DIR") || !QFileInfo::exists(mManifest))
        QSKIP("The default encoder is not prepared: run models/prepare-default-encoder.sh BUILD_DIR/models "
              "and set PATCHEAD_MODEL_DIR=BUILD_DIR/models (CTest sets it).");
}

void TestMaskPreview::init()
{
    QSettings().clear();
    // A 128 px input keeps each encoding short on a CPU.
    QSettings().setValue(QStringLiteral("settings/resolution"), 128);
    QSettings().setValue(QStringLiteral("settings/alignment"), QStringLiteral("off"));
    mDir = std::make_unique<QTemporaryDir>();
    QVERIFY(mDir->isValid());
}

void TestMaskPreview::slidersChangeMaskWithoutEncoding()
{
    const QString image = writePartImage(mDir->filePath(QStringLiteral("part.png")), 160, 11, false);
    SettingsPanel settings;
    settings.setManifestPath(mManifest);
    QVERIFY(settings.hasValidManifest());
    MaskPreviewPanel preview(&settings);
    preview.resize(640, 520);
    preview.show();
    QVERIFY(QTest::qWaitForWindowExposed(&preview));

    preview.showImage(image);
    QVERIFY(waitForPreview(preview));
    QCOMPARE(preview.encodeCount(), 1);
    QVERIFY(!preview.preview().foreground.isEmpty());
    QCOMPARE(preview.preview().foregroundShare, 1.0); // no mask yet

    MaskSettingsGroup *mask = settings.maskGroup();
    mask->sourceBox()->setCurrentIndex(mask->sourceBox()->findData(QStringLiteral("pca")));
    QVERIFY(waitForPreview(preview));
    const PatchGrid atMean = preview.preview().foreground;
    QVERIFY2(preview.preview().foregroundShare > 0.05 && preview.preview().foregroundShare < 0.95,
             qPrintable(preview.statusLabel()->text()));

    // Ten steps of the PCA slider move the cut by 0.5 standard deviations.
    mask->pcaThresholdSlider()->setFocus();
    for (int step = 0; step < 10; ++step)
        QTest::keyClick(mask->pcaThresholdSlider(), Qt::Key_Right);
    QCOMPARE(settings.settings().mask.pcaThreshold, 0.5);
    QVERIFY(waitForPreview(preview));
    QVERIFY(preview.preview().foreground.values != atMean.values);

    // The background weight changes the weights, not the foreground.
    const PatchGrid before = preview.preview().foreground;
    mask->backgroundWeightSlider()->setFocus();
    QTest::keyClick(mask->backgroundWeightSlider(), Qt::Key_PageDown);
    const double weight = settings.settings().mask.backgroundWeight;
    QVERIFY(weight < 0.5);
    QVERIFY(waitForPreview(preview));
    QCOMPARE(preview.preview().foreground.values, before.values);
    const auto background = std::find(before.values.begin(), before.values.end(), 0.0f) - before.values.begin();
    QVERIFY(background < static_cast<long>(before.values.size()));
    QCOMPARE(preview.preview().weights.values[background], static_cast<float>(weight));

    // Mask settings reuse the features, and any other setting encodes again.
    QCOMPARE(preview.encodeCount(), 1);
    settings.resolutionSpin()->setValue(160);
    QVERIFY(waitForPreview(preview));
    QCOMPARE(preview.encodeCount(), 2);
}

void TestMaskPreview::regionOfInterestLimitsPcaMask()
{
    const QString image = writePartImage(mDir->filePath(QStringLiteral("part.png")), 160, 12, false);
    SettingsPanel settings;
    settings.setManifestPath(mManifest);
    MaskSettingsGroup *mask = settings.maskGroup();
    mask->sourceBox()->setCurrentIndex(mask->sourceBox()->findData(QStringLiteral("pca")));
    MaskPreviewPanel preview(&settings);
    preview.resize(640, 520);
    preview.show();
    QVERIFY(QTest::qWaitForWindowExposed(&preview));
    preview.showImage(image);
    QVERIFY(waitForPreview(preview));
    const double shareWithoutRegion = preview.preview().foregroundShare;

    // A region of interest over the left half: nothing right of it stays foreground.
    QTest::mouseClick(preview.regionOfInterestButton(), Qt::LeftButton);
    drag(preview.canvas(), imagePoint(preview.canvas(), 0.0, 0.0), imagePoint(preview.canvas(), 0.5, 1.0));
    QCOMPARE(settings.settings().mask.source, MaskSource::Pca);
    QVERIFY(waitForPreview(preview));
    const PatchGrid &foreground = preview.preview().foreground;
    for (int y = 0; y < foreground.height; ++y) {
        for (int x = (foreground.width + 1) / 2 + 1; x < foreground.width; ++x)
            QCOMPARE(foreground.at(y, x), 0.0f);
    }
    QVERIFY(preview.preview().foregroundShare < shareWithoutRegion);
    QCOMPARE(preview.encodeCount(), 1);
}

void TestMaskPreview::zeroShotLotRunsFromGui()
{
    writePartImages(mDir->filePath(QStringLiteral("lot")), QStringLiteral("part"), 6, 160, 500, 3);
    MainWindow window;
    QVERIFY(window.openDatabase(mDir->filePath(QStringLiteral("lots.sqlite"))));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    SetupPage *setup = window.setupPage();
    SettingsPanel *settings = setup->settingsPanel();
    settings->setManifestPath(mManifest);

    // Zero-shot with MuSc over 1 x 1 and 3 x 3 neighbourhoods, and an ignore
    // region drawn on a part of the lot.
    settings->zeroShotGroup()->setFocus();
    QTest::keyClick(settings->zeroShotGroup(), Qt::Key_Space);
    QVERIFY(settings->zeroShotGroup()->isChecked());
    settings->zeroShotGroup()->neighbourhoodBox(1)->click();
    const QString firstPart = mDir->filePath(QStringLiteral("lot/part_000.png"));
    setup->maskPreview()->showImage(firstPart);
    QVERIFY(waitForPreview(*setup->maskPreview()));
    QTest::mouseClick(setup->maskPreview()->ignoreRegionButton(), Qt::LeftButton);
    MaskCanvas *canvas = setup->maskPreview()->canvas();
    drag(canvas, imagePoint(canvas, 0.0, 0.0), imagePoint(canvas, 0.2, 0.2));
    const InspectionSettings chosen = settings->settings();
    QVERIFY(chosen.zeroShot.enabled);
    QCOMPARE(chosen.zeroShot.neighbourhoods, (QVector<int>{1, 3}));
    QCOMPARE(chosen.mask.source, MaskSource::Region);
    QCOMPARE(chosen.mask.ignoreRegions.size(), 1);

    QSignalSpy finished(window.inspectionJob(), &InspectionJob::finished);
    setup->setLotFolder(mDir->filePath(QStringLiteral("lot")));
    QTest::mouseClick(setup->runButton(), Qt::LeftButton);
    QVERIFY2(window.inspectionJob()->isRunning(), qPrintable(window.lastError()));
    QVERIFY(finished.wait(300000));

    const LotSummary summary = finished.first().at(0).value<LotSummary>();
    QVERIFY(!summary.cancelled);
    QCOMPARE(summary.progress.stored, 6);
    LotStore *store = window.document()->store();
    const std::optional<LotRecord> lot = store->findLot(QStringLiteral("lot"));
    QVERIFY(lot.has_value());
    QVERIFY(store->references(lot->id).isEmpty());
    QVERIFY(lot->rejectThreshold > 0.0);
    for (const PartRecord &part : store->parts(lot->id)) {
        QVERIFY(part.verdict != Verdict::Error);
        QVERIFY(part.imageScore > 0.0);
    }

    // The lot keeps the settings of the set-up page, regions included.
    const InspectionSettings stored =
        InspectionSettings::fromJson(QJsonDocument::fromJson(lot->settingsJson.toUtf8()).object());
    QCOMPARE(stored.toJson(), chosen.toJson());
    QCOMPARE(stored.mask.ignoreRegions, chosen.mask.ignoreRegions);
}

QTEST_MAIN(TestMaskPreview)
#include "test_mask_preview.moc"
