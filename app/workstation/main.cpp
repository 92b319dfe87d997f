// patchead-workstation: the inspection workstation (Qt Widgets).
//
//   patchead-workstation [--db FILE] [--lot NAME]
//   patchead-workstation --db FILE --run --lot-folder FOLDER --references PATH [--lot NAME]
//
// opens a lot database (the most recent one, or the default one in the
// user's data folder, when --db is not given) and, with --lot, shows that
// lot on the review page. With --run it starts inspecting the folder at once.

#include "RunOptions.h"
#include "ui/MainWindow.h"
#include "inspection/ThreadSettings.h"

#include "encoder/VersionReport.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QTextStream>

#include <cstring>

namespace {

bool versionRequested(int argc, char *argv[])
{
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--version") == 0 || std::strcmp(argv[i], "-v") == 0)
            return true;
    }
    return false;
}

// Prints the version without a QApplication, because QApplication aborts
// where there is no display (a terminal over SSH, a chroot, CI).
int printVersion(int argc, char *argv[])
{
    const QCoreApplication core(argc, argv);
    QTextStream(stdout) << patchead::versionReport(QStringLiteral("patchead-workstation"),
                                                   QStringLiteral(PATCHEAD_VERSION));
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    if (versionRequested(argc, argv))
        return printVersion(argc, argv);

    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("PatchEAD"));
    QApplication::setApplicationName(QStringLiteral("PatchEAD Workstation"));
    QApplication::setApplicationVersion(QStringLiteral(PATCHEAD_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("org.patchead.workstation"));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QApplication::translate("main", "Inspection workstation for training-free visual anomaly detection."));
    parser.addHelpOption();
    // Handled by printVersion() before QApplication exists; listed for --help.
    parser.addOption({{QStringLiteral("v"), QStringLiteral("version")},
                      QApplication::translate("main", "Print the version, LibTorch version and device, and the default encoder's SHA-256.")});
    const QCommandLineOption databaseOption(QStringLiteral("db"),
                                            QApplication::translate("main", "Lot database to open (created when missing)."),
                                            QStringLiteral("file"));
    const QCommandLineOption lotOption(QStringLiteral("lot"),
                                       QApplication::translate("main", "Lot of the database to show for review."),
                                       QStringLiteral("name"));
    const QCommandLineOption threadsOption(QStringLiteral("threads"),
                                           QApplication::translate("main", "Threads for LibTorch, OpenBLAS and Qt workers (default: $PATCHEAD_THREADS, else the number of cores)."),
                                           QStringLiteral("n"), QStringLiteral("0"));
    parser.addOptions({databaseOption, lotOption, threadsOption});
    patchead::workstation::addRunOptions(parser);
    parser.process(app);

    // LibTorch starts with one thread on some machines; set the count before any encoder loads.
    bool threadsValid = false;
    const int threads = parser.value(threadsOption).toInt(&threadsValid);
    const QString problem = threadsValid ? patchead::threadCountProblem(threads)
                                         : QStringLiteral("--threads needs a whole number, got \"%1\".")
                                               .arg(parser.value(threadsOption));
    if (!problem.isEmpty()) {
        QTextStream(stderr) << "Error: " << problem << "\n";
        return 2;
    }
    patchead::configureThreads(threads);

    patchead::ui::MainWindow window;
    const bool opened = parser.isSet(databaseOption) ? window.openDatabase(parser.value(databaseOption))
                                                     : window.openStartupDatabase();
    const bool run = patchead::workstation::runRequested(parser);
    if (!run && parser.isSet(lotOption) && opened && !window.openLotNamed(parser.value(lotOption)))
        QTextStream(stderr) << window.lastError() << '\n';
    if (!opened)
        QTextStream(stderr) << window.lastError() << '\n';
    window.show();
    QString runError;
    if (run && opened && !patchead::workstation::startRunFromOptions(parser, window, runError))
        QTextStream(stderr) << runError << '\n';
    return app.exec();
}
