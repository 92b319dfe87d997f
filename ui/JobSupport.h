#pragma once

#include "encoder/Encoder.h"

#include <QString>
#include <functional>
#include <memory>

class QObject;
class QThread;

namespace patchead::ui {

// Loads the encoder a manifest names (resolveManifestPath accepts the
// manifest or its folder). Call it on the worker thread that will use the
// encoder, because the load reads and hashes the module and runs a probe
// input, which can take seconds. Throws ModelError.
std::unique_ptr<Encoder> loadEncoderForJob(const QString &manifestPath, const QString &device);

// Runs `work` on a new thread and then `finished` on the owner's thread.
// The thread deletes itself; the caller keeps the pointer only to wait().
QThread *startWorkerThread(QObject *owner, std::function<void()> work, std::function<void()> finished);

} // namespace patchead::ui
