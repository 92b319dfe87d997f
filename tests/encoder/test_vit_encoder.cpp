// Loads the tiny random-weight ViT encoders written by make_vit_fixtures.py
// (the CTest fixture encoder_vit_fixtures) through loadTorchScriptEncoder and
// checks the ViT path of the encoder against the outputs that Python saved
// beside each module.
#include "common/Error.h"
#include "encoder/Encoder.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <cstring>
#include <map>

using namespace patchead;

namespace {

QString fixtureDir()
{
    return QStringLiteral(PATCHEAD_VIT_FIXTURE_DIR);
}

QString manifestOf(const QString &fixture)
{
    return QDir(fixtureDir()).filePath(fixture + QStringLiteral("/manifest.json"));
}

// A tensor from reference.json / reference.bin: shape and float32 values.
struct ReferenceTensor {
    QVector<int> shape;
    std::vector<float> values;
};

// Reads every tensor of a fixture's reference files (the format of
// models/vit/manifest.py write_tensor_file).
std::map<QString, ReferenceTensor> readReference(const QString &fixture)
{
    const QDir folder(QDir(fixtureDir()).filePath(fixture));
    QFile header(folder.filePath(QStringLiteral("reference.json")));
    QFile data(folder.filePath(QStringLiteral("reference.bin")));
    if (!header.open(QIODevice::ReadOnly) || !data.open(QIODevice::ReadOnly))
        return {};
    const QByteArray bytes = data.readAll();
    const QJsonObject index = QJsonDocument::fromJson(header.readAll()).object();
    std::map<QString, ReferenceTensor> tensors;
    for (const QJsonValue &entry : index.value(QStringLiteral("tensors")).toArray()) {
        const QJsonObject object = entry.toObject();
        ReferenceTensor tensor;
        for (const QJsonValue &size : object.value(QStringLiteral("shape")).toArray())
            tensor.shape.append(size.toInt());
        const qint64 offset = object.value(QStringLiteral("offset")).toInteger();
        const qint64 length = object.value(QStringLiteral("length")).toInteger();
        if ((offset + length) * 4 > bytes.size())
            return {};
        tensor.values.resize(static_cast<std::size_t>(length));
        std::memcpy(tensor.values.data(), bytes.constData() + offset * 4, static_cast<std::size_t>(length) * 4);
        tensors[object.value(QStringLiteral("name")).toString()] = std::move(tensor);
    }
    return tensors;
}

// The "HxW" sizes the reference holds, from its "HxW__input" entries.
QList<QSize> referenceSizes(const std::map<QString, ReferenceTensor> &reference)
{
    QList<QSize> sizes;
    for (const auto &[name, tensor] : reference) {
        if (name.endsWith(QLatin1String("__input")))
            sizes.append(QSize(tensor.shape.value(3), tensor.shape.value(2)));
    }
    return sizes;
}

QString sizeKey(const QSize &size)
{
    return QStringLiteral("%1x%2__").arg(size.height()).arg(size.width());
}

InputTensor inputFrom(const ReferenceTensor &tensor)
{
    InputTensor input;
    input.height = tensor.shape.value(2);
    input.width = tensor.shape.value(3);
    input.chw = tensor.values;
    return input;
}

std::unique_ptr<Encoder> loadOnCpu(const QString &manifestPath)
{
    EncoderOptions options;
    options.device = QStringLiteral("cpu");
    return loadTorchScriptEncoder(manifestPath, options);
}

QStringList tokenLayers(const EncoderManifest &manifest)
{
    QStringList names;
    for (const EncoderOutputSpec &output : manifest.outputs) {
        if (output.kind == EncoderOutputKind::Tokens)
            names.append(output.name);
    }
    return names;
}

float maxAbsDifference(const float *a, const float *b, std::size_t count)
{
    float largest = 0.0f;
    for (std::size_t i = 0; i < count; ++i)
        largest = std::max(largest, std::abs(a[i] - b[i]));
    return largest;
}

// Copies a fixture folder into `target` and rewrites one manifest field.
bool copyWithManifestField(const QString &fixture, const QString &target, const QString &key, int value)
{
    const QDir source(QDir(fixtureDir()).filePath(fixture));
    for (const QString &file : source.entryList(QDir::Files)) {
        if (!QFile::copy(source.filePath(file), QDir(target).filePath(file)))
            return false;
    }
    QFile manifestFile(QDir(target).filePath(QStringLiteral("manifest.json")));
    if (!manifestFile.open(QIODevice::ReadOnly))
        return false;
    QJsonObject manifest = QJsonDocument::fromJson(manifestFile.readAll()).object();
    manifestFile.close();
    manifest[key] = value;
    if (!manifestFile.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    manifestFile.write(QJsonDocument(manifest).toJson());
    return true;
}

} // namespace

class TestVitEncoder : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        if (!QFileInfo::exists(manifestOf(QStringLiteral("dinov2"))))
            QFAIL(qPrintable(QStringLiteral("ViT fixtures missing under %1: run ctest -R encoder_vit_fixtures "
                                            "(make_vit_fixtures.py) first").arg(fixtureDir())));
        configureTorchThreads(1);
    }

    void layersMatchPythonReference_data()
    {
        QTest::addColumn<QString>("fixture");
        for (const char *fixture : {"dinov2", "dinov2_reg", "dinov3", "clip_b16", "clip_l14", "openclip_b16"})
            QTest::newRow(fixture) << QString::fromLatin1(fixture);
    }

    // At every reference size (square, non-square and, for learned position
    // embeddings, the native grid): grid shape, channels, patch values,
    // global embedding and attention against Python's saved outputs.
    void layersMatchPythonReference()
    {
        QFETCH(QString, fixture);
        const auto encoder = loadOnCpu(manifestOf(fixture));
        const EncoderManifest &manifest = encoder->manifest();
        QVERIFY(manifest.isVit());
        const int patch = manifest.patchSize;
        const int skip = manifest.prefixTokens + manifest.registerTokens;
        const QStringList layers = tokenLayers(manifest);
        QVERIFY(!layers.isEmpty());

        const auto reference = readReference(fixture);
        const QList<QSize> sizes = referenceSizes(reference);
        QVERIFY2(sizes.size() >= 2, "reference.json holds fewer than two sizes");
        bool sawNonSquare = false;
        for (const QSize &size : sizes) {
            const QString key = sizeKey(size);
            sawNonSquare = sawNonSquare || size.width() != size.height();
            const EncoderOutput output = encoder->encode(inputFrom(reference.at(key + QStringLiteral("input"))), layers);
            const int gridHeight = size.height() / patch;
            const int gridWidth = size.width() / patch;

            QCOMPARE(output.layers.size(), static_cast<std::size_t>(layers.size()));
            for (int i = 0; i < layers.size(); ++i) {
                const FeatureMap &map = output.layers[static_cast<std::size_t>(i)];
                const ReferenceTensor &tokens = reference.at(key + layers[i]);
                QCOMPARE(map.height, gridHeight);
                QCOMPARE(map.width, gridWidth);
                QCOMPARE(map.channels, manifest.outputs[manifest.outputIndex(layers[i])].channels);
                QCOMPARE(tokens.shape.value(1), skip + gridHeight * gridWidth);
                const float *patches = tokens.values.data() + static_cast<std::size_t>(skip) * map.channels;
                QVERIFY2(maxAbsDifference(map.data.data(), patches, map.data.size()) <= 1e-5f,
                         qPrintable(QStringLiteral("%1 %2 differs from the Python patch tokens").arg(key, layers[i])));
            }

            // Global embedding: the normalised CLS token of the named layer.
            const ReferenceTensor &globalTokens = reference.at(key + manifest.globalEmbeddingOutput);
            const int channels = globalTokens.shape.value(2);
            QCOMPARE(output.globalEmbedding.size(), static_cast<std::size_t>(channels));
            double norm = 0.0;
            for (int c = 0; c < channels; ++c)
                norm += double(globalTokens.values[c]) * globalTokens.values[c];
            norm = std::sqrt(norm);
            for (int c = 0; c < channels; ++c)
                QVERIFY(std::abs(output.globalEmbedding[c] - float(globalTokens.values[c] / norm)) <= 1e-6f);

            // Attention: one weight per patch, >= 0, summing to at most 1.
            QCOMPARE(output.attention.height, gridHeight);
            QCOMPARE(output.attention.width, gridWidth);
            const ReferenceTensor &attention = reference.at(key + QStringLiteral("cls_attention"));
            QCOMPARE(attention.values.size(), output.attention.values.size());
            double sum = 0.0;
            for (float value : output.attention.values) {
                QVERIFY(value >= 0.0f);
                sum += value;
            }
            QVERIFY2(sum <= 1.0 + 1e-5, qPrintable(QStringLiteral("attention sums to %1").arg(sum)));
            QVERIFY(sum > 0.0);
            QVERIFY(maxAbsDifference(output.attention.values.data(), attention.values.data(),
                                     attention.values.size()) <= 1e-6f);
        }
        QVERIFY2(sawNonSquare, "no non-square reference size");
    }

    void registerTokensAreDropped()
    {
        const auto plain = loadOnCpu(manifestOf(QStringLiteral("dinov2_reg")));
        const auto marked = loadOnCpu(manifestOf(QStringLiteral("dinov2_reg_marked_registers")));
        QCOMPARE(plain->manifest().registerTokens, 4);
        const auto reference = readReference(QStringLiteral("dinov2_reg"));
        const InputTensor input = inputFrom(reference.at(QStringLiteral("224x266__input")));
        const QStringList layers = tokenLayers(plain->manifest());

        const EncoderOutput expected = plain->encode(input, layers);
        const EncoderOutput actual = marked->encode(input, layers);
        QCOMPARE(actual.layers.size(), expected.layers.size());
        for (std::size_t i = 0; i < expected.layers.size(); ++i) {
            QCOMPARE(actual.layers[i].height, 16);
            QCOMPARE(actual.layers[i].width, 19);
            QCOMPARE(actual.layers[i].data, expected.layers[i].data);
        }
        QCOMPARE(actual.globalEmbedding, expected.globalEmbedding);
        for (float value : actual.layers.back().data)
            QVERIFY(std::abs(value) < 1000.0f);
    }

    void wrongRegisterCountIsRejected_data()
    {
        QTest::addColumn<QString>("fixture");
        QTest::addColumn<int>("manifestRegisters");
        QTest::addColumn<QString>("expectedText");
        // 224 x 224 at patch 14: 16 x 16 = 256 patches.
        QTest::newRow("module has 4, manifest 0") << QStringLiteral("dinov2_reg") << 0
            << QStringLiteral("261 tokens for a 224x224 input, but the manifest expects "
                              "1 prefix + 0 register + 16 x 16 patch tokens = 257");
        QTest::newRow("module has 0, manifest 4") << QStringLiteral("dinov2") << 4
            << QStringLiteral("257 tokens for a 224x224 input, but the manifest expects "
                              "1 prefix + 4 register + 16 x 16 patch tokens = 261");
    }

    void wrongRegisterCountIsRejected()
    {
        QFETCH(QString, fixture);
        QFETCH(int, manifestRegisters);
        QFETCH(QString, expectedText);
        QTemporaryDir folder;
        QVERIFY(folder.isValid());
        QVERIFY(copyWithManifestField(fixture, folder.path(), QStringLiteral("register_tokens"), manifestRegisters));
        try {
            loadOnCpu(QDir(folder.path()).filePath(QStringLiteral("manifest.json")));
            QFAIL("a manifest with the wrong register count was accepted");
        } catch (const ModelError &error) {
            QVERIFY2(error.message().contains(expectedText), qPrintable(error.message()));
            QVERIFY2(error.message().contains(QLatin1String("register_tokens")), qPrintable(error.message()));
        }
    }

    void inputOffPatchGridIsRejected()
    {
        const auto encoder = loadOnCpu(manifestOf(QStringLiteral("dinov2")));
        InputTensor input;
        input.width = 225;
        input.height = 224;
        input.chw.assign(static_cast<std::size_t>(3) * 224 * 225, 0.0f);
        try {
            encoder->encode(input, {QStringLiteral("block_2")});
            QFAIL("a 225-pixel-wide input was accepted by a patch-14 encoder");
        } catch (const ModelError &error) {
            QVERIFY2(error.message().contains(QLatin1String("patch size 14")), qPrintable(error.message()));
        }
    }

    void attentionIsNotAFeatureLayer()
    {
        const auto encoder = loadOnCpu(manifestOf(QStringLiteral("dinov3")));
        InputTensor input;
        input.width = 224;
        input.height = 224;
        input.chw.assign(static_cast<std::size_t>(3) * 224 * 224, 0.1f);
        QVERIFY_THROWS_EXCEPTION(SettingsError, encoder->encode(input, {QStringLiteral("cls_attention")}));
    }
};

QTEST_GUILESS_MAIN(TestVitEncoder)
#include "test_vit_encoder.moc"
