// Parsing and validation of encoder manifests, ViT fields in particular.
// Manifests are written into a temporary folder beside an empty module file
// (loadEncoderManifest checks that the module exists, not what it holds).
#include "common/Error.h"
#include "encoder/EncoderManifest.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <functional>

using namespace patchead;

namespace {

QJsonObject output(const QString &name, const QString &kind, int stride, int channels)
{
    QJsonObject object{{"name", name}, {"stride", stride}, {"channels", channels}};
    if (!kind.isEmpty())
        object.insert(QStringLiteral("kind"), kind);
    return object;
}

QJsonObject input(int size, int multiple)
{
    return QJsonObject{{"width", size}, {"height", size}, {"size_multiple", multiple},
                       {"interpolation", "bicubic"},
                       {"mean", QJsonArray{0.485, 0.456, 0.406}}, {"std", QJsonArray{0.229, 0.224, 0.225}}};
}

// A valid manifest of a DINOv2-style ViT with registers and attention.
QJsonObject vitManifest()
{
    return QJsonObject{
        {"format", "patchead-encoder"},
        {"format_version", 1},
        {"name", "dinov2_vits14_reg4"},
        {"architecture", QJsonObject{{"kind", "vit"}, {"family", "dinov2_reg"}, {"patch_size", 14}}},
        {"module_file", "module.pt"},
        {"module_sha256", "00"},
        {"input", input(224, 14)},
        {"outputs", QJsonArray{output("block_6", "tokens", 14, 384), output("block_12", "tokens", 14, 384),
                               output("cls_attention", "attention", 14, 1)}},
        {"default_layers", QJsonArray{"block_12"}},
        {"global_embedding", "block_12"},
        {"attention", true},
        {"prefix_tokens", 1},
        {"register_tokens", 4},
    };
}

QJsonObject cnnManifest()
{
    return QJsonObject{
        {"format", "patchead-encoder"},
        {"format_version", 1},
        {"name", "mobilenet_v2_nsfwjs"},
        {"architecture", QJsonObject{{"kind", "cnn"}, {"family", "mobilenet_v2"}}},
        {"module_file", "module.pt"},
        {"module_sha256", "00"},
        {"input", input(224, 32)},
        {"outputs", QJsonArray{output("block_3_expand_relu", "", 4, 144), output("block_6_expand_relu", "", 8, 192)}},
        {"default_layers", QJsonArray{"block_3_expand_relu"}},
        {"global_embedding", QJsonValue::Null},
        {"attention", false},
        {"prefix_tokens", 0},
        {"register_tokens", 0},
    };
}

using Edit = std::function<void(QJsonObject &)>;

void setArchitecture(QJsonObject &manifest, const QString &key, const QJsonValue &value)
{
    QJsonObject architecture = manifest.value(QStringLiteral("architecture")).toObject();
    if (value.isUndefined())
        architecture.remove(key);
    else
        architecture[key] = value;
    manifest[QStringLiteral("architecture")] = architecture;
}

void setOutput(QJsonObject &manifest, int index, const QString &key, const QJsonValue &value)
{
    QJsonArray outputs = manifest.value(QStringLiteral("outputs")).toArray();
    QJsonObject entry = outputs[index].toObject();
    if (value.isUndefined())
        entry.remove(key);
    else
        entry[key] = value;
    outputs[index] = entry;
    manifest[QStringLiteral("outputs")] = outputs;
}

} // namespace

Q_DECLARE_METATYPE(Edit)

class TestEncoderManifest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir mFolder;

    QString write(const QJsonObject &manifest)
    {
        const QString path = QDir(mFolder.path()).filePath(QStringLiteral("manifest.json"));
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return {};
        file.write(QJsonDocument(manifest).toJson());
        return path;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(mFolder.isValid());
        QFile module(QDir(mFolder.path()).filePath(QStringLiteral("module.pt")));
        QVERIFY(module.open(QIODevice::WriteOnly));
    }

    void vitFieldsAreRead()
    {
        const EncoderManifest manifest = loadEncoderManifest(write(vitManifest()));
        QVERIFY(manifest.isVit());
        QCOMPARE(manifest.patchSize, 14);
        QCOMPARE(manifest.prefixTokens, 1);
        QCOMPARE(manifest.registerTokens, 4);
        QVERIFY(manifest.hasAttention);
        QCOMPARE(manifest.outputs.size(), 3);
        QCOMPARE(manifest.outputs[0].kind, EncoderOutputKind::Tokens);
        QCOMPARE(manifest.outputs[1].kind, EncoderOutputKind::Tokens);
        QCOMPARE(manifest.outputs[2].kind, EncoderOutputKind::Attention);
        QCOMPARE(manifest.attentionOutputIndex(), 2);
        QCOMPARE(manifest.globalEmbeddingOutput, QStringLiteral("block_12"));
        QCOMPARE(manifest.defaultLayers, QStringList{QStringLiteral("block_12")});
        QCOMPARE(manifest.input.sizeMultiple, 14);
        QCOMPARE(manifest.input.interpolation, QStringLiteral("bicubic"));
    }

    void vitWithoutAttentionIsRead()
    {
        QJsonObject json = vitManifest();
        QJsonArray outputs = json.value(QStringLiteral("outputs")).toArray();
        outputs.removeLast();
        json[QStringLiteral("outputs")] = outputs;
        json[QStringLiteral("attention")] = false;
        json[QStringLiteral("register_tokens")] = 0;
        const EncoderManifest manifest = loadEncoderManifest(write(json));
        QVERIFY(!manifest.hasAttention);
        QCOMPARE(manifest.attentionOutputIndex(), -1);
        QCOMPARE(manifest.registerTokens, 0);
    }

    void cnnManifestKeepsFeatureMaps()
    {
        const EncoderManifest manifest = loadEncoderManifest(write(cnnManifest()));
        QVERIFY(!manifest.isVit());
        QCOMPARE(manifest.patchSize, 0);
        QCOMPARE(manifest.outputs[0].kind, EncoderOutputKind::FeatureMap);
        QCOMPARE(manifest.outputs[1].kind, EncoderOutputKind::FeatureMap);
        QCOMPARE(manifest.attentionOutputIndex(), -1);
        QCOMPARE(manifest.outputs[1].stride, 8);
        QCOMPARE(manifest.globalEmbeddingOutput, QString());
    }

    void cnnRejectsTokenOutputs()
    {
        QJsonObject json = cnnManifest();
        setOutput(json, 0, QStringLiteral("kind"), QStringLiteral("tokens"));
        try {
            loadEncoderManifest(write(json));
            QFAIL("a cnn manifest with a tokens output was accepted");
        } catch (const ModelError &error) {
            QVERIFY2(error.message().contains(QLatin1String("feature_map")), qPrintable(error.message()));
        }
    }

    void invalidVitManifestIsRejected_data()
    {
        QTest::addColumn<Edit>("edit");
        QTest::addColumn<QString>("expectedText");

        QTest::newRow("patch size missing")
            << Edit([](QJsonObject &m) { setArchitecture(m, QStringLiteral("patch_size"), QJsonValue::Undefined); })
            << QStringLiteral("architecture.patch_size");
        QTest::newRow("prefix tokens 0")
            << Edit([](QJsonObject &m) { m[QStringLiteral("prefix_tokens")] = 0; })
            << QStringLiteral("prefix_tokens");
        QTest::newRow("register tokens negative")
            << Edit([](QJsonObject &m) { m[QStringLiteral("register_tokens")] = -1; })
            << QStringLiteral("\"register_tokens\" must be an integer of 0 or more");
        QTest::newRow("register tokens missing")
            << Edit([](QJsonObject &m) { m.remove(QStringLiteral("register_tokens")); })
            << QStringLiteral("missing field \"register_tokens\"");
        QTest::newRow("attention not a bool")
            << Edit([](QJsonObject &m) { m[QStringLiteral("attention")] = 1; })
            << QStringLiteral("\"attention\" must be true or false");
        QTest::newRow("size multiple off the patch size")
            << Edit([](QJsonObject &m) { m[QStringLiteral("input")] = input(224, 16); })
            << QStringLiteral("size_multiple 16 is not a multiple of the patch size 14");
        QTest::newRow("input size off the patch size")
            << Edit([](QJsonObject &m) { m[QStringLiteral("input")] = input(230, 14); })
            << QStringLiteral("input size 230x230 is not a multiple of the patch size 14");
        QTest::newRow("output kind missing")
            << Edit([](QJsonObject &m) { setOutput(m, 0, QStringLiteral("kind"), QJsonValue::Undefined); })
            << QStringLiteral("missing field \"outputs[0].kind\"");
        QTest::newRow("output kind unknown")
            << Edit([](QJsonObject &m) { setOutput(m, 1, QStringLiteral("kind"), QStringLiteral("feature_map")); })
            << QStringLiteral("expected tokens or attention");
        QTest::newRow("token stride off the patch size")
            << Edit([](QJsonObject &m) { setOutput(m, 0, QStringLiteral("stride"), 16); })
            << QStringLiteral("outputs[0].stride is 16");
        QTest::newRow("attention not last")
            << Edit([](QJsonObject &m) {
                   QJsonArray outputs = m.value(QStringLiteral("outputs")).toArray();
                   const QJsonValue attention = outputs.takeAt(2);
                   outputs.insert(0, attention);
                   m[QStringLiteral("outputs")] = outputs;
               })
            << QStringLiteral("must be the last output");
        QTest::newRow("attention with two channels")
            << Edit([](QJsonObject &m) { setOutput(m, 2, QStringLiteral("channels"), 2); })
            << QStringLiteral("must have 1 channel, not 2");
        QTest::newRow("attention flag without output")
            << Edit([](QJsonObject &m) { setOutput(m, 2, QStringLiteral("kind"), QStringLiteral("tokens")); })
            << QStringLiteral("\"attention\" is true, but \"outputs\" lists 0 attention output(s)");
        QTest::newRow("attention output without flag")
            << Edit([](QJsonObject &m) { m[QStringLiteral("attention")] = false; })
            << QStringLiteral("\"attention\" is false, but \"outputs\" lists 1 attention output(s)");
        QTest::newRow("two attention outputs")
            << Edit([](QJsonObject &m) { setOutput(m, 1, QStringLiteral("kind"), QStringLiteral("attention")); })
            << QStringLiteral("must be the last output");
        QTest::newRow("only an attention output")
            << Edit([](QJsonObject &m) {
                   m[QStringLiteral("outputs")] = QJsonArray{output("cls_attention", "attention", 14, 1)};
                   m[QStringLiteral("default_layers")] = QJsonArray{};
                   m[QStringLiteral("global_embedding")] = QStringLiteral("cls_attention");
               })
            << QStringLiteral("at least one tokens output");
        QTest::newRow("global embedding missing")
            << Edit([](QJsonObject &m) { m.remove(QStringLiteral("global_embedding")); })
            << QStringLiteral("missing field \"global_embedding\"");
        QTest::newRow("global embedding is the attention")
            << Edit([](QJsonObject &m) { m[QStringLiteral("global_embedding")] = QStringLiteral("cls_attention"); })
            << QStringLiteral("global_embedding \"cls_attention\" is not a tokens output");
        QTest::newRow("global embedding unknown")
            << Edit([](QJsonObject &m) { m[QStringLiteral("global_embedding")] = QStringLiteral("block_99"); })
            << QStringLiteral("global_embedding \"block_99\" is not a tokens output");
        QTest::newRow("default layer is the attention")
            << Edit([](QJsonObject &m) {
                   m[QStringLiteral("default_layers")] = QJsonArray{QStringLiteral("cls_attention")};
               })
            << QStringLiteral("default layer \"cls_attention\" is not a tokens output");
    }

    void invalidVitManifestIsRejected()
    {
        QFETCH(Edit, edit);
        QFETCH(QString, expectedText);
        QJsonObject json = vitManifest();
        edit(json);
        try {
            loadEncoderManifest(write(json));
            QFAIL("an invalid ViT manifest was accepted");
        } catch (const ModelError &error) {
            QVERIFY2(error.message().contains(expectedText), qPrintable(error.message()));
            QVERIFY2(error.message().contains(QLatin1String("manifest.json")), qPrintable(error.message()));
        }
    }
};

QTEST_GUILESS_MAIN(TestEncoderManifest)
#include "test_encoder_manifest.moc"
