// The only translation unit of the core that includes LibTorch: everything
// else sees the Qt-free Encoder interface, which keeps rebuilds fast and
// avoids the clash between Qt's "slots" macro and LibTorch headers.
#include <torch/script.h>
#include <torch/torch.h>

#include "encoder/Encoder.h"

#include "common/Error.h"
#include "common/Hashing.h"
#include "common/Logging.h"

#include <QElapsedTimer>
#include <QThread>

#include <cstring>

namespace patchead {

namespace {

torch::Device chooseDevice(const QString &request)
{
    if (request == QLatin1String("cpu"))
        return torch::Device(torch::kCPU);
    const bool cuda = torch::cuda::is_available();
    if (request == QLatin1String("auto"))
        return cuda ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
    if (request.startsWith(QLatin1String("cuda"))) {
        if (!cuda)
            throw ModelError(QStringLiteral("Device \"%1\" requested but this LibTorch build has no "
                                            "usable CUDA device; use --device cpu or auto.")
                                 .arg(request));
        const int index = request.contains(QLatin1Char(':')) ? request.section(QLatin1Char(':'), 1).toInt() : 0;
        return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(index));
    }
    throw ModelError(QStringLiteral("Unknown device \"%1\"; use auto, cpu, cuda or cuda:N.").arg(request));
}

// Converts a [1, C, h, w] tensor into a channel-last FeatureMap on the CPU.
FeatureMap toFeatureMap(const torch::Tensor &tensor)
{
    const torch::Tensor channelLast = tensor.squeeze(0).permute({1, 2, 0}).contiguous()
                                          .to(torch::kCPU, torch::kFloat32);
    FeatureMap map(static_cast<int>(channelLast.size(0)), static_cast<int>(channelLast.size(1)),
                   static_cast<int>(channelLast.size(2)));
    std::memcpy(map.data.data(), channelLast.data_ptr<float>(), map.data.size() * sizeof(float));
    return map;
}

class TorchScriptEncoder final : public Encoder {
public:
    TorchScriptEncoder(EncoderManifest manifest, torch::jit::Module module, torch::Device device)
        : mManifest(std::move(manifest)), mModule(std::move(module)), mDevice(device) {}

    const EncoderManifest &manifest() const override { return mManifest; }

    QString deviceName() const override { return QString::fromStdString(mDevice.str()); }

    EncoderOutput encode(const InputTensor &input, const QStringList &layerNames) override
    {
        const std::vector<torch::Tensor> maps = forward(input);
        EncoderOutput output;
        for (const QString &name : layerNames)
            output.layers.push_back(toFeatureMap(maps.at(static_cast<std::size_t>(outputIndexOrThrow(name)))));
        output.globalEmbedding = globalEmbedding(maps);
        return output;
    }

    // Runs the module and checks its outputs against the manifest.
    std::vector<torch::Tensor> forward(const InputTensor &input)
    {
        torch::NoGradGuard noGrad;
        const torch::Tensor blob = torch::from_blob(const_cast<float *>(input.chw.data()),
                                                    {1, 3, input.height, input.width}, torch::kFloat32);
        std::vector<torch::jit::IValue> arguments{blob.to(mDevice)};
        torch::jit::IValue result;
        try {
            result = mModule.forward(arguments);
        } catch (const c10::Error &error) {
            throw ModelError(QStringLiteral("Encoder %1 failed on a %2x%3 input: %4")
                                 .arg(mManifest.moduleFile).arg(input.width).arg(input.height)
                                 .arg(QString::fromStdString(error.what_without_backtrace())));
        }
        return checkedOutputs(result, input);
    }

private:
    std::vector<torch::Tensor> checkedOutputs(const torch::jit::IValue &result, const InputTensor &input) const
    {
        std::vector<torch::Tensor> maps;
        if (result.isTensorList()) {
            for (const torch::Tensor &tensor : result.toTensorVector())
                maps.push_back(tensor);
        } else if (result.isList() || result.isTuple()) {
            const auto values = result.isList() ? result.toListRef().vec() : result.toTupleRef().elements().vec();
            for (const auto &value : values)
                maps.push_back(value.toTensor());
        } else {
            fail(QStringLiteral("returned neither a list nor a tuple of tensors"));
        }
        if (maps.size() != static_cast<std::size_t>(mManifest.outputs.size()))
            fail(QStringLiteral("returned %1 feature maps but the manifest lists %2")
                     .arg(maps.size()).arg(mManifest.outputs.size()));
        for (std::size_t i = 0; i < maps.size(); ++i)
            checkShape(maps[i], mManifest.outputs[static_cast<int>(i)], input);
        return maps;
    }

    void checkShape(const torch::Tensor &map, const EncoderOutputSpec &spec, const InputTensor &input) const
    {
        if (map.dim() != 4 || map.size(0) != 1)
            fail(QStringLiteral("output \"%1\" is not a [1, C, h, w] tensor").arg(spec.name));
        if (map.size(1) != spec.channels)
            fail(QStringLiteral("output \"%1\" has %2 channels, the manifest says %3")
                     .arg(spec.name).arg(map.size(1)).arg(spec.channels));
        // "same" padding rounds up, so a grid may be one patch larger than
        // input / stride; "valid" padding (InceptionV3) loses a few border
        // patches, so any smaller non-empty grid is accepted.
        const auto maxHeight = (input.height + spec.stride - 1) / spec.stride + 1;
        const auto maxWidth = (input.width + spec.stride - 1) / spec.stride + 1;
        if (map.size(2) < 1 || map.size(3) < 1 || map.size(2) > maxHeight || map.size(3) > maxWidth)
            fail(QStringLiteral("output \"%1\" is %2x%3 patches for a %4x%5 input, but stride %6 "
                                "allows at most %7x%8")
                     .arg(spec.name).arg(map.size(3)).arg(map.size(2)).arg(input.width)
                     .arg(input.height).arg(spec.stride).arg(maxWidth).arg(maxHeight));
    }

    int outputIndexOrThrow(const QString &name) const
    {
        const int index = mManifest.outputIndex(name);
        if (index < 0)
            throw SettingsError(QStringLiteral("Layer \"%1\" is not an output of encoder %2; "
                                               "available: %3")
                                    .arg(name, mManifest.name, availableLayers()));
        return index;
    }

    QString availableLayers() const
    {
        QStringList names;
        for (const auto &output : mManifest.outputs)
            names.append(output.name);
        return names.join(QStringLiteral(", "));
    }

    // Mean over the grid of the manifest's global-embedding output (the last
    // output when none is named), L2-normalised.
    std::vector<float> globalEmbedding(const std::vector<torch::Tensor> &maps) const
    {
        int index = mManifest.outputIndex(mManifest.globalEmbeddingOutput);
        if (index < 0)
            index = static_cast<int>(maps.size()) - 1;
        torch::Tensor pooled = maps[static_cast<std::size_t>(index)].mean({2, 3}).flatten()
                                   .to(torch::kCPU, torch::kFloat32);
        pooled = pooled / pooled.norm().clamp_min(1e-12);
        return std::vector<float>(pooled.data_ptr<float>(), pooled.data_ptr<float>() + pooled.numel());
    }

    [[noreturn]] void fail(const QString &what) const
    {
        throw ModelError(QStringLiteral("Encoder module %1 does not match its manifest: it %2. "
                                        "Export the module and manifest together again.")
                             .arg(mManifest.moduleFile, what));
    }

    EncoderManifest mManifest;
    torch::jit::Module mModule;
    torch::Device mDevice;
};

torch::jit::Module loadModule(const EncoderManifest &manifest, const torch::Device &device)
{
    try {
        torch::jit::Module module = torch::jit::load(manifest.moduleFile.toStdString(), device);
        module.eval();
        return module;
    } catch (const c10::Error &error) {
        throw ModelError(QStringLiteral("Cannot load encoder module %1: it is missing, truncated or "
                                        "not a TorchScript file (%2). Prepare the encoder again.")
                             .arg(manifest.moduleFile,
                                  QString::fromStdString(error.what_without_backtrace()).section(QLatin1Char('\n'), 0, 0)));
    }
}

} // namespace

std::unique_ptr<Encoder> loadTorchScriptEncoder(const QString &manifestPath, const EncoderOptions &options)
{
    QElapsedTimer timer;
    timer.start();
    EncoderManifest manifest = loadEncoderManifest(manifestPath);
    if (options.verifyHash) {
        const QString actual = fileSha256(manifest.moduleFile);
        if (actual.compare(manifest.moduleSha256, Qt::CaseInsensitive) != 0)
            throw ModelError(QStringLiteral("Encoder module %1 has SHA-256 %2 but its manifest says %3: "
                                            "the file was changed or truncated. Prepare the encoder again.")
                                 .arg(manifest.moduleFile, actual.isEmpty() ? QStringLiteral("(unreadable)") : actual,
                                      manifest.moduleSha256));
    }
    const torch::Device device = chooseDevice(options.device);
    auto encoder = std::make_unique<TorchScriptEncoder>(manifest, loadModule(manifest, device), device);

    // A probe at the manifest's input size catches a module that does not
    // match the manifest now, instead of on the first part of a lot.
    InputTensor probe;
    probe.width = manifest.input.width;
    probe.height = manifest.input.height;
    probe.chw.assign(static_cast<std::size_t>(3) * probe.width * probe.height, 0.5f);
    encoder->forward(probe);
    qCInfo(lcEncoder) << "Loaded encoder" << manifest.name << "from" << manifest.moduleFile << "on"
                      << encoder->deviceName() << "in" << timer.elapsed() << "ms";
    return encoder;
}

int configureTorchThreads(int threads)
{
    const int wanted = threads > 0 ? threads : QThread::idealThreadCount();
    torch::set_num_threads(wanted);
    return torch::get_num_threads();
}

QString torchBuildSummary()
{
    const bool cuda = torch::cuda::is_available();
    return QStringLiteral("LibTorch %1, %2")
        .arg(QStringLiteral(TORCH_VERSION),
             cuda ? QStringLiteral("CUDA with %1 device(s)").arg(torch::cuda::device_count())
                  : QStringLiteral("CPU only"));
}

} // namespace patchead
