// `patchead version`: what is running, for bug reports and traceability.
#include "Commands.h"

#include "CliCommon.h"
#include "common/Error.h"
#include "encoder/Encoder.h"
#include "encoder/EncoderManifest.h"

namespace patchead::cli {

int runVersion(const QStringList &)
{
    out() << "patchead " << PATCHEAD_VERSION << "\n";
    out() << torchBuildSummary() << "\n";
    const QString manifestPath = defaultModelPath();
    try {
        const EncoderManifest manifest = loadEncoderManifest(manifestPath);
        out() << "default encoder " << manifest.name << " sha256 " << manifest.moduleSha256 << "\n";
    } catch (const ModelError &) {
        out() << "default encoder not prepared (expected at " << manifestPath
              << "); run models/prepare-default-encoder.sh\n";
    }
    return ExitOk;
}

} // namespace patchead::cli
