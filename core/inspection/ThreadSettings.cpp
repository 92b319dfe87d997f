#include "inspection/ThreadSettings.h"

#include "common/Logging.h"
#include "encoder/Encoder.h"
#include "scoring/BlasThreads.h"

#include <QThread>
#include <QThreadPool>

#include <tuple>

namespace patchead {

namespace {

// The count and where it came from: the caller's request, the environment, or the cores.
std::pair<int, QString> chooseThreadCount(int requested)
{
    if (requested > 0)
        return {requested, QStringLiteral("--threads")};
    bool ok = false;
    const int fromEnvironment = qEnvironmentVariableIntValue("PATCHEAD_THREADS", &ok);
    if (ok && fromEnvironment > 0)
        return {fromEnvironment, QStringLiteral("PATCHEAD_THREADS")};
    if (qEnvironmentVariableIsSet("PATCHEAD_THREADS"))
        qCWarning(lcInspection) << "Ignoring PATCHEAD_THREADS =" << qEnvironmentVariable("PATCHEAD_THREADS")
                                << ": it must be a positive whole number.";
    return {qMax(1, QThread::idealThreadCount()), QStringLiteral("cores")};
}

} // namespace

QString threadCountProblem(int threads)
{
    if (threads >= 0 && threads <= 1024)
        return QString();
    return QStringLiteral("--threads %1 is out of range; give 0 (use $PATCHEAD_THREADS, else every core) or a "
                          "count from 1 to 1024.").arg(threads);
}

QString ThreadSettings::summary() const
{
    return QStringLiteral("Threads (%1 from %2): LibTorch intra-op %3, inter-op %4; OpenBLAS %5 (%6 build); "
                          "Qt pool %7")
        .arg(threads).arg(source).arg(torchIntraOp).arg(torchInterOp).arg(blas).arg(blasParallel).arg(qtPool);
}

ThreadSettings configureThreads(int requested)
{
    ThreadSettings settings;
    std::tie(settings.threads, settings.source) = chooseThreadCount(requested);
    settings.torchIntraOp = configureTorchThreads(settings.threads);
    settings.torchInterOp = configureTorchInterOpThreads(1);
    settings.blas = configureBlasThreads(settings.threads);
    settings.blasParallel = blasParallelMode();
    QThreadPool::globalInstance()->setMaxThreadCount(settings.threads);
    settings.qtPool = QThreadPool::globalInstance()->maxThreadCount();

    qCInfo(lcInspection).noquote() << settings.summary();
    if (settings.blasParallel == QLatin1String("pthreads"))
        qCWarning(lcInspection) << "OpenBLAS is the pthreads build, which competes with LibTorch's OpenMP "
                                   "threads; install libopenblas0-openmp and select it with "
                                   "update-alternatives for libopenblas.so.0.";
    return settings;
}

} // namespace patchead
