#include "encoder/EncoderLocation.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

namespace patchead {

QStringList encoderSearchFolders()
{
    QStringList folders;
    const QString fromEnvironment = qEnvironmentVariable("PATCHEAD_MODEL_DIR");
    if (!fromEnvironment.isEmpty())
        folders << fromEnvironment;
    folders << QStringLiteral(PATCHEAD_BUILD_MODEL_DIR);
    folders << QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("../share/patchead/models"));
    return folders;
}

QString defaultEncoderManifest()
{
    const QString relative = QStringLiteral("mobilenet_v2/manifest.json");
    const QStringList folders = encoderSearchFolders();
    for (const QString &folder : folders) {
        const QString candidate = QDir(folder).filePath(relative);
        if (QFileInfo::exists(candidate))
            return QFileInfo(candidate).absoluteFilePath();
    }
    return QDir(folders.front()).filePath(relative);
}

} // namespace patchead
