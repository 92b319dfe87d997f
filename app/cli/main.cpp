// patchead: the command-line tool for headless and scripted inspection.
#include "CliCommon.h"
#include "Commands.h"
#include "common/Error.h"

#include <QCoreApplication>
#include <QGuiApplication>

#include <functional>
#include <map>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>

using namespace patchead;
using namespace patchead::cli;

namespace {

const char *const kUsage =
    "Usage: patchead <command> [options]\n"
    "\n"
    "Commands:\n"
    "  inspect          Inspect a lot folder against known-good reference images\n"
    "  eval             Evaluate on a labelled dataset (MVTec AD layout) and print AUROC\n"
    "  make-sample      Generate the synthetic sample lot used by the README and tests\n"
    "  report           Export a stored lot: PDF report, CSV and JSON of its parts\n"
    "  prepare-encoder  Prepare the default encoder (first run; needs npm and python3-torch)\n"
    "  version          Print the version, LibTorch version and device, and default encoder\n"
    "\n"
    "Run 'patchead <command> --help' for the options of a command.\n";

int dispatch(const QStringList &arguments)
{
    static const std::map<QString, std::function<int(const QStringList &)>> commands{
        {QStringLiteral("inspect"), runInspect},
        {QStringLiteral("eval"), runEval},
        {QStringLiteral("make-sample"), runMakeSample},
        {QStringLiteral("report"), runReport},
        {QStringLiteral("prepare-encoder"), runPrepareEncoder},
        {QStringLiteral("version"), runVersion},
        {QStringLiteral("--version"), runVersion},
    };
    if (arguments.size() < 2 || arguments[1] == QLatin1String("--help") || arguments[1] == QLatin1String("-h")) {
        (arguments.size() < 2 ? err() : out()) << kUsage;
        return arguments.size() < 2 ? ExitUsage : ExitOk;
    }
    const auto command = commands.find(arguments[1]);
    if (command == commands.end()) {
        err() << "Unknown command \"" << arguments[1] << "\".\n\n" << kUsage;
        return ExitUsage;
    }
    QStringList commandArguments = arguments.mid(1);
    commandArguments[0] = arguments[0] + QLatin1Char(' ') + arguments[1];
    return command->second(commandArguments);
}

// QtGui requests the runtime folder and, where XDG_RUNTIME_DIR is unset (a
// shell over ssh, a cron job, a container), prints a warning before it
// falls back to /tmp/runtime-<user>. The report command sets that fallback
// itself when the folder is absent or private to this user, so reports print
// no warning that the user cannot act on.
void provideRuntimeFolder()
{
    if (!qEnvironmentVariableIsEmpty("XDG_RUNTIME_DIR"))
        return;
    const QByteArray folder = QByteArray("/tmp/runtime-") + QByteArray::number(static_cast<qulonglong>(::getuid()));
    ::mkdir(folder.constData(), 0700);
    struct stat info {};
    if (::lstat(folder.constData(), &info) == 0 && S_ISDIR(info.st_mode) && info.st_uid == ::getuid() &&
        (info.st_mode & 0777) == 0700)
        qputenv("XDG_RUNTIME_DIR", folder);
}

// `report` lays out PDF text, which needs QtGui's font database and so a
// QGuiApplication; the offscreen platform needs no display.
std::unique_ptr<QCoreApplication> makeApplication(int &argc, char *argv[])
{
    if (argc > 1 && qstrcmp(argv[1], "report") == 0) {
        if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
            qputenv("QT_QPA_PLATFORM", "offscreen");
        provideRuntimeFolder();
        return std::make_unique<QGuiApplication>(argc, argv);
    }
    return std::make_unique<QCoreApplication>(argc, argv);
}

} // namespace

int main(int argc, char *argv[])
{
    const std::unique_ptr<QCoreApplication> app = makeApplication(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("patchead"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PATCHEAD_VERSION));
    int code = ExitFailure;
    try {
        code = dispatch(QCoreApplication::arguments());
    } catch (const SettingsError &error) {
        err() << "Error: " << error.message() << "\n";
        code = ExitUsage;
    } catch (const ModelError &error) {
        err() << "Error: " << error.message() << "\n";
        code = ExitModel;
    } catch (const StoreError &error) {
        err() << "Error: " << error.message() << "\n";
        code = ExitStore;
    } catch (const Error &error) {
        err() << "Error: " << error.message() << "\n";
        code = ExitFailure;
    } catch (const std::exception &error) {
        err() << "Unexpected error: " << error.what() << "\n";
        code = ExitFailure;
    }
    out().flush();
    err().flush();
    return code;
}
