#include "RunOptions.h"

#include "ui/MainWindow.h"
#include "ui/ReferencePanel.h"
#include "ui/SetupPage.h"

#include <QApplication>
#include <QFileInfo>
#include <QLineEdit>

namespace patchead::workstation {

void addRunOptions(QCommandLineParser &parser)
{
    parser.addOption({QStringLiteral("lot-folder"),
                      QApplication::translate("main", "Folder of part images to inspect with --run."),
                      QStringLiteral("folder")});
    parser.addOption({QStringLiteral("references"),
                      QApplication::translate("main", "Known-good image or folder of them for --run (repeatable)."),
                      QStringLiteral("path")});
    parser.addOption({QStringLiteral("run"),
                      QApplication::translate("main", "Start inspecting --lot-folder at once, as lot --lot (default: the "
                                                      "folder's name; an existing lot resumes), with the remembered "
                                                      "settings.")});
}

bool runRequested(const QCommandLineParser &parser)
{
    return parser.isSet(QStringLiteral("run"));
}

bool startRunFromOptions(const QCommandLineParser &parser, ui::MainWindow &window, QString &error)
{
    const QString folder = parser.value(QStringLiteral("lot-folder"));
    if (folder.isEmpty()) {
        error = QApplication::translate("main", "--run needs --lot-folder, the folder of part images to inspect.");
        return false;
    }
    ui::SetupPage *setup = window.setupPage();
    // The run builds the reference set itself. Scoring the references on the
    // set-up page as well would load a second encoder and slow the run down.
    setup->setAutoScore(false);
    setup->setLotFolder(QFileInfo(folder).absoluteFilePath());
    if (parser.isSet(QStringLiteral("lot")))
        setup->lotNameEdit()->setText(parser.value(QStringLiteral("lot")));
    setup->referencePanel()->addPaths(parser.values(QStringLiteral("references")));
    if (!window.runInspection()) {
        error = window.lastError();
        return false;
    }
    return true;
}

} // namespace patchead::workstation
