#pragma once

#include <QString>
#include <QStringList>
#include <QVector>
#include <array>

namespace patchead {

// How an image becomes the encoder's input tensor (see docs/scoring-contract.md).
struct InputSpec {
    int width = 224;
    int height = 224;
    int sizeMultiple = 1;            // width and height must be multiples of this
    QString interpolation = QStringLiteral("area"); // "area", "bilinear" or "bicubic"
    std::array<float, 3> mean{0.0f, 0.0f, 0.0f};     // applied after scaling to [0, 1]
    std::array<float, 3> std{1.0f, 1.0f, 1.0f};
};

// One feature map the module returns.
struct EncoderOutputSpec {
    QString name;
    int stride = 0;    // input pixels per patch
    int channels = 0;
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
    QString globalEmbeddingOutput; // output average-pooled into the global embedding
    bool hasAttention = false;
    int prefixTokens = 0;
    int registerTokens = 0;

    // Index of the output with this name in outputs, or -1.
    int outputIndex(const QString &layerName) const;
};

// Reads and validates a manifest. Throws ModelError naming the file and the
// field for a missing file, invalid JSON, a missing or wrong-typed field, an
// unknown format version, or a module file that does not exist.
EncoderManifest loadEncoderManifest(const QString &manifestPath);

// Resolves a --model argument: a manifest.json path or a folder containing
// one. Throws ModelError when neither exists.
QString resolveManifestPath(const QString &modelArgument);

} // namespace patchead
