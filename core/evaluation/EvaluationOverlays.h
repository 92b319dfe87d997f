#pragma once

#include "evaluation/Evaluation.h"
#include "inspection/PartScorer.h"

#include <vector>

namespace patchead {

// Writes side-by-side pictures (image | heatmap with the ground-truth outline)
// of the request's worst test images into request.overlayFolder: the
// overlayCount highest-scoring good images and lowest-scoring defective
// ones. The heatmap colours value / (2 x threshold), so 0.5 on the colour
// scale is the F1-max threshold of this run. `parts` contains the PartScore of
// each test sample in order. Fills result.overlays; throws Error when the
// folder cannot be written.
void writeWorstOverlays(const EvaluationRequest &request, const std::vector<PartScore> &parts, double threshold,
                        EvaluationResult &result);

} // namespace patchead
