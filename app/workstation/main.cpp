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
#include <initializer_list>

namespace {

bool argumentGiven(int argc, char *argv[], std::initializer_list<const char *> names)
{
    for (int i = 1; i < argc; ++i) {
        for (const char *name : names) {
            if (std::strcmp(argv[i], name) == 0)
                return true;
        }
    }
    return false;
}

struct WorkstationOptions {
    QCommandLineOption database;
    QCommandLineOption lot;
    QCommandLineOption threads;
};

WorkstationOptions addWorkstationOptions(QCommandLineParser &parser)
{
    parser.setApplicationDescription(
        QCoreApplication::translate("main", "Inspection workstation for training-free visual anomaly detection."));
    parser.addHelpOption();
    // Handled by printVersion() before QApplication exists; listed for --help.
    parser.addOption({{QStringLiteral("v"), QStringLiteral("version")},
                      QCoreApplication::translate("main", "Print the version, LibTorch version and device, and the default encoder's SHA-256.")});
    WorkstationOptions options{
        {QStringLiteral("db"), QCoreApplication::translate("main", "Lot database to open (created when missing)."),
         QStringLiteral("file")},
        {QStringLiteral("lot"), QCoreApplication::translate("main", "Lot of the database to show for review."),
         QStringLiteral("name")},
        {QStringLiteral("threads"),
         QCoreApplication::translate("main", "Threads for LibTorch, OpenBLAS and Qt workers (default: $PATCHEAD_THREADS, else the number of cores)."),
         QStringLiteral("n"), QStringLiteral("0")}};
    parser.addOptions({options.database, options.lot, options.threads});
    patchead::workstation::addRunOptions(parser);
    return options;
}

// Prints the help without a QApplication, for the same reason as
// printVersion(). QCommandLineParser::process exits after the help.
int printHelp(int argc, char *argv[])
{
    const QCoreApplication core(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("patchead-workstation"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PATCHEAD_VERSION));
    QCommandLineParser parser;
    addWorkstationOptions(parser);
    parser.process(core);
    return 0;
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
    if (argumentGiven(argc, argv, {"--version", "-v"}))
        return printVersion(argc, argv);
    if (argumentGiven(argc, argv, {"--help", "-h", "-?", "--help-all"}))
        return printHelp(argc, argv);

    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("PatchEAD"));
    QApplication::setApplicationName(QStringLiteral("PatchEAD Workstation"));
    QApplication::setApplicationVersion(QStringLiteral(PATCHEAD_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("org.patchead.workstation"));

    QCommandLineParser parser;
    const WorkstationOptions options = addWorkstationOptions(parser);
    parser.process(app);

    // LibTorch starts with one thread on some machines; set the count before any encoder loads.
    bool threadsValid = false;
    const int threads = parser.value(options.threads).toInt(&threadsValid);
    const QString problem = threadsValid ? patchead::threadCountProblem(threads)
                                         : QStringLiteral("--threads needs a whole number, got \"%1\".")
                                               .arg(parser.value(options.threads));
    if (!problem.isEmpty()) {
        QTextStream(stderr) << "Error: " << problem << "\n";
        return 2;
    }
    patchead::configureThreads(threads);

    patchead::ui::MainWindow window;
    const bool opened = parser.isSet(options.database) ? window.openDatabase(parser.value(options.database))
                                                     : window.openStartupDatabase();
    const bool run = patchead::workstation::runRequested(parser);
    if (!run && parser.isSet(options.lot) && opened && !window.openLotNamed(parser.value(options.lot)))
        QTextStream(stderr) << window.lastError() << '\n';
    if (!opened)
        QTextStream(stderr) << window.lastError() << '\n';
    window.show();
    QString runError;
    if (run && opened && !patchead::workstation::startRunFromOptions(parser, window, runError))
        QTextStream(stderr) << runError << '\n';
    return app.exec();
}
