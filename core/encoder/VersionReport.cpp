#include "encoder/VersionReport.h"

#include "common/Error.h"
#include "common/Hashing.h"
#include "encoder/Encoder.h"
#include "encoder/EncoderLocation.h"
#include "encoder/EncoderManifest.h"

#include <QFileInfo>

namespace patchead {

namespace {

QString defaultEncoderLine()
{
    const QString manifestPath = defaultEncoderManifest();
    if (!QFileInfo::exists(manifestPath))
        return QStringLiteral("default encoder not prepared (expected at %1); prepare it with `%2`")
            .arg(manifestPath, encoderPreparationCommand());

    EncoderManifest manifest;
    try {
        manifest = loadEncoderManifest(manifestPath);
    } catch (const ModelError &error) {
        return QStringLiteral("default encoder unusable: %1").arg(error.message());
    }

    // The hash of the file on disk, because that is what a lot's results
    // were computed with; the manifest only states what it should be.
    const QString actual = fileSha256(manifest.moduleFile);
    if (actual.compare(manifest.moduleSha256, Qt::CaseInsensitive) != 0)
        return QStringLiteral("default encoder %1 altered: %2 has SHA-256 %3 but its manifest says %4; "
                              "prepare it again with `%5`")
            .arg(manifest.name, manifest.moduleFile, actual.isEmpty() ? QStringLiteral("(unreadable)") : actual,
                 manifest.moduleSha256, encoderPreparationCommand());
    return QStringLiteral("default encoder %1 sha256 %2 (%3)").arg(manifest.name, actual, manifestPath);
}

} // namespace

QString versionReport(const QString &program, const QString &version)
{
    return QStringLiteral("%1 %2\n%3\n%4\n").arg(program, version, torchBuildSummary(), defaultEncoderLine());
}

} // namespace patchead
