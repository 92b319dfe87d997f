#include "EncoderFixture.h"

#include <QDir>
#include <QFileInfo>

namespace patchead::testing {

QString defaultEncoderManifest()
{
    const QString folder = qEnvironmentVariable("PATCHEAD_MODEL_DIR");
    const QString manifest = QDir(folder).filePath(QStringLiteral("mobilenet_v2/manifest.json"));
    return !folder.isEmpty() && QFileInfo::exists(manifest) ? manifest : QString();
}

std::unique_ptr<Encoder> loadDefaultEncoder(QString &why)
{
    const QString manifest = defaultEncoderManifest();
    if (manifest.isEmpty()) {
        why = QStringLiteral("default encoder not prepared under $PATCHEAD_MODEL_DIR; run "
                             "models/prepare-default-encoder.sh <build>/models");
        return nullptr;
    }
    configureTorchThreads(2);
    EncoderOptions options;
    options.device = QStringLiteral("cpu");
    return loadTorchScriptEncoder(manifest, options);
}

} // namespace patchead::testing
