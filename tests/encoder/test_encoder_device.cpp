// Device choice of the TorchScript encoder: "auto" and "cpu" on every
// machine, and the CUDA forward against the CPU forward where LibTorch has a
// CUDA device (skipped elsewhere, as on Debian's CPU-only LibTorch).
#include "common/Error.h"
#include "encoder/Encoder.h"
#include "encoder/EncoderLocation.h"

#include <QFileInfo>
#include <QtTest>

#include <algorithm>
#include <cmath>

using namespace patchead;

namespace {

// A smooth, deterministic input with structure at several scales, so that
// every layer has non-trivial activations.
InputTensor patternInput(int width, int height)
{
    InputTensor input;
    input.width = width;
    input.height = height;
    input.chw.resize(static_cast<std::size_t>(3) * width * height);
    for (int c = 0; c < 3; ++c) {
        for (int y = 0; y < height; ++y) {
            for (int x = 0; x < width; ++x)
                input.chw[(static_cast<std::size_t>(c) * height + y) * width + x] =
                    0.5f + 0.4f * std::sin(0.07f * x * (c + 1) + 0.05f * y) * std::cos(0.11f * y - 0.3f * c);
        }
    }
    return input;
}

std::unique_ptr<Encoder> loadOn(const QString &device)
{
    EncoderOptions options;
    options.device = device;
    return loadTorchScriptEncoder(defaultEncoderManifest(), options);
}

} // namespace

class TestEncoderDevice : public QObject {
    Q_OBJECT

private slots:
    void init()
    {
        if (!QFileInfo::exists(defaultEncoderManifest()))
            QSKIP("Default encoder not prepared; run models/prepare-default-encoder.sh <build>/models.");
        configureTorchThreads(2);
    }

    void autoPicksAvailableDevice()
    {
        const std::unique_ptr<Encoder> encoder = loadOn(QStringLiteral("auto"));
        QCOMPARE(encoder->deviceName(), cudaDeviceCount() > 0 ? QStringLiteral("cuda:0") : QStringLiteral("cpu"));
    }

    void cudaRequestWithoutDeviceFails()
    {
        if (cudaDeviceCount() > 0)
            QSKIP("A CUDA device is present, so a CUDA request succeeds here.");
        QVERIFY_THROWS_EXCEPTION(ModelError, loadOn(QStringLiteral("cuda")));
    }

    void cudaMatchesCpu()
    {
        if (cudaDeviceCount() == 0)
            QSKIP("No CUDA device: this LibTorch build is CPU-only or no GPU is visible.");
        const std::unique_ptr<Encoder> cpu = loadOn(QStringLiteral("cpu"));
        const std::unique_ptr<Encoder> cuda = loadOn(QStringLiteral("cuda"));
        QCOMPARE(cuda->deviceName(), QStringLiteral("cuda:0"));

        const QStringList layers = cpu->manifest().defaultLayers;
        const InputTensor input = patternInput(cpu->manifest().input.width, cpu->manifest().input.height);
        const EncoderOutput onCpu = cpu->encode(input, layers);
        const EncoderOutput onCuda = cuda->encode(input, layers);
        QCOMPARE(onCuda.layers.size(), onCpu.layers.size());
        for (std::size_t i = 0; i < onCpu.layers.size(); ++i) {
            const FeatureMap &expected = onCpu.layers[i];
            const FeatureMap &actual = onCuda.layers[i];
            QCOMPARE(actual.height, expected.height);
            QCOMPARE(actual.width, expected.width);
            QCOMPARE(actual.channels, expected.channels);
            float largest = 0.0f;
            float difference = 0.0f;
            for (std::size_t v = 0; v < expected.data.size(); ++v) {
                largest = std::max(largest, std::abs(expected.data[v]));
                difference = std::max(difference, std::abs(expected.data[v] - actual.data[v]));
            }
            // cuDNN may pick other convolution algorithms (and TF32 on
            // Ampere or later), so agreement is to float tolerance, not bits.
            QVERIFY2(difference <= 1e-3f * std::max(1.0f, largest),
                     qPrintable(QStringLiteral("layer %1 differs by %2 (largest value %3)")
                                    .arg(layers[static_cast<int>(i)]).arg(difference).arg(largest)));
        }
        double cosine = 0.0;
        for (std::size_t v = 0; v < onCpu.globalEmbedding.size(); ++v)
            cosine += static_cast<double>(onCpu.globalEmbedding[v]) * onCuda.globalEmbedding[v];
        QVERIFY2(cosine > 0.9999, qPrintable(QStringLiteral("global embedding cosine %1").arg(cosine)));
    }
};

QTEST_GUILESS_MAIN(TestEncoderDevice)
#include "test_encoder_device.moc"
