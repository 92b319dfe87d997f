#include "scoring/BlasThreads.h"

#include <algorithm>

#include <cblas.h>

namespace patchead {

int configureBlasThreads(int threads)
{
    openblas_set_num_threads(threads);
    return openblas_get_num_threads();
}

int blasThreadCount()
{
    return std::max(1, openblas_get_num_threads());
}

QString blasParallelMode()
{
    // Values of openblas_get_parallel() as OpenBLAS 0.3 defines them.
    switch (openblas_get_parallel()) {
    case 0:
        return QStringLiteral("sequential");
    case 1:
        return QStringLiteral("pthreads");
    default:
        return QStringLiteral("openmp");
    }
}

} // namespace patchead
