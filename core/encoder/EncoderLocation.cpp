#include "encoder/EncoderLocation.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

namespace patchead {

namespace {

const char *const kDefaultEncoder = "mobilenet_v2";

QString besideExecutable(const QString &relative)
{
    return QDir::cleanPath(QDir(QCoreApplication::applicationDirPath()).filePath(relative));
}

} // namespace

QString userEncoderFolder()
{
    // GenericDataLocation, not AppDataLocation: the CLI and the workstation
    // have different application names but share one encoder folder.
    return QDir(QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation))
        .filePath(QStringLiteral("patchead/models"));
}

QStringList encoderSearchFolders()
{
    QStringList folders;
    const QString fromEnvironment = qEnvironmentVariable("PATCHEAD_MODEL_DIR");
    if (!fromEnvironment.isEmpty())
        folders << fromEnvironment;
    folders << QStringLiteral(PATCHEAD_BUILD_MODEL_DIR);
    folders << userEncoderFolder();
    folders << besideExecutable(QStringLiteral("../share/patchead/models"));
    return folders;
}

QString installedEncoderSources()
{
    const QString folder = besideExecutable(QStringLiteral("../share/patchead/models-src"));
    if (QFileInfo::exists(QDir(folder).filePath(QStringLiteral("prepare-default-encoder.sh"))))
        return folder;
    return QString();
}

QString encoderPreparationFolder()
{
    const QString fromEnvironment = qEnvironmentVariable("PATCHEAD_MODEL_DIR");
    if (!fromEnvironment.isEmpty())
        return fromEnvironment;
    if (!installedEncoderSources().isEmpty())
        return userEncoderFolder();
    return QStringLiteral(PATCHEAD_BUILD_MODEL_DIR);
}

QString encoderPreparationCommand()
{
    if (!installedEncoderSources().isEmpty())
        return QStringLiteral("patchead prepare-encoder");
    return QStringLiteral("%1/models/prepare-default-encoder.sh %2")
        .arg(QStringLiteral(PATCHEAD_SOURCE_DIR), encoderPreparationFolder());
}

QString defaultEncoderManifest()
{
    const QString relative = QStringLiteral("%1/manifest.json").arg(QLatin1String(kDefaultEncoder));
    for (const QString &folder : encoderSearchFolders()) {
        const QString candidate = QDir(folder).filePath(relative);
        if (QFileInfo::exists(candidate))
            return QFileInfo(candidate).absoluteFilePath();
    }
    return QDir(encoderPreparationFolder()).filePath(relative);
}

} // namespace patchead
