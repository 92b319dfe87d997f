#include "FuzzSupport.h"

#include <QDir>
#include <QFile>
#include <QLoggingCategory>
#include <QTemporaryDir>

#include <cstdio>
#include <cstdlib>
#include <memory>

namespace patchead::fuzz {

void silenceLogging()
{
    static const bool done = [] {
        QLoggingCategory::setFilterRules(QStringLiteral("*.debug=false\n*.info=false\n*.warning=false"));
        return true;
    }();
    (void)done;
}

QByteArray inputBytes(const uint8_t *data, size_t size)
{
    return QByteArray(reinterpret_cast<const char *>(data), qsizetype(size));
}

QString scratchFolder()
{
    static const std::unique_ptr<QTemporaryDir> folder = [] {
        const QString base = QDir(QStringLiteral("/dev/shm")).exists() ? QStringLiteral("/dev/shm")
                                                                       : QDir::tempPath();
        auto created = std::make_unique<QTemporaryDir>(base + QStringLiteral("/patchead-fuzz-XXXXXX"));
        require(created->isValid(), "the scratch folder can be created");
        return created;
    }();
    return folder->path();
}

QString writeScratchFile(const QString &name, const QByteArray &bytes)
{
    const QString path = scratchFolder() + QLatin1Char('/') + name;
    QFile file(path);
    require(file.open(QIODevice::WriteOnly | QIODevice::Truncate), "the scratch file can be opened");
    require(file.write(bytes) == bytes.size(), "the scratch file can be written");
    return path;
}

void require(bool condition, const char *property)
{
    if (condition)
        return;
    std::fprintf(stderr, "fuzz property violated: %s\n", property);
    std::abort();
}

} // namespace patchead::fuzz
