#pragma once

// Internal to the encoder library: includes LibTorch, so only its .cpp
// files may include this header.
#include <torch/script.h>

#include <vector>

namespace patchead {

// Returns a frozen copy of `loaded` (which must be in eval mode) that
// computes only the outputs marked in `kept`, indexed like the list or tuple
// its forward() returns. The other outputs come back as empty tensors, and
// the operators that only they needed are removed, so a CNN stops at the
// deepest kept output. On the CPU the copy is also optimised for inference
// (LibTorch 1.13 `optimize_for_inference`: convolutions fused with their
// activations and run through oneDNN). `loaded` is left unchanged. Throws
// std::exception (c10::Error among them) when a pass rejects the module.
torch::jit::Module inferenceModule(const torch::jit::Module &loaded, const std::vector<bool> &kept, bool onCpu);

} // namespace patchead
