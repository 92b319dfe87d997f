// With InferenceModule.cpp, the only translation units of the core that
// include LibTorch: everything else uses the Encoder interface, which keeps rebuilds fast and
// avoids the clash between Qt's "slots" macro and LibTorch headers.
#include <torch/script.h>
#include <torch/torch.h>
// A CUDA build of LibTorch brings the CUDA toolkit's include folder along;
// the CPU-only Debian build has no such header.
#if __has_include(<cuda_runtime_api.h>)
#include <cuda_runtime_api.h>
#define PATCHEAD_HAVE_CUDA_RUNTIME 1
#endif

#include "encoder/Encoder.h"
#include "encoder/InferenceModule.h"

#include "common/Error.h"
#include "common/Hashing.h"
#include "common/Logging.h"

#include <QElapsedTimer>
#include <QThread>

#include <algorithm>
#include <cstring>
#include <map>
#include <mutex>

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
    throw SettingsError(QStringLiteral("Unknown device \"%1\"; use auto, cpu, cuda or cuda:N.").arg(request));
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

// Converts the patch tokens of a ViT output [1, T, C] into an h x w
// channel-last FeatureMap, dropping the first `skip` tokens (CLS and
// registers). Patch tokens are in row-major grid order.
FeatureMap tokensToFeatureMap(const torch::Tensor &tokens, int skip, int height, int width)
{
    const torch::Tensor patches = tokens.squeeze(0).slice(0, skip).contiguous().to(torch::kCPU, torch::kFloat32);
    FeatureMap map(height, width, static_cast<int>(patches.size(1)));
    std::memcpy(map.data.data(), patches.data_ptr<float>(), map.data.size() * sizeof(float));
    return map;
}

// Converts the [1, h * w] attention output into an h x w grid.
PatchGrid attentionToPatchGrid(const torch::Tensor &attention, int height, int width)
{
    const torch::Tensor values = attention.reshape({-1}).contiguous().to(torch::kCPU, torch::kFloat32);
    PatchGrid grid(height, width);
    std::memcpy(grid.values.data(), values.data_ptr<float>(), grid.values.size() * sizeof(float));
    return grid;
}

std::vector<float> normalisedVector(torch::Tensor vector)
{
    vector = vector.flatten().to(torch::kCPU, torch::kFloat32).contiguous();
    vector = vector / vector.norm().clamp_min(1e-12);
    return std::vector<float>(vector.data_ptr<float>(), vector.data_ptr<float>() + vector.numel());
}

class TorchScriptEncoder final : public Encoder {
public:
    TorchScriptEncoder(EncoderManifest manifest, torch::jit::Module module, torch::Device device)
        : mManifest(std::move(manifest)), mLoaded(std::move(module)), mDevice(device) {}

    const EncoderManifest &manifest() const override { return mManifest; }

    QString deviceName() const override { return QString::fromStdString(mDevice.str()); }

    EncoderOutput encode(const InputTensor &input, const QStringList &layerNames,
                         GlobalEmbedding globalEmbeddingWanted) override
    {
        const bool withEmbedding = globalEmbeddingWanted == GlobalEmbedding::Compute;
        const std::vector<torch::Tensor> maps = forward(input, outputsRead(layerNames, withEmbedding));
        EncoderOutput output;
        if (!mManifest.isVit()) {
            for (const QString &name : layerNames)
                output.layers.push_back(toFeatureMap(maps.at(static_cast<std::size_t>(outputIndexOrThrow(name)))));
            if (withEmbedding)
                output.globalEmbedding = normalisedVector(maps.at(cnnEmbeddingIndex()).mean({2, 3}));
            return output;
        }

        const int gridHeight = input.height / mManifest.patchSize;
        const int gridWidth = input.width / mManifest.patchSize;
        const int skip = mManifest.prefixTokens + mManifest.registerTokens;
        for (const QString &name : layerNames) {
            const auto index = static_cast<std::size_t>(outputIndexOrThrow(name));
            output.layers.push_back(tokensToFeatureMap(maps.at(index), skip, gridHeight, gridWidth));
        }
        // The CLS token (the first prefix token) of the named layer.
        const auto globalIndex = static_cast<std::size_t>(mManifest.outputIndex(mManifest.globalEmbeddingOutput));
        if (withEmbedding)
            output.globalEmbedding = normalisedVector(maps.at(globalIndex)[0][0]);
        const int attentionIndex = mManifest.attentionOutputIndex();
        if (attentionIndex >= 0)
            output.attention = attentionToPatchGrid(maps.at(static_cast<std::size_t>(attentionIndex)),
                                                    gridHeight, gridWidth);
        return output;
    }

    // Runs the module and checks its outputs against the manifest. Outputs
    // not in `keptOutputs` come back as empty tensors. By default all are kept.
    std::vector<torch::Tensor> forward(const InputTensor &input, std::vector<bool> keptOutputs = {})
    {
        if (keptOutputs.empty())
            keptOutputs.assign(static_cast<std::size_t>(mManifest.outputs.size()), true);
        if (mManifest.isVit()
            && (input.width % mManifest.patchSize != 0 || input.height % mManifest.patchSize != 0))
            throw ModelError(QStringLiteral("Input size %1x%2 is not a multiple of the patch size %3 of encoder "
                                            "%4; choose a resolution that is a multiple of %3.")
                                 .arg(input.width).arg(input.height).arg(mManifest.patchSize).arg(mManifest.name));
        torch::NoGradGuard noGrad;
        const torch::Tensor blob = torch::from_blob(const_cast<float *>(input.chw.data()),
                                                    {1, 3, input.height, input.width}, torch::kFloat32);
        std::vector<torch::jit::IValue> arguments{blob.to(mDevice)};
        torch::jit::IValue result;
        try {
            result = moduleFor(keptOutputs).forward(arguments);
        } catch (const c10::Error &error) {
            throw ModelError(QStringLiteral("Encoder %1 failed on a %2x%3 input: %4")
                                 .arg(mManifest.moduleFile).arg(input.width).arg(input.height)
                                 .arg(QString::fromStdString(error.what_without_backtrace())));
        } catch (const std::exception &error) {
            // The TorchScript interpreter raises torch::jit::JITException, no
            // c10::Error, for example when an input is smaller than a kernel.
            // Its last line names the cause; the lines before are a traceback.
            const QString cause = QString::fromStdString(error.what()).trimmed().section(QLatin1Char('\n'), -1);
            throw ModelError(QStringLiteral("Encoder %1 failed on a %2x%3 input: %4. Check the input size in "
                                            "its manifest and --resolution against the smallest input the "
                                            "network takes (input.min_width in the manifest).")
                                 .arg(mManifest.moduleFile).arg(input.width).arg(input.height).arg(cause));
        }
        return checkedOutputs(result, input, keptOutputs);
    }

private:
    // Returns the outputs an encode() call reads: the named layers, the global
    // embedding when requested, and the attention output of a ViT.
    std::vector<bool> outputsRead(const QStringList &layerNames, bool withEmbedding) const
    {
        std::vector<bool> keptOutputs(static_cast<std::size_t>(mManifest.outputs.size()), false);
        for (const QString &name : layerNames)
            keptOutputs.at(static_cast<std::size_t>(outputIndexOrThrow(name))) = true;
        if (withEmbedding)
            keptOutputs.at(mManifest.isVit() ? static_cast<std::size_t>(mManifest.outputIndex(mManifest.globalEmbeddingOutput))
                                      : cnnEmbeddingIndex()) = true;
        if (mManifest.attentionOutputIndex() >= 0)
            keptOutputs.at(static_cast<std::size_t>(mManifest.attentionOutputIndex())) = true;
        return keptOutputs;
    }

    // Returns the module that computes the kept outputs, built on first use. A
    // module the inference passes reject runs as loaded, with every output.
    // Part lanes call forward() of one module from several threads at once
    // (lanesScoreLikeOneLane runs three), so only the map needs the lock.
    torch::jit::Module &moduleFor(const std::vector<bool> &keptOutputs)
    {
        const std::lock_guard<std::mutex> lock(mModulesMutex);
        auto found = mInferenceModules.find(keptOutputs);
        if (found != mInferenceModules.end())
            return found->second;
        QElapsedTimer timer;
        timer.start();
        try {
            torch::jit::Module module = inferenceModule(mLoaded, keptOutputs, mDevice.is_cpu());
            qCInfo(lcEncoder).noquote() << "Encoder" << mManifest.name << "prepared for"
                                        << std::count(keptOutputs.begin(), keptOutputs.end(), true) << "of"
                                        << keptOutputs.size() << "outputs in" << timer.elapsed() << "ms";
            return mInferenceModules.emplace(keptOutputs, std::move(module)).first->second;
        } catch (const std::exception &error) {
            qCWarning(lcEncoder).noquote()
                << "Encoder" << mManifest.moduleFile << "runs as loaded, with every output: freezing it failed:"
                << QString::fromStdString(error.what()).section(QLatin1Char('\n'), 0, 0);
            return mInferenceModules.emplace(keptOutputs, mLoaded).first->second;
        }
    }

    std::vector<torch::Tensor> checkedOutputs(const torch::jit::IValue &result, const InputTensor &input,
                                              const std::vector<bool> &keptOutputs) const
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
            fail(QStringLiteral("it returned neither a list nor a tuple of tensors"));
        }
        if (maps.size() != static_cast<std::size_t>(mManifest.outputs.size()))
            fail(QStringLiteral("it returned %1 outputs but the manifest lists %2")
                     .arg(maps.size()).arg(mManifest.outputs.size()));
        for (std::size_t i = 0; i < maps.size(); ++i) {
            if (!keptOutputs[i])
                continue;
            const EncoderOutputSpec &spec = mManifest.outputs[static_cast<int>(i)];
            switch (spec.kind) {
            case EncoderOutputKind::FeatureMap:
                checkShape(maps[i], spec, input);
                break;
            case EncoderOutputKind::Tokens:
                checkTokens(maps[i], spec, input);
                break;
            case EncoderOutputKind::Attention:
                checkAttention(maps[i], spec, input);
                break;
            }
        }
        return maps;
    }

    void checkTokens(const torch::Tensor &tokens, const EncoderOutputSpec &spec, const InputTensor &input) const
    {
        if (tokens.dim() != 3 || tokens.size(0) != 1)
            fail(QStringLiteral("output \"%1\" is not a [1, tokens, C] tensor").arg(spec.name));
        if (tokens.size(2) != spec.channels)
            fail(QStringLiteral("output \"%1\" has %2 channels, the manifest says %3")
                     .arg(spec.name).arg(tokens.size(2)).arg(spec.channels));
        const int gridHeight = input.height / mManifest.patchSize;
        const int gridWidth = input.width / mManifest.patchSize;
        const int expected = mManifest.prefixTokens + mManifest.registerTokens + gridHeight * gridWidth;
        if (tokens.size(1) != expected)
            fail(QStringLiteral("output \"%1\" has %2 tokens for a %3x%4 input, but the manifest expects "
                                "%5 prefix + %6 register + %7 x %8 patch tokens = %9 (patch size %10); check "
                                "prefix_tokens, register_tokens and architecture.patch_size")
                     .arg(spec.name).arg(tokens.size(1)).arg(input.width).arg(input.height)
                     .arg(mManifest.prefixTokens).arg(mManifest.registerTokens).arg(gridHeight).arg(gridWidth)
                     .arg(expected).arg(mManifest.patchSize));
    }

    void checkAttention(const torch::Tensor &attention, const EncoderOutputSpec &spec, const InputTensor &input) const
    {
        const int patches = (input.height / mManifest.patchSize) * (input.width / mManifest.patchSize);
        if (attention.dim() != 2 || attention.size(0) != 1 || attention.size(1) != patches)
            fail(QStringLiteral("attention output \"%1\" has shape [%2], but a %3x%4 input needs [1, %5] "
                                "(one weight per patch)")
                     .arg(spec.name, shapeText(attention)).arg(input.width).arg(input.height).arg(patches));
    }

    static QString shapeText(const torch::Tensor &tensor)
    {
        QStringList sizes;
        for (const auto size : tensor.sizes())
            sizes.append(QString::number(size));
        return sizes.join(QStringLiteral(", "));
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

    // Index of a feature layer (a feature map or a tokens output).
    int outputIndexOrThrow(const QString &name) const
    {
        const int index = mManifest.outputIndex(name);
        if (index < 0 || mManifest.outputs[index].kind == EncoderOutputKind::Attention)
            throw SettingsError(QStringLiteral("Layer \"%1\" is not a feature layer of encoder %2; "
                                               "available: %3")
                                    .arg(name, mManifest.name, availableLayers()));
        return index;
    }

    QString availableLayers() const
    {
        QStringList names;
        for (const auto &output : mManifest.outputs) {
            if (output.kind != EncoderOutputKind::Attention)
                names.append(output.name);
        }
        return names.join(QStringLiteral(", "));
    }

    // CNN: the manifest's global-embedding output (the last output when none
    // is named), whose mean over the grid is the global embedding.
    std::size_t cnnEmbeddingIndex() const
    {
        const int index = mManifest.outputIndex(mManifest.globalEmbeddingOutput);
        return static_cast<std::size_t>(index >= 0 ? index : mManifest.outputs.size() - 1);
    }

    [[noreturn]] void fail(const QString &what) const
    {
        throw ModelError(QStringLiteral("Encoder module %1 does not match its manifest: %2. "
                                        "Export the module and manifest together again.")
                             .arg(mManifest.moduleFile, what));
    }

    EncoderManifest mManifest;
    torch::jit::Module mLoaded; // in eval mode; runs only where the inference passes fail
    torch::Device mDevice;
    // Frozen copies by kept outputs: at most one per layer choice, with and
    // without the global embedding.
    std::map<std::vector<bool>, torch::jit::Module> mInferenceModules;
    std::mutex mModulesMutex;
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

int torchThreadCount()
{
    return torch::get_num_threads();
}

int configureTorchInterOpThreads(int threads)
{
    try {
        torch::set_num_interop_threads(threads);
    } catch (const c10::Error &) {
        qCWarning(lcEncoder) << "LibTorch kept" << torch::get_num_interop_threads()
                             << "inter-op threads: the count can be set once per process, before any "
                                "inter-op work.";
    }
    return torch::get_num_interop_threads();
}

int cudaDeviceCount()
{
    return torch::cuda::is_available() ? static_cast<int>(torch::cuda::device_count()) : 0;
}

namespace {

// The marketing name of a CUDA device ("NVIDIA H200"), or an empty string
// when this build cannot ask the CUDA runtime.
// NOTE: only the CPU-only branch is built on Debian's LibTorch.
QString cudaDeviceName(int index)
{
#ifdef PATCHEAD_HAVE_CUDA_RUNTIME
    cudaDeviceProp properties{};
    if (cudaGetDeviceProperties(&properties, index) == cudaSuccess)
        return QString::fromUtf8(properties.name);
#else
    Q_UNUSED(index)
#endif
    return QString();
}

} // namespace

QString torchBuildSummary()
{
    const QString version = QStringLiteral("LibTorch %1").arg(QStringLiteral(TORCH_VERSION));
    if (!torch::cuda::is_available())
        return version + QStringLiteral(", device cpu (no CUDA device)");

    // `--device auto` takes the first CUDA device, so that is the one named.
    const QString name = cudaDeviceName(0);
    return version + QStringLiteral(", device cuda:0%1 (%2 CUDA device(s))")
                         .arg(name.isEmpty() ? QString() : QLatin1Char(' ') + name)
                         .arg(torch::cuda::device_count());
}

} // namespace patchead
