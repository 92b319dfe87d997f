// `patchead prepare-encoder`: the first-run step that converts the default
// encoder (MobileNetV2 from the nsfwjs npm package) with the repository's
// models/ scripts. It needs Node.js with npm, the npm registry once, and
// /usr/bin/python3 with torch and numpy; the scripts name what is missing.
#include "Commands.h"

#include "CliCommon.h"
#include "encoder/EncoderLocation.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>

namespace patchead::cli {

namespace {

// Copies the files of `source` into `target`, replacing older copies and
// keeping other files in `target` (npm's node_modules from an earlier run).
bool copyTree(const QString &source, const QString &target)
{
    QDirIterator files(source, QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (files.hasNext()) {
        const QString from = files.next();
        const QString to = QDir(target).filePath(QDir(source).relativeFilePath(from));
        if (!QDir().mkpath(QFileInfo(to).absolutePath()))
            return false;
        QFile::remove(to);
        if (!QFile::copy(from, to)) {
            err() << "Error: copying " << from << " to " << to << " failed.\n";
            return false;
        }
    }
    return true;
}

// The models/ folder to run the scripts from. The installed copy is
// read-only and `npm ci` writes node_modules beside the scripts, so an
// installed program works on a copy in the user's cache folder.
QString writableEncoderSources()
{
    const QString installed = installedEncoderSources();
    if (installed.isEmpty())
        return QStringLiteral(PATCHEAD_SOURCE_DIR "/models");
    const QString work = QDir(QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation))
                             .filePath(QStringLiteral("patchead/models-src"));
    if (!copyTree(installed, work)) {
        err() << "Error: cannot copy the encoder scripts from " << installed << " to " << work
              << ". Free space there or set XDG_CACHE_HOME to a writable folder.\n";
        return QString();
    }
    return work;
}

} // namespace

int runPrepareEncoder(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Prepare the default encoder (MobileNetV2, nsfwjs 4.4.0): download it with npm once, convert it "
        "to TorchScript with /usr/bin/python3 (torch, numpy) and verify it against TensorFlow.js. "
        "Needs Node.js 18 or later with npm, and the npm registry."));
    parser.addOption({QStringLiteral("out"),
                      QStringLiteral("Encoder folder to write mobilenet_v2/ into (default: %1).").arg(encoderPreparationFolder()),
                      QStringLiteral("folder"), encoderPreparationFolder()});
    parser.addOption({QStringLiteral("force"), QStringLiteral("Prepare again even when a verified encoder is there.")});
    int exitCode = ExitOk;
    if (!parseOrExplain(parser, arguments, exitCode))
        return exitCode;

    const QString sources = writableEncoderSources();
    if (sources.isEmpty())
        return ExitFailure;
    QStringList scriptArguments{QDir(sources).filePath(QStringLiteral("prepare-default-encoder.sh")),
                                parser.value(QStringLiteral("out"))};
    if (parser.isSet(QStringLiteral("force")))
        scriptArguments << QStringLiteral("--force");

    QProcess script;
    script.setProcessChannelMode(QProcess::ForwardedChannels);
    script.start(QStringLiteral("bash"), scriptArguments);
    if (!script.waitForStarted()) {
        err() << "Error: cannot run bash " << scriptArguments.join(QLatin1Char(' ')) << ": " << script.errorString()
              << ". Install bash.\n";
        return ExitFailure;
    }
    script.waitForFinished(-1);
    if (script.exitStatus() != QProcess::NormalExit || script.exitCode() != 0) {
        err() << "Error: the default encoder was not prepared (messages above).\n";
        return script.exitCode() == 2 ? ExitUsage : ExitModel;
    }
    return ExitOk;
}

} // namespace patchead::cli
