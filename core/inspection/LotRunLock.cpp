#include "inspection/LotRunLock.h"

#include "common/Error.h"
#include "common/Logging.h"

#include <QCryptographicHash>
#include <QFileInfo>
#include <QLockFile>

namespace patchead {

QString LotRunLock::lockFilePath(const QString &databasePath, const QString &lotName)
{
    // SQLite's names for a database without a file.
    if (databasePath.isEmpty() || databasePath == QLatin1String(":memory:"))
        return {};
    // Beside the file itself, so that runs that reach the database through a
    // symbolic link or another path share one lock.
    const QString canonical = QFileInfo(databasePath).canonicalFilePath();
    const QString file = canonical.isEmpty() ? QFileInfo(databasePath).absoluteFilePath() : canonical;
    const QByteArray digest = QCryptographicHash::hash(lotName.toUtf8(), QCryptographicHash::Sha256).toHex();
    return file + QStringLiteral(".lot-") + QString::fromLatin1(digest.left(12)) + QStringLiteral(".lock");
}

LotRunLock::LotRunLock(const QString &databasePath, const QString &lotName)
{
    const QString path = lockFilePath(databasePath, lotName);
    if (path.isEmpty())
        return;
    auto lock = std::make_unique<QLockFile>(path);
    // A run may hold its lot for hours, so age never makes the lock stale;
    // QLockFile still takes over a lock whose process has ended.
    lock->setStaleLockTime(0);
    if (lock->tryLock(0)) {
        mLock = std::move(lock);
        return;
    }
    if (lock->error() == QLockFile::LockFailedError) {
        qint64 pid = 0;
        QString host;
        QString application;
        lock->getLockInfo(&pid, &host, &application);
        throw SettingsError(QStringLiteral("Lot \"%1\" is being inspected by another run (%2, process %3 on %4). "
                                           "Wait until that run ends or stop it, then run again; the stored parts "
                                           "are kept. Lock file: %5")
                                .arg(lotName, application.isEmpty() ? QStringLiteral("unknown program") : application)
                                .arg(pid)
                                .arg(host.isEmpty() ? QStringLiteral("an unknown host") : host, path));
    }
    qCWarning(lcInspection).noquote() << "Cannot create the lock file" << path << "of lot" << lotName
                                      << "; the lot runs without protection against a second run";
}

LotRunLock::~LotRunLock() = default;

} // namespace patchead
