#pragma once

#include <QString>

namespace patchead {

// Sets the thread count of OpenBLAS, which runs the nearest-patch search,
// and returns the count in effect. threads must be >= 1.
int configureBlasThreads(int threads);

// Returns the thread count OpenBLAS runs with, which the nearest-patch search
// uses for its own parallel loops too.
int blasThreadCount();

// How the linked OpenBLAS runs in parallel: "openmp", "pthreads" or
// "sequential". The pthreads build competes with LibTorch's OpenMP threads
// and ran 3x slower on 2 cores (Debian 12, LibTorch 1.13.1), so callers warn
// about it.
QString blasParallelMode();

} // namespace patchead
