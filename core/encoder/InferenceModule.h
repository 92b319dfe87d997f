#pragma once

// Part of the encoder library only, because it includes LibTorch.
#include <torch/script.h>

#include <vector>

namespace patchead {

// Returns a frozen copy of `loaded` (in eval mode) that computes only the
// outputs flagged in `keptOutputs`, indexed like the list its forward()
// returns. The other outputs are empty tensors and their operators are
// removed, so a CNN stops at the deepest kept output. On the CPU the copy is
// also passed through LibTorch's optimize_for_inference. Throws
// std::exception when a pass rejects the module.
torch::jit::Module inferenceModule(const torch::jit::Module &loaded, const std::vector<bool> &keptOutputs,
                                   bool onCpu);

} // namespace patchead
