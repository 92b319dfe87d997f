#pragma once

#include <QString>

namespace patchead {

// The thread counts of every pool the pipeline uses, as set at start-up.
struct ThreadSettings {
    QString source;         // where the count came from: "--threads", "PATCHEAD_THREADS" or "cores"
    int threads = 0;        // the count requested from every pool
    int torchIntraOp = 0;   // LibTorch operators (OpenMP)
    int torchInterOp = 0;   // LibTorch inter-op pool (only torch.jit.fork uses it)
    int blas = 0;           // OpenBLAS, for the nearest-patch search
    QString blasParallel;   // "openmp", "pthreads" or "sequential"
    int qtPool = 0;         // QThreadPool::globalInstance(), for QtConcurrent work

    // One line for the start-up log.
    QString summary() const;
};

// Returns an empty string when `threads` is a valid --threads value (0 for
// PATCHEAD_THREADS or every core, else 1 to 1024), otherwise the message
// that names the value and the valid range.
QString threadCountProblem(int threads);

// Sets the thread counts of LibTorch, OpenBLAS and Qt's global pool. The
// count is `requested` when > 0, else the environment variable
// PATCHEAD_THREADS when it holds a positive whole number, else the number
// of cores. The inter-op pool gets one thread because the encoders never
// fork TorchScript tasks. Call it before the first encoder loads: LibTorch
// accepts the inter-op count only once per process, and later calls keep
// the first value. Logs the result on patchead.inspection.
ThreadSettings configureThreads(int requested);

} // namespace patchead
