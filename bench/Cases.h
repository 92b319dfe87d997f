#pragma once

// The benchmark cases. Each runs in a process of its own, started by the
// orchestrator, so that its peak memory (VmHWM) is its own; each prints one
// RESULT line of JSON through emitResult().

#include "BenchSupport.h"

namespace patchead::bench {

// Per-stage times of few-shot scoring, part by part: decode, preprocessing,
// encoder forward, patch features, nearest-patch search, image score, map
// upsampling and smoothing, database commit.
void runStagesCase(const CaseParameters &parameters);

// The encoder forward alone on one preprocessed image, repeated.
void runForwardCase(const CaseParameters &parameters);

// OpenBLAS sgemm throughput on large square matrices and the throughput the
// nearest-patch search reaches on the shapes of real reference sets.
void runGemmCase(const CaseParameters &parameters);

// A few-shot lot end to end through LotInspection, as the command line runs it.
void runFewShotCase(const CaseParameters &parameters);

// A batch zero-shot lot end to end through LotInspection.
void runZeroShotCase(const CaseParameters &parameters);

} // namespace patchead::bench
