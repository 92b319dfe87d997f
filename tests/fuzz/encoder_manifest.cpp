// Fuzz target: the encoder manifest parser on a manifest.json holding the
// input. Users copy encoders between machines and edit manifests by hand.
// The scratch folder contains an empty module file named encoder.pt, so inputs
// that name it get past the module check into the input and output fields.

#include "FuzzSupport.h"

#include "common/Error.h"
#include "encoder/EncoderManifest.h"

using namespace patchead;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz::silenceLogging();
    static const QString modulePath = fuzz::writeScratchFile(QStringLiteral("encoder.pt"), QByteArray());
    (void)modulePath;
    const QString path = fuzz::writeScratchFile(QStringLiteral("manifest.json"), fuzz::inputBytes(data, size));
    try {
        const EncoderManifest manifest = loadEncoderManifest(path);
        fuzz::require(!manifest.outputs.isEmpty(), "a valid manifest has outputs");
        fuzz::require(manifest.input.width > 0 && manifest.input.height > 0, "the input size is positive");
        for (const QString &layer : manifest.defaultLayers)
            fuzz::require(manifest.outputIndex(layer) >= 0, "every default layer is an output");
        if (manifest.isVit()) {
            fuzz::require(manifest.patchSize > 0, "a ViT has a patch size");
            fuzz::require(manifest.hasAttention == (manifest.attentionOutputIndex() >= 0),
                          "the attention flag matches the outputs");
        }
    } catch (const ModelError &error) {
        fuzz::require(error.message().contains(path), "a manifest error names the file");
    }
    return 0;
}
