// Renders the screenshots of the workstation's main screens into a folder:
//
//   xvfb-run -a -s "-screen 0 1600x1000x24" build/tests/ui/patchead_ui_screenshots
//       docs/screenshots --model build/models/mobilenet_v2
//
// It generates the synthetic sample lot, scores its references and runs a
// real inspection through the workstation's worker. Then it makes a few
// operator decisions, moves a threshold, and runs and cancels a second lot.
// It grabs the set-up, review, thresholds and lots screens, the mask preview
// and the settings panel, plus the review screen with a dark palette. Without --model it uses the prepared default
// encoder of PATCHEAD_MODEL_DIR or the build tree.

#include "UiTestSupport.h"
#include "synthetic/SampleLot.h"
#include "ui/EncoderLocator.h"
#include "ui/InspectionJob.h"
#include "ui/LotDocument.h"
#include "ui/LotView.h"
#include "ui/LotsBrowser.h"
#include "ui/MainWindow.h"
#include "ui/MaskPreviewPanel.h"
#include "ui/MaskSettingsGroup.h"
#include "ui/PartReviewView.h"
#include "ui/ReferencePanel.h"
#include "ui/SettingsPanel.h"
#include "ui/SetupPage.h"
#include "ui/ThresholdCommand.h"
#include "ui/ThresholdPanel.h"
#include "encoder/EncoderManifest.h"

#include <QApplication>
#include <QComboBox>
#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStyleFactory>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTextStream>
#include <QUndoStack>

using namespace patchead;
using namespace patchead::ui;

namespace {

QTextStream &err()
{
    static QTextStream stream(stderr);
    return stream;
}

bool save(QWidget *widget, const QString &folder, const QString &name)
{
    QApplication::processEvents();
    QTest::qWait(300);
    const QString path = QDir(folder).filePath(name);
    const bool saved = widget->grab().save(path, "PNG");
    err() << (saved ? "Wrote " : "Cannot write ") << path << '\n';
    err().flush();
    return saved;
}

// Runs the set-up page's lot and waits for the run to end; cancels after
// `cancelAfter` stored parts when it is above 0.
bool runLot(MainWindow &window, const QString &folder, const QString &name, int cancelAfter = 0)
{
    window.setupPage()->setLotFolder(folder);
    window.setupPage()->lotNameEdit()->setText(name);
    // partStored is emitted on the worker thread, so it is counted through a queued connection.
    int stored = 0;
    QObject context;
    QObject::connect(window.inspectionJob(), &InspectionJob::partStored, &context, [&stored] { ++stored; },
                     Qt::QueuedConnection);
    QSignalSpy finished(window.inspectionJob(), &InspectionJob::finished);
    if (!window.runInspection())
        return false;
    if (cancelAfter > 0) {
        if (!QTest::qWaitFor([&] { return stored >= cancelAfter || !finished.isEmpty(); }, 600000))
            return false;
        window.cancelInspection();
    }
    return QTest::qWaitFor([&] { return !finished.isEmpty(); }, 1200000);
}

// Records decisions an operator would make: flagged good parts accepted,
// defective parts rejected, and a few passing parts accepted on a spot check.
void decide(MainWindow &window, const SampleLotSummary &sample)
{
    LotDocument *document = window.document();
    QHash<QString, QString> labels;
    for (const SampleLotEntry &entry : sample.lot)
        labels.insert(QFileInfo(entry.partFile).fileName(), entry.label);
    int spotChecks = 0;
    int decisions = 0;
    for (const PartRecord &part : document->parts()) {
        const bool good = labels.value(QFileInfo(part.path).fileName()) == QLatin1String("good");
        if (part.verdict == Verdict::Pass && (!good || spotChecks >= 4))
            continue;
        if (decisions >= 14)
            break;
        spotChecks += part.verdict == Verdict::Pass ? 1 : 0;
        ++decisions;
        document->applyOperatorVerdict(part.id, good ? OperatorVerdict::Accepted : OperatorVerdict::Rejected);
    }
}

QPalette darkPalette()
{
    QPalette palette;
    palette.setColor(QPalette::Window, QColor(45, 47, 51));
    palette.setColor(QPalette::WindowText, QColor(225, 227, 230));
    palette.setColor(QPalette::Base, QColor(32, 34, 37));
    palette.setColor(QPalette::AlternateBase, QColor(40, 42, 46));
    palette.setColor(QPalette::Text, QColor(225, 227, 230));
    palette.setColor(QPalette::Button, QColor(55, 57, 62));
    palette.setColor(QPalette::ButtonText, QColor(225, 227, 230));
    palette.setColor(QPalette::Highlight, QColor(61, 122, 190));
    palette.setColor(QPalette::HighlightedText, Qt::white);
    palette.setColor(QPalette::Mid, QColor(80, 83, 88));
    palette.setColor(QPalette::PlaceholderText, QColor(150, 152, 156));
    palette.setColor(QPalette::ToolTipBase, QColor(55, 57, 62));
    palette.setColor(QPalette::ToolTipText, QColor(225, 227, 230));
    return palette;
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    patchead::uitest::isolateSettings();
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("folder"), QStringLiteral("Where the PNG files are written."));
    parser.addOption({QStringLiteral("model"), QStringLiteral("Encoder manifest or its folder."), QStringLiteral("path")});
    parser.addHelpOption();
    parser.process(app);
    if (parser.positionalArguments().size() != 1)
        parser.showHelp(2);
    const QString folder = parser.positionalArguments().first();
    QDir().mkpath(folder);
    const QString manifest = parser.isSet(QStringLiteral("model")) ? resolveManifestPath(parser.value(QStringLiteral("model")))
                                                                   : defaultManifestPath();
    if (!QFileInfo::exists(manifest)) {
        err() << "No encoder manifest at " << manifest << "; prepare one with models/prepare-default-encoder.sh.\n";
        return 1;
    }
    configureTorchThreads(0);

    QTemporaryDir work;
    SampleLotOptions options;
    options.imageSize = 256;
    options.referenceCount = 6;
    options.extraReferenceCount = 0;
    options.goodParts = 22;
    options.defectiveParts = 10;
    const SampleLotSummary sample = generateSampleLot(work.filePath(QStringLiteral("sample")), options);
    QStringList lotTwo;
    QDir().mkpath(work.filePath(QStringLiteral("line-2")));
    for (const SampleLotEntry &entry : sample.lot)
        QFile::copy(QDir(sample.outputDir).filePath(entry.partFile),
                    work.filePath(QStringLiteral("line-2/") + QFileInfo(entry.partFile).fileName()));

    QSettings().setValue(QStringLiteral("settings/operator"), QStringLiteral("mara"));
    QSettings().setValue(QStringLiteral("settings/alignment"), QStringLiteral("off"));
    MainWindow window;
    window.resize(1500, 920);
    window.openDatabase(work.filePath(QStringLiteral("lots.sqlite")));
    window.show();
    if (!QTest::qWaitForWindowExposed(&window))
        return 1;

    SetupPage *setup = window.setupPage();
    setup->settingsPanel()->setManifestPath(manifest);
    // A PCA foreground mask with one ignore region, shown on the first reference.
    MaskSettingsGroup *mask = setup->settingsPanel()->maskGroup();
    mask->sourceBox()->setCurrentIndex(mask->sourceBox()->findData(QStringLiteral("pca")));
    setup->settingsPanel()->setMaskRegions(QRectF(), {QRectF(0.04, 0.04, 0.22, 0.16)});
    setup->referencePanel()->addPaths({sample.trainGoodDir});
    setup->referencePanel()->listWidget()->setCurrentRow(0);
    setup->setLotFolder(sample.lotDir);
    setup->lotNameEdit()->setText(QStringLiteral("flange-0601-A"));
    if (!QTest::qWaitFor([&] { return !setup->referencePanel()->highlightedPath().isEmpty(); }, 600000))
        err() << "The references were not scored: " << setup->referencePanel()->statusLabel()->text() << '\n';
    MaskPreviewPanel *preview = setup->maskPreview();
    if (!QTest::qWaitFor([&] { return !preview->isComputing() && !preview->preview().foreground.isEmpty(); }, 600000))
        err() << "The mask preview was not computed: " << preview->statusLabel()->text() << '\n';
    save(&window, folder, QStringLiteral("setup.png"));
    save(preview->parentWidget(), folder, QStringLiteral("mask-preview.png"));
    save(setup->settingsPanel(), folder, QStringLiteral("settings.png"));

    if (!runLot(window, sample.lotDir, QStringLiteral("flange-0601-A")))
        return 1;
    decide(window, sample);
    window.lotView()->setFilter(PartFilter::All);
    window.lotView()->tableView()->sortByColumn(1, Qt::DescendingOrder);
    QSignalSpy shown(window.reviewView(), &PartReviewView::frameShown);
    window.lotView()->selectPart(window.lotView()->flaggedNeighbour(+1));
    window.lotView()->selectNextFlagged();
    shown.wait(10000);
    save(&window, folder, QStringLiteral("review.png"));

    LotDocument *document = window.document();
    const ThresholdPair before{document->rejectThreshold(), document->reviewThreshold()};
    const ThresholdPair after{before.reject * 0.92, before.review * 0.9};
    document->undoStack()->push(new ThresholdCommand(document, before, after, false));
    window.lotView()->setFilter(PartFilter::ReviewBand);
    window.lotView()->selectNextFlagged();
    shown.wait(10000);
    save(&window, folder, QStringLiteral("thresholds.png"));

    const QPalette light = QApplication::palette();
    QApplication::setPalette(darkPalette());
    window.lotView()->setFilter(PartFilter::Flagged);
    window.lotView()->selectNextFlagged();
    shown.wait(10000);
    save(&window, folder, QStringLiteral("review-dark.png"));
    QApplication::setPalette(light);

    runLot(window, work.filePath(QStringLiteral("line-2")), QStringLiteral("flange-0601-B"), 5);
    window.showPage(MainWindow::LotsPageIndex);
    window.lotsBrowser()->refresh();
    window.lotsBrowser()->tableView()->selectRow(1);
    save(&window, folder, QStringLiteral("lots.png"));
    return 0;
}
