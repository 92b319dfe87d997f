#pragma once

#include "common/FeatureMap.h"
#include "encoder/EncoderManifest.h"

#include <QString>
#include <memory>
#include <vector>

namespace patchead {

// A preprocessed image: float32 CHW, 3 channels, as the module takes it.
struct InputTensor {
    int width = 0;
    int height = 0;
    std::vector<float> chw; // 3 * height * width values
};

// The result of one forward pass: the requested layers as patch grids, a
// global embedding for the alignment module and, for ViTs with an attention
// output, the attention grid for the foreground mask.
struct EncoderOutput {
    // In the order of the requested layer names. ViT layers hold the patch
    // tokens only (CLS and register tokens dropped) on the input / patch grid.
    std::vector<FeatureMap> layers;
    // L2-normalised. CNN: the mean over the grid of the global-embedding
    // output. ViT: the CLS token of the global-embedding layer.
    std::vector<float> globalEmbedding;
    // ViT only: the last block's attention from the CLS token to each patch,
    // after the softmax, averaged over heads, on the same grid as the layers.
    // Values are >= 0 and sum to at most 1 (the CLS and register columns are
    // left out). Empty for CNNs and ViTs exported without attention.
    PatchGrid attention;
};

// Choice of whether encode() fills EncoderOutput::globalEmbedding. Only the
// alignment module reads it, from the references. Without it a CNN stops at
// the deepest requested layer: 24 instead of 35 ms for the default
// MobileNetV2 layers on the 2-core build machine (docs/benchmarks.md).
enum class GlobalEmbedding { Compute, Skip };

// The seam between the scoring pipeline and the inference back end. The
// only implementation in the product runs a TorchScript module; tests may
// provide small deterministic encoders. Implementations must allow encode()
// from several threads at once, because a lot scores parts on parallel lanes.
class Encoder {
public:
    virtual ~Encoder() = default;
    virtual const EncoderManifest &manifest() const = 0;
    // Runs the encoder and returns the named outputs. Throws ModelError when
    // the module fails or returns shapes that contradict the manifest.
    virtual EncoderOutput encode(const InputTensor &input, const QStringList &layerNames,
                                 GlobalEmbedding globalEmbedding = GlobalEmbedding::Compute) = 0;
    // "cpu" or "cuda:0", for logs and the --version line.
    virtual QString deviceName() const = 0;
};

// Device choice for the encoder. "auto" takes the first CUDA device when the
// LibTorch build has one and falls back to the CPU.
struct EncoderOptions {
    QString device = QStringLiteral("auto"); // "auto", "cpu", "cuda" or "cuda:N"
    bool verifyHash = true;                  // compare the module's SHA-256 with the manifest
};

// Loads the TorchScript module a manifest names. Throws ModelError for a
// missing, truncated or non-TorchScript file, a hash mismatch, or a module
// whose outputs do not match the manifest on a probe input.
std::unique_ptr<Encoder> loadTorchScriptEncoder(const QString &manifestPath,
                                                const EncoderOptions &options = {});

// Sets LibTorch's intra-op thread count (0 keeps the default of the number
// of cores) and returns the count in effect. LibTorch 1.13 on Debian starts
// with one thread on some machines, so the programs set it at start-up.
int configureTorchThreads(int threads);

// Returns LibTorch's intra-op thread count in effect.
int torchThreadCount();

// Sets LibTorch's inter-op thread count and returns the count in effect.
// LibTorch accepts it only once per process and before any inter-op work, so
// a later call logs a warning and keeps the first value.
int configureTorchInterOpThreads(int threads);

// CUDA devices LibTorch can use: 0 for a CPU-only build or without a GPU.
int cudaDeviceCount();

// LibTorch version and the device `--device auto` picks (cpu, or cuda:0 with
// its name and the CUDA device count), for --version.
QString torchBuildSummary();

} // namespace patchead
