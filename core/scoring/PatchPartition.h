#pragma once

#include <vector>

namespace patchead {

// Returns an order of `count` patches (row after row, `channels` floats
// each) in which every run of `leaf` consecutive patches lie close together.
// The runs are the leaves of a binary tree that splits each node at the
// median of its projections on the node's leading principal direction,
// found by `powerIterations` power iterations. Every
// left child contains a multiple of `leaf` patches, so only the last run can be
// shorter. Deterministic for the same input.
std::vector<int> similarPatchOrder(const float *patches, int count, int channels, int leaf, int powerIterations);

} // namespace patchead
