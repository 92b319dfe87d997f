#include "encoder/InferenceModule.h"

#include <torch/csrc/jit/api/module.h>
#include <torch/csrc/jit/ir/ir.h>
#include <torch/csrc/jit/passes/dead_code_elimination.h>

namespace patchead {

namespace {

// Replaces the outputs not kept by one empty tensor and removes the
// operators that no longer reach an output. Freezing has inlined the
// submodules, so dead-code elimination covers the whole network.
void pruneOutputs(const std::shared_ptr<torch::jit::Graph> &graph, const std::vector<bool> &keptOutputs)
{
    torch::jit::Node *outputs = graph->outputs().at(0)->node();
    if (outputs->kind() != c10::prim::ListConstruct && outputs->kind() != c10::prim::TupleConstruct)
        return;
    torch::jit::WithInsertPoint insertBeforeOutputs(outputs);
    torch::jit::Value *empty = graph->insertConstant(at::empty({0}));
    for (std::size_t i = 0; i < outputs->inputs().size() && i < keptOutputs.size(); ++i) {
        if (!keptOutputs[i])
            outputs->replaceInput(i, empty);
    }
    torch::jit::EliminateDeadCode(graph);
}

} // namespace

torch::jit::Module inferenceModule(const torch::jit::Module &loaded, const std::vector<bool> &keptOutputs,
                                   bool onCpu)
{
    // freeze() copies the module, so `loaded` keeps its graph.
    torch::jit::Module module = torch::jit::freeze(loaded);
    pruneOutputs(module.get_method("forward").graph(), keptOutputs);
    if (onCpu)
        module = torch::jit::optimize_for_inference(module);
    return module;
}

} // namespace patchead
