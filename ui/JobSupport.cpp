#include "JobSupport.h"

#include "UiLogging.h"
#include "encoder/EncoderManifest.h"

#include <QThread>

namespace patchead::ui {

std::unique_ptr<Encoder> loadEncoderForJob(const QString &manifestPath, const QString &device)
{
    EncoderOptions options;
    options.device = device.isEmpty() ? QStringLiteral("auto") : device;
    std::unique_ptr<Encoder> encoder = loadTorchScriptEncoder(resolveManifestPath(manifestPath), options);
    qCInfo(lcUi) << "Loaded encoder" << encoder->manifest().name << "on" << encoder->deviceName();
    return encoder;
}

QThread *startWorkerThread(QObject *owner, std::function<void()> work, std::function<void()> finished)
{
    QThread *thread = QThread::create(std::move(work));
    QObject::connect(thread, &QThread::finished, owner, std::move(finished));
    QObject::connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    thread->start();
    return thread;
}

} // namespace patchead::ui
