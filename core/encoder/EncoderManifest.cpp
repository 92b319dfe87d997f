#include "encoder/EncoderManifest.h"

#include "common/Error.h"
#include "encoder/EncoderLocation.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace patchead {

namespace {

constexpr int kSupportedFormatVersion = 1;

class ManifestReader {
public:
    explicit ManifestReader(const QString &path) : mPath(path) {}

    [[noreturn]] void fail(const QString &what) const
    {
        throw ModelError(QStringLiteral("Invalid encoder manifest %1: %2. Re-create it with "
                                        "models/prepare-encoder.sh (CNNs) or models/export_hub_vit.py "
                                        "(ViTs), or fix the field.")
                             .arg(mPath, what));
    }

    QJsonValue require(const QJsonObject &object, const QString &key, const QString &where) const
    {
        if (!object.contains(key))
            fail(QStringLiteral("missing field \"%1%2\"").arg(where, key));
        return object.value(key);
    }

    QString string(const QJsonObject &object, const QString &key, const QString &where = {}) const
    {
        const QJsonValue value = require(object, key, where);
        if (!value.isString() || value.toString().isEmpty())
            fail(QStringLiteral("field \"%1%2\" must be a non-empty string").arg(where, key));
        return value.toString();
    }

    int positiveInt(const QJsonObject &object, const QString &key, const QString &where = {}) const
    {
        const QJsonValue value = require(object, key, where);
        if (!value.isDouble() || value.toDouble() < 1 || value.toDouble() != value.toInt())
            fail(QStringLiteral("field \"%1%2\" must be a positive integer").arg(where, key));
        return value.toInt();
    }

    int nonNegativeInt(const QJsonObject &object, const QString &key, const QString &where = {}) const
    {
        const QJsonValue value = require(object, key, where);
        if (!value.isDouble() || value.toDouble() < 0 || value.toDouble() != value.toInt())
            fail(QStringLiteral("field \"%1%2\" must be an integer of 0 or more").arg(where, key));
        return value.toInt();
    }

    std::array<float, 3> triple(const QJsonObject &object, const QString &key) const
    {
        const QJsonValue value = require(object, key, QStringLiteral("input."));
        const QJsonArray array = value.toArray();
        if (array.size() != 3)
            fail(QStringLiteral("field \"input.%1\" must be an array of 3 numbers").arg(key));
        std::array<float, 3> result{};
        for (int i = 0; i < 3; ++i) {
            if (!array[i].isDouble())
                fail(QStringLiteral("field \"input.%1\" must be an array of 3 numbers").arg(key));
            result[i] = static_cast<float>(array[i].toDouble());
        }
        return result;
    }

private:
    QString mPath;
};

QJsonObject readJsonObject(const QString &path)
{
    QFile file(path);
    if (!file.exists())
        throw ModelError(QStringLiteral("Encoder manifest not found: %1. Prepare the default encoder "
                                        "with `%2`, or choose another encoder's manifest.json "
                                        "(--model on the command line).")
                             .arg(path, encoderPreparationCommand()));
    if (!file.open(QIODevice::ReadOnly))
        throw ModelError(QStringLiteral("Cannot read encoder manifest %1: %2")
                             .arg(path, file.errorString()));
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        throw ModelError(QStringLiteral("Encoder manifest %1 is not valid JSON (%2 at offset %3).")
                             .arg(path, parseError.errorString())
                             .arg(parseError.offset));
    return document.object();
}

InputSpec readInputSpec(const ManifestReader &reader, const QJsonObject &root)
{
    const QJsonObject input = reader.require(root, QStringLiteral("input"), {}).toObject();
    const QString where = QStringLiteral("input.");
    InputSpec spec;
    spec.width = reader.positiveInt(input, QStringLiteral("width"), where);
    spec.height = reader.positiveInt(input, QStringLiteral("height"), where);
    spec.sizeMultiple = input.contains(QStringLiteral("size_multiple"))
        ? reader.positiveInt(input, QStringLiteral("size_multiple"), where) : 1;
    spec.interpolation = reader.string(input, QStringLiteral("interpolation"), where);
    if (!QStringList{"area", "bilinear", "bicubic"}.contains(spec.interpolation))
        reader.fail(QStringLiteral("input.interpolation is \"%1\"; expected area, bilinear or bicubic")
                        .arg(spec.interpolation));
    spec.mean = reader.triple(input, QStringLiteral("mean"));
    spec.std = reader.triple(input, QStringLiteral("std"));
    for (float s : spec.std) {
        if (s <= 0.0f)
            reader.fail(QStringLiteral("input.std must be positive"));
    }
    return spec;
}

// CNN outputs are feature maps, so their "kind" may be left out. Every ViT
// output states whether it contains tokens or the attention.
EncoderOutputKind readOutputKind(const ManifestReader &reader, const QJsonObject &object, const QString &where,
                                 bool vit)
{
    if (!vit) {
        const QString kind = object.value(QStringLiteral("kind")).toString(QStringLiteral("feature_map"));
        if (kind != QLatin1String("feature_map"))
            reader.fail(QStringLiteral("field \"%1kind\" is \"%2\", but a cnn encoder returns feature maps "
                                       "only (\"feature_map\")").arg(where, kind));
        return EncoderOutputKind::FeatureMap;
    }
    const QString kind = reader.string(object, QStringLiteral("kind"), where);
    if (kind == QLatin1String("tokens"))
        return EncoderOutputKind::Tokens;
    if (kind == QLatin1String("attention"))
        return EncoderOutputKind::Attention;
    reader.fail(QStringLiteral("field \"%1kind\" is \"%2\"; expected tokens or attention").arg(where, kind));
}

QVector<EncoderOutputSpec> readOutputs(const ManifestReader &reader, const QJsonObject &root, bool vit)
{
    const QJsonArray array = reader.require(root, QStringLiteral("outputs"), {}).toArray();
    if (array.isEmpty())
        reader.fail(QStringLiteral("\"outputs\" must list at least one feature map"));
    QVector<EncoderOutputSpec> outputs;
    for (int i = 0; i < array.size(); ++i) {
        const QJsonObject object = array[i].toObject();
        const QString where = QStringLiteral("outputs[%1].").arg(i);
        EncoderOutputSpec output;
        output.name = reader.string(object, QStringLiteral("name"), where);
        output.kind = readOutputKind(reader, object, where, vit);
        output.stride = reader.positiveInt(object, QStringLiteral("stride"), where);
        output.channels = reader.positiveInt(object, QStringLiteral("channels"), where);
        outputs.append(output);
    }
    return outputs;
}

// Checks the ViT fields (models/README.md, "Vision Transformers") after the
// common ones have been read.
void readVitFields(const ManifestReader &reader, const QJsonObject &root, const QJsonObject &architecture,
                   EncoderManifest &manifest)
{
    const int patch = reader.positiveInt(architecture, QStringLiteral("patch_size"), QStringLiteral("architecture."));
    manifest.patchSize = patch;
    manifest.prefixTokens = reader.positiveInt(root, QStringLiteral("prefix_tokens"));
    manifest.registerTokens = reader.nonNegativeInt(root, QStringLiteral("register_tokens"));
    const QJsonValue attention = reader.require(root, QStringLiteral("attention"), {});
    if (!attention.isBool())
        reader.fail(QStringLiteral("field \"attention\" must be true or false"));
    manifest.hasAttention = attention.toBool();

    const InputSpec &input = manifest.input;
    if (input.sizeMultiple % patch != 0)
        reader.fail(QStringLiteral("input.size_multiple %1 is not a multiple of the patch size %2")
                        .arg(input.sizeMultiple).arg(patch));
    if (input.width % patch != 0 || input.height % patch != 0)
        reader.fail(QStringLiteral("input size %1x%2 is not a multiple of the patch size %3")
                        .arg(input.width).arg(input.height).arg(patch));

    int attentionOutputs = 0;
    for (int i = 0; i < manifest.outputs.size(); ++i) {
        const EncoderOutputSpec &output = manifest.outputs[i];
        if (output.stride != patch)
            reader.fail(QStringLiteral("outputs[%1].stride is %2, but a ViT output's stride must equal the "
                                       "patch size %3").arg(i).arg(output.stride).arg(patch));
        if (output.kind != EncoderOutputKind::Attention)
            continue;
        ++attentionOutputs;
        if (i != manifest.outputs.size() - 1)
            reader.fail(QStringLiteral("the attention output \"%1\" must be the last output").arg(output.name));
        if (output.channels != 1)
            reader.fail(QStringLiteral("the attention output \"%1\" must have 1 channel, not %2")
                            .arg(output.name).arg(output.channels));
    }
    if (attentionOutputs == manifest.outputs.size())
        reader.fail(QStringLiteral("\"outputs\" must list at least one tokens output"));
    if (attentionOutputs > 1)
        reader.fail(QStringLiteral("\"outputs\" lists %1 attention outputs; at most one is allowed")
                        .arg(attentionOutputs));
    if (manifest.hasAttention != (attentionOutputs == 1))
        reader.fail(QStringLiteral("\"attention\" is %1, but \"outputs\" lists %2 attention output(s)")
                        .arg(manifest.hasAttention ? QStringLiteral("true") : QStringLiteral("false"))
                        .arg(attentionOutputs));

    manifest.globalEmbeddingOutput = reader.string(root, QStringLiteral("global_embedding"));
    const int globalIndex = manifest.outputIndex(manifest.globalEmbeddingOutput);
    if (globalIndex < 0 || manifest.outputs[globalIndex].kind != EncoderOutputKind::Tokens)
        reader.fail(QStringLiteral("global_embedding \"%1\" is not a tokens output")
                        .arg(manifest.globalEmbeddingOutput));
    for (const QString &layer : manifest.defaultLayers) {
        if (manifest.outputs[manifest.outputIndex(layer)].kind != EncoderOutputKind::Tokens)
            reader.fail(QStringLiteral("default layer \"%1\" is not a tokens output").arg(layer));
    }
}

} // namespace

int EncoderManifest::outputIndex(const QString &layerName) const
{
    for (int i = 0; i < outputs.size(); ++i) {
        if (outputs[i].name == layerName)
            return i;
    }
    return -1;
}

int EncoderManifest::attentionOutputIndex() const
{
    for (int i = 0; i < outputs.size(); ++i) {
        if (outputs[i].kind == EncoderOutputKind::Attention)
            return i;
    }
    return -1;
}

EncoderManifest loadEncoderManifest(const QString &manifestPath)
{
    const QString path = QFileInfo(manifestPath).absoluteFilePath();
    const QJsonObject root = readJsonObject(path);
    const ManifestReader reader(path);

    if (reader.string(root, QStringLiteral("format")) != QLatin1String("patchead-encoder"))
        reader.fail(QStringLiteral("\"format\" must be \"patchead-encoder\""));
    const int version = reader.positiveInt(root, QStringLiteral("format_version"));
    if (version > kSupportedFormatVersion)
        reader.fail(QStringLiteral("format_version %1 is newer than this program supports (%2); "
                                   "update the program").arg(version).arg(kSupportedFormatVersion));

    EncoderManifest manifest;
    manifest.manifestPath = path;
    manifest.name = reader.string(root, QStringLiteral("name"));
    manifest.displayName = root.value(QStringLiteral("display_name")).toString(manifest.name);
    const QJsonObject source = root.value(QStringLiteral("source")).toObject();
    manifest.sourcePackage = source.value(QStringLiteral("package")).toString();
    manifest.licence = source.value(QStringLiteral("licence")).toString();
    const QJsonObject architecture = reader.require(root, QStringLiteral("architecture"), {}).toObject();
    manifest.kind = reader.string(architecture, QStringLiteral("kind"), QStringLiteral("architecture."));
    if (manifest.kind != QLatin1String("cnn") && manifest.kind != QLatin1String("vit"))
        reader.fail(QStringLiteral("architecture.kind is \"%1\"; expected cnn or vit").arg(manifest.kind));
    manifest.family = architecture.value(QStringLiteral("family")).toString();

    const QString moduleName = reader.string(root, QStringLiteral("module_file"));
    manifest.moduleFile = QFileInfo(path).dir().absoluteFilePath(moduleName);
    if (!QFileInfo::exists(manifest.moduleFile))
        throw ModelError(QStringLiteral("Encoder module %1 named by %2 does not exist. Prepare the "
                                        "encoder again (`%3`).")
                             .arg(manifest.moduleFile, path, encoderPreparationCommand()));
    manifest.moduleSha256 = reader.string(root, QStringLiteral("module_sha256"));
    manifest.input = readInputSpec(reader, root);
    manifest.outputs = readOutputs(reader, root, manifest.isVit());

    for (const QJsonValue &layer : root.value(QStringLiteral("default_layers")).toArray())
        manifest.defaultLayers.append(layer.toString());
    if (manifest.defaultLayers.isEmpty())
        manifest.defaultLayers.append(manifest.outputs.first().name);
    for (const QString &layer : manifest.defaultLayers) {
        if (manifest.outputIndex(layer) < 0)
            reader.fail(QStringLiteral("default layer \"%1\" is not among the outputs").arg(layer));
    }
    manifest.globalEmbeddingOutput = root.value(QStringLiteral("global_embedding")).toString();
    manifest.hasAttention = root.value(QStringLiteral("attention")).toBool(false);
    manifest.prefixTokens = root.value(QStringLiteral("prefix_tokens")).toInt(0);
    manifest.registerTokens = root.value(QStringLiteral("register_tokens")).toInt(0);
    if (manifest.isVit())
        readVitFields(reader, root, architecture, manifest);
    return manifest;
}

QString resolveManifestPath(const QString &modelArgument)
{
    const QFileInfo info(modelArgument);
    if (info.isDir())
        return QDir(info.absoluteFilePath()).absoluteFilePath(QStringLiteral("manifest.json"));
    if (info.exists())
        return info.absoluteFilePath();
    throw ModelError(QStringLiteral("Model not found: %1. Pass a manifest.json or the folder that "
                                    "contains it, or prepare the default encoder with `%2`.")
                         .arg(modelArgument, encoderPreparationCommand()));
}

} // namespace patchead
