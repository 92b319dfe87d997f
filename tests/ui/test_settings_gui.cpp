// Tests of the settings panel and the region drawing of the mask preview,
// without an encoder. Every setting survives a restart through QSettings,
// and the layer list leaves out attention outputs. Mouse drags on the
// preview draw the region of interest and ignore regions into the mask
// settings, where clicks, Delete and Clear regions edit them.

#include "UiTestSupport.h"
#include "common/Error.h"
#include "ui/MaskCanvas.h"
#include "ui/MaskPreviewPanel.h"
#include "ui/MaskSettingsGroup.h"
#include "ui/SettingsPanel.h"
#include "ui/ZeroShotSettingsGroup.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

using namespace patchead;
using namespace patchead::ui;
using namespace patchead::uitest;

namespace {

QJsonObject output(const QString &name, const QString &kind, int channels)
{
    return {{QStringLiteral("name"), name}, {QStringLiteral("kind"), kind}, {QStringLiteral("stride"), 14},
            {QStringLiteral("channels"), channels}};
}

// Writes a ViT manifest with an attention output. The module file only has to exist.
QString writeVitManifest(const QString &folder)
{
    QFile module(QDir(folder).filePath(QStringLiteral("encoder.pt")));
    if (!module.open(QIODevice::WriteOnly))
        return {};
    module.write("not loaded by these tests");
    module.close();
    const QJsonObject manifest{
        {QStringLiteral("format"), QStringLiteral("patchead-encoder")},
        {QStringLiteral("format_version"), 1},
        {QStringLiteral("name"), QStringLiteral("vit-test")},
        {QStringLiteral("architecture"), QJsonObject{{QStringLiteral("kind"), QStringLiteral("vit")},
                                                     {QStringLiteral("family"), QStringLiteral("dinov2")},
                                                     {QStringLiteral("patch_size"), 14}}},
        {QStringLiteral("module_file"), QStringLiteral("encoder.pt")},
        {QStringLiteral("module_sha256"), QStringLiteral("00")},
        {QStringLiteral("input"), QJsonObject{{QStringLiteral("width"), 224},
                                              {QStringLiteral("height"), 224},
                                              {QStringLiteral("size_multiple"), 14},
                                              {QStringLiteral("interpolation"), QStringLiteral("bicubic")},
                                              {QStringLiteral("mean"), QJsonArray{0.5, 0.5, 0.5}},
                                              {QStringLiteral("std"), QJsonArray{0.5, 0.5, 0.5}}}},
        {QStringLiteral("outputs"), QJsonArray{output(QStringLiteral("block8"), QStringLiteral("tokens"), 384),
                                               output(QStringLiteral("block11"), QStringLiteral("tokens"), 384),
                                               output(QStringLiteral("attention"), QStringLiteral("attention"), 1)}},
        {QStringLiteral("default_layers"), QJsonArray{QStringLiteral("block8")}},
        {QStringLiteral("global_embedding"), QStringLiteral("block11")},
        {QStringLiteral("attention"), true},
        {QStringLiteral("prefix_tokens"), 1},
        {QStringLiteral("register_tokens"), 4}};
    const QString path = QDir(folder).filePath(QStringLiteral("manifest.json"));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return {};
    file.write(QJsonDocument(manifest).toJson());
    return path;
}

QStringList layerNames(const QListWidget *list)
{
    QStringList names;
    for (int row = 0; row < list->count(); ++row)
        names << list->item(row)->data(Qt::UserRole).toString();
    return names;
}

// Drags with the left button from one point to another, in widget coordinates.
void drag(QWidget *widget, QPoint from, QPoint to)
{
    QTest::mousePress(widget, Qt::LeftButton, Qt::NoModifier, from);
    QTest::mouseMove(widget, (from + to) / 2);
    QTest::mouseMove(widget, to);
    QTest::mouseRelease(widget, Qt::LeftButton, Qt::NoModifier, to);
}

// The widget point at fractions (fx, fy) of the painted image.
QPoint imagePoint(const MaskCanvas *canvas, double fx, double fy)
{
    const QRect image = canvas->imageRect();
    return QPoint(image.left() + qRound(fx * image.width()), image.top() + qRound(fy * image.height()));
}

} // namespace

class TestSettingsGui : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void init();

    void settingsSurviveRestart();
    void shotsAndJoiningChooseReferences();
    void zeroShotNeedsNeighbourhood();
    void layerListSkipsAttention();
    void dragsDrawRegionsIntoSettings();
    void clickAndDeleteRemoveRegion();

private:
    std::unique_ptr<QTemporaryDir> mDir;
};

void TestSettingsGui::initTestCase()
{
    isolateSettings();
}

void TestSettingsGui::init()
{
    QSettings().clear();
    mDir = std::make_unique<QTemporaryDir>();
    QVERIFY(mDir->isValid());
}

void TestSettingsGui::settingsSurviveRestart()
{
    InspectionSettings chosen;
    {
        SettingsPanel panel;
        panel.resolutionSpin()->setValue(320);
        panel.keepAspectBox()->setChecked(true);
        panel.shotsSpin()->setValue(3);
        panel.alignmentBox()->setCurrentIndex(panel.alignmentBox()->findData(QStringLiteral("always")));
        panel.rotationStepBox()->setCurrentIndex(panel.rotationStepBox()->findData(90));
        panel.flipsBox()->setChecked(true);

        ZeroShotSettingsGroup *zeroShot = panel.zeroShotGroup();
        zeroShot->setChecked(true);
        zeroShot->ruleBox()->setCurrentIndex(zeroShot->ruleBox()->findData(QStringLiteral("pooled-quantile")));
        zeroShot->quantileSpin()->setValue(0.5);
        zeroShot->neighbourhoodBox(1)->setChecked(true);
        zeroShot->neighbourhoodBox(3)->setChecked(false);
        zeroShot->neighbourhoodBox(5)->setChecked(true);
        zeroShot->referencesBox()->setChecked(false);

        MaskSettingsGroup *mask = panel.maskGroup();
        mask->sourceBox()->setCurrentIndex(mask->sourceBox()->findData(QStringLiteral("pca")));
        mask->pcaThresholdSlider()->setValue(-7);
        mask->backgroundWeightSlider()->setValue(20);
        panel.setMaskRegions(QRectF(0.125, 0.2, 0.6, 0.55), {QRectF(0.3, 0.31, 0.1, 0.05), QRectF(0.0, 0.9, 1.0, 0.1)});
        chosen = panel.settings();
    }

    QCOMPARE(chosen.resolution, 320);
    QVERIFY(chosen.keepAspect);
    QCOMPARE(chosen.alignment.mode, AlignmentMode::Always);
    QCOMPARE(chosen.alignment.rotationStepDegrees, 90);
    QVERIFY(chosen.alignment.allowFlips);
    QVERIFY(chosen.zeroShot.enabled);
    QCOMPARE(chosen.zeroShot.scoring.rule, MutualScoringRule::PooledQuantileMean);
    QCOMPARE(chosen.zeroShot.scoring.pooledQuantile, 0.005);
    QCOMPARE(chosen.zeroShot.neighbourhoods, (QVector<int>{1, 5}));
    QCOMPARE(chosen.mask.source, MaskSource::Pca);
    QCOMPARE(chosen.mask.pcaThreshold, -0.35);
    QCOMPARE(chosen.mask.backgroundWeight, 0.2);
    QCOMPARE(chosen.mask.regionOfInterest, QRectF(0.125, 0.2, 0.6, 0.55));
    QCOMPARE(chosen.mask.ignoreRegions.size(), 2);

    // A new panel, as after a restart, reads every value back.
    SettingsPanel restarted;
    QCOMPARE(restarted.shotsSpin()->value(), 3);
    QVERIFY(!restarted.zeroShotGroup()->referencesJoinBatch());
    const InspectionSettings reread = restarted.settings();
    QCOMPARE(reread.toJson(), chosen.toJson());
    QCOMPARE(reread.mask.ignoreRegions, chosen.mask.ignoreRegions);
}

void TestSettingsGui::shotsAndJoiningChooseReferences()
{
    SettingsPanel panel;
    const QStringList references{QStringLiteral("/a.png"), QStringLiteral("/b.png"), QStringLiteral("/c.png")};
    QCOMPARE(panel.referencesForRun(references), references);
    panel.shotsSpin()->setValue(2);
    QCOMPARE(panel.referencesForRun(references), references.mid(0, 2));

    panel.zeroShotGroup()->setChecked(true);
    panel.zeroShotGroup()->referencesBox()->setChecked(true);
    QCOMPARE(panel.referencesForRun(references), references.mid(0, 2));
    panel.zeroShotGroup()->referencesBox()->setChecked(false);
    QVERIFY(panel.referencesForRun(references).isEmpty());
}

void TestSettingsGui::zeroShotNeedsNeighbourhood()
{
    SettingsPanel panel;
    ZeroShotSettingsGroup *zeroShot = panel.zeroShotGroup();
    zeroShot->setChecked(true);
    for (int size : {1, 3, 5})
        zeroShot->neighbourhoodBox(size)->setChecked(false);
    QVERIFY_THROWS_EXCEPTION(SettingsError, panel.settings());

    // While zero-shot is off, the empty choice does not block few-shot runs.
    zeroShot->setChecked(false);
    QVERIFY(!panel.settings().zeroShot.enabled);
}

void TestSettingsGui::layerListSkipsAttention()
{
    const QString manifest = writeVitManifest(mDir->path());
    QVERIFY(!manifest.isEmpty());
    SettingsPanel panel;
    panel.setManifestPath(manifest);
    QVERIFY(panel.hasValidManifest());
    QCOMPARE(layerNames(panel.layerList()), (QStringList{QStringLiteral("block8"), QStringLiteral("block11")}));

    // The attention source is offered for this encoder only.
    const auto *model = qobject_cast<const QStandardItemModel *>(panel.maskGroup()->sourceBox()->model());
    QVERIFY(model);
    const int attention = panel.maskGroup()->sourceBox()->findData(QStringLiteral("attention"));
    QVERIFY(model->item(attention)->isEnabled());
    panel.setManifestPath(QDir(qEnvironmentVariable("PATCHEAD_MODEL_DIR")).filePath(QStringLiteral("mobilenet_v2/manifest.json")));
    if (panel.hasValidManifest())
        QVERIFY(!model->item(attention)->isEnabled());
}

void TestSettingsGui::dragsDrawRegionsIntoSettings()
{
    const QString image = writePartImage(mDir->filePath(QStringLiteral("part.png")), 200, 3, false);
    SettingsPanel settings;
    // No encoder is needed to draw: the preview reports the missing manifest.
    settings.setManifestPath(mDir->filePath(QStringLiteral("missing/manifest.json")));
    MaskPreviewPanel preview(&settings);
    preview.resize(640, 520);
    preview.show();
    QVERIFY(QTest::qWaitForWindowExposed(&preview));
    QSignalSpy updated(&preview, &MaskPreviewPanel::previewUpdated);
    preview.showImage(image);
    QVERIFY(updated.wait(10000));
    QVERIFY(!preview.statusLabel()->text().isEmpty());

    // The job loads the image before the encoder, so the image is shown.
    MaskCanvas *canvas = preview.canvas();
    QVERIFY(!canvas->image().isNull());
    QCOMPARE(settings.settings().mask.source, MaskSource::None);

    // Region of interest: the source switches from none to region.
    QTest::mouseClick(preview.regionOfInterestButton(), Qt::LeftButton);
    drag(canvas, imagePoint(canvas, 0.1, 0.2), imagePoint(canvas, 0.9, 0.8));
    MaskSettings mask = settings.settings().mask;
    QCOMPARE(mask.source, MaskSource::Region);
    QVERIFY(qAbs(mask.regionOfInterest.left() - 0.1) < 0.02);
    QVERIFY(qAbs(mask.regionOfInterest.top() - 0.2) < 0.02);
    QVERIFY(qAbs(mask.regionOfInterest.right() - 0.9) < 0.02);
    QVERIFY(qAbs(mask.regionOfInterest.bottom() - 0.8) < 0.02);
    QVERIFY(mask.ignoreRegions.isEmpty());

    // Ignore region, dragged from bottom right to top left.
    QTest::mouseClick(preview.ignoreRegionButton(), Qt::LeftButton);
    drag(canvas, imagePoint(canvas, 0.6, 0.6), imagePoint(canvas, 0.4, 0.4));
    mask = settings.settings().mask;
    QCOMPARE(mask.ignoreRegions.size(), 1);
    QVERIFY(qAbs(mask.ignoreRegions[0].left() - 0.4) < 0.02);
    QVERIFY(qAbs(mask.ignoreRegions[0].width() - 0.2) < 0.02);
    QVERIFY(!mask.regionOfInterest.isEmpty());

    // A drag that starts outside the image draws nothing.
    drag(canvas, QPoint(1, 1), QPoint(3, 3));
    QCOMPARE(settings.settings().mask.ignoreRegions.size(), 1);

    // Clear regions in the settings panel removes both, on the canvas too.
    QVERIFY(settings.maskGroup()->clearRegionsButton()->isEnabled());
    QTest::mouseClick(settings.maskGroup()->clearRegionsButton(), Qt::LeftButton);
    mask = settings.settings().mask;
    QVERIFY(mask.regionOfInterest.isEmpty());
    QVERIFY(mask.ignoreRegions.isEmpty());
    QVERIFY(canvas->regionOfInterest().isEmpty());
    QVERIFY(canvas->ignoreRegions().isEmpty());
}

void TestSettingsGui::clickAndDeleteRemoveRegion()
{
    const QString image = writePartImage(mDir->filePath(QStringLiteral("part.png")), 160, 4, false);
    SettingsPanel settings;
    settings.setManifestPath(mDir->filePath(QStringLiteral("missing/manifest.json")));
    MaskPreviewPanel preview(&settings);
    preview.resize(600, 480);
    preview.show();
    QVERIFY(QTest::qWaitForWindowExposed(&preview));
    QSignalSpy updated(&preview, &MaskPreviewPanel::previewUpdated);
    preview.showImage(image);
    QVERIFY(updated.wait(10000));
    MaskCanvas *canvas = preview.canvas();

    QTest::mouseClick(preview.ignoreRegionButton(), Qt::LeftButton);
    drag(canvas, imagePoint(canvas, 0.05, 0.05), imagePoint(canvas, 0.3, 0.3));
    drag(canvas, imagePoint(canvas, 0.6, 0.6), imagePoint(canvas, 0.95, 0.9));
    QCOMPARE(settings.settings().mask.ignoreRegions.size(), 2);
    const QRectF second = settings.settings().mask.ignoreRegions[1];

    // A click selects the region under it, and Delete removes only that one.
    QTest::mouseClick(canvas, Qt::LeftButton, Qt::NoModifier, imagePoint(canvas, 0.15, 0.15));
    QCOMPARE(canvas->selectedRegion(), 1);
    QVERIFY(preview.deleteRegionButton()->isEnabled());
    canvas->setFocus();
    QTest::keyClick(canvas, Qt::Key_Delete);
    QCOMPARE(settings.settings().mask.ignoreRegions, (QVector<QRectF>{second}));
    QCOMPARE(canvas->selectedRegion(), -1);
    QVERIFY(!preview.deleteRegionButton()->isEnabled());

    // A click outside every region selects none, and Delete then changes nothing.
    QTest::mouseClick(canvas, Qt::LeftButton, Qt::NoModifier, imagePoint(canvas, 0.3, 0.8));
    QCOMPARE(canvas->selectedRegion(), -1);
    QTest::keyClick(canvas, Qt::Key_Delete);
    QCOMPARE(settings.settings().mask.ignoreRegions.size(), 1);

    // The delete button removes the selected region as the key does.
    QTest::mouseClick(canvas, Qt::LeftButton, Qt::NoModifier, imagePoint(canvas, 0.8, 0.8));
    QCOMPARE(canvas->selectedRegion(), 1);
    QTest::mouseClick(preview.deleteRegionButton(), Qt::LeftButton);
    QVERIFY(settings.settings().mask.ignoreRegions.isEmpty());
}

QTEST_MAIN(TestSettingsGui)
#include "test_settings_gui.moc"
