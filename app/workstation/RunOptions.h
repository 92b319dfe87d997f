#pragma once

#include <QCommandLineParser>
#include <QString>

namespace patchead::ui {
class MainWindow;
}

namespace patchead::workstation {

// Adds --lot-folder, --references and --run, which start an inspection as
// soon as the window opens (for scripted stations and tests).
void addRunOptions(QCommandLineParser &parser);

// Whether --run was given.
bool runRequested(const QCommandLineParser &parser);

// With --run: fills the set-up page from --lot-folder, --references and
// --lot (the lot name, default the folder's name) and starts the
// inspection with the remembered settings. Returns false with the message
// in `error` when the options are incomplete or the run cannot start.
bool startRunFromOptions(const QCommandLineParser &parser, ui::MainWindow &window, QString &error);

} // namespace patchead::workstation
