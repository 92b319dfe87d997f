#pragma once

#include <QString>
#include <QStringList>
#include <QVector>
#include <array>

namespace patchead {

// Preprocessing that turns an image into the encoder's input tensor
// (docs/scoring-contract.md).
struct InputSpec {
    int width = 224;
    int height = 224;
    int sizeMultiple = 1;            // width and height must be multiples of this
    QString interpolation = QStringLiteral("area"); // "area", "bilinear" or "bicubic"
    std::array<float, 3> mean{0.0f, 0.0f, 0.0f};     // applied after scaling to [0, 1]
    std::array<float, 3> std{1.0f, 1.0f, 1.0f};
};

// Content of one tensor returned by the module (docs/scoring-contract.md,
// "Encoder module").
enum class EncoderOutputKind {
    FeatureMap, // CNN: [1, C, h, w]
    Tokens,     // ViT: a block's tokens after the final LayerNorm, [1, prefix + registers + h * w, C]
    Attention,  // ViT: last block's CLS-to-patch attention after the softmax, head mean, [1, h * w]
};

// One output of the module.
struct EncoderOutputSpec {
    QString name;
    EncoderOutputKind kind = EncoderOutputKind::FeatureMap;
    int stride = 0;    // input pixels per patch
    int channels = 0;  // 1 for the attention output
};

// The JSON manifest that describes a TorchScript encoder (models/README.md
// documents every field).
struct EncoderManifest {
    QString manifestPath;  // absolute path of manifest.json
    QString name;
    QString displayName;
    QString sourcePackage;
    QString licence;
    QString kind;          // "cnn" or "vit"
    QString family;
    QString moduleFile;    // absolute path of the TorchScript file
    QString moduleSha256;
    InputSpec input;
    QVector<EncoderOutputSpec> outputs;
    QStringList defaultLayers;
    // CNN: output average-pooled into the global embedding; ViT: the tokens
    // output whose CLS token is the global embedding.
    QString globalEmbeddingOutput;
    bool hasAttention = false;     // ViT: the last output is the attention output
    int patchSize = 0;             // ViT: input pixels per patch side; 0 for CNNs
    int prefixTokens = 0;          // ViT: tokens before the registers, the CLS token first
    int registerTokens = 0;        // ViT: register tokens between the prefix and the patches

    bool isVit() const { return kind == QLatin1String("vit"); }
    // Index of the output with this name in outputs, or -1.
    int outputIndex(const QString &layerName) const;
    // Index of the attention output, or -1 when the module returns none.
    int attentionOutputIndex() const;
};

// Reads and validates a manifest. Throws ModelError naming the file and the
// field for a missing file, invalid JSON, a missing or wrong-typed field, an
// unknown format version, or a module file that does not exist. ViT
// manifests must also state the patch size, the token counts, each output's
// kind and a tokens output as global embedding (models/README.md).
EncoderManifest loadEncoderManifest(const QString &manifestPath);

// Resolves a --model argument: a manifest.json path or a folder containing
// one. Throws ModelError when neither exists.
QString resolveManifestPath(const QString &modelArgument);

} // namespace patchead
