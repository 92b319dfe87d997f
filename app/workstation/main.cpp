// patchead-workstation: the inspection workstation (Qt Widgets).
//
//   patchead-workstation [--db FILE] [--lot NAME]
//
// opens a lot database (the most recent one, or the default one in the
// user's data folder, when --db is not given) and, with --lot, shows that
// lot on the review page.

#include "ui/MainWindow.h"
#include "encoder/Encoder.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QTextStream>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("PatchEAD"));
    QApplication::setApplicationName(QStringLiteral("PatchEAD Workstation"));
    QApplication::setApplicationVersion(QStringLiteral(PATCHEAD_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("patchead-workstation"));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QApplication::translate("main", "Inspection workstation for training-free visual anomaly detection."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption databaseOption(QStringLiteral("db"),
                                            QApplication::translate("main", "Lot database to open (created when missing)."),
                                            QStringLiteral("file"));
    const QCommandLineOption lotOption(QStringLiteral("lot"),
                                       QApplication::translate("main", "Lot of the database to show for review."),
                                       QStringLiteral("name"));
    const QCommandLineOption threadsOption(QStringLiteral("threads"),
                                           QApplication::translate("main", "LibTorch intra-op threads (default: number of cores)."),
                                           QStringLiteral("n"), QStringLiteral("0"));
    parser.addOptions({databaseOption, lotOption, threadsOption});
    parser.process(app);

    // LibTorch starts with one thread on some machines; set the count before any encoder loads.
    patchead::configureTorchThreads(parser.value(threadsOption).toInt());

    patchead::ui::MainWindow window;
    const bool opened = parser.isSet(databaseOption) ? window.openDatabase(parser.value(databaseOption))
                                                     : window.openStartupDatabase();
    if (parser.isSet(lotOption) && opened && !window.openLotNamed(parser.value(lotOption)))
        QTextStream(stderr) << window.lastError() << '\n';
    if (!opened)
        QTextStream(stderr) << window.lastError() << '\n';
    window.show();
    return app.exec();
}
