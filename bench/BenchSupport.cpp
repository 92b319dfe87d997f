#include "BenchSupport.h"

#include "common/Error.h"
#include "encoder/EncoderLocation.h"
#include "imaging/ImageLoader.h"
#include "inspection/ThreadSettings.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QTextStream>

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace patchead::bench {

CaseParameters CaseParameters::parse(const QStringList &arguments)
{
    CaseParameters parameters;
    for (const QString &argument : arguments) {
        const int equals = argument.indexOf(QLatin1Char('='));
        if (equals <= 0)
            throw SettingsError(QStringLiteral("Case parameter \"%1\" is not key=value, such as k=8.").arg(argument));
        parameters.mValues.insert(argument.left(equals), argument.mid(equals + 1));
    }
    return parameters;
}

QString CaseParameters::text(const QString &key, const QString &fallback) const
{
    return mValues.value(key, fallback);
}

int CaseParameters::integer(const QString &key, int fallback) const
{
    if (!mValues.contains(key))
        return fallback;
    bool ok = false;
    const int value = mValues.value(key).toInt(&ok);
    if (!ok)
        throw SettingsError(QStringLiteral("Case parameter %1 needs a whole number, got \"%2\".")
                                .arg(key, mValues.value(key)));
    return value;
}

QStringList CaseParameters::toArguments() const
{
    QStringList arguments;
    for (auto it = mValues.cbegin(); it != mValues.cend(); ++it)
        arguments.append(it.key() + QLatin1Char('=') + it.value());
    arguments.sort();
    return arguments;
}

double median(std::vector<double> values)
{
    if (values.empty())
        return 0.0;
    std::sort(values.begin(), values.end());
    const std::size_t middle = values.size() / 2;
    return values.size() % 2 == 1 ? values[middle] : 0.5 * (values[middle - 1] + values[middle]);
}

double peakResidentMiB()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly | QIODevice::Text))
        return -1.0;
    // Files under /proc report size 0, so QFile::atEnd() is true at once: read it whole.
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmHWM:")) // "VmHWM:\t  123456 kB"
            return line.mid(6).trimmed().split(' ').value(0).toDouble() / 1024.0;
    }
    return -1.0;
}

double monotonicSeconds()
{
    using Clock = std::chrono::steady_clock;
    return std::chrono::duration<double>(Clock::now().time_since_epoch()).count();
}

std::unique_ptr<Encoder> loadBenchEncoder(const CaseParameters &parameters)
{
    configureThreads(parameters.integer(QStringLiteral("threads"), 0));
    EncoderOptions options;
    options.device = parameters.text(QStringLiteral("device"), QStringLiteral("cpu"));
    return loadTorchScriptEncoder(parameters.text(QStringLiteral("model"), defaultEncoderManifest()), options);
}

QStringList firstImages(const QString &folder, int count)
{
    const QDir dir(folder);
    QStringList paths;
    for (const QFileInfo &info : dir.entryInfoList(supportedImagePatterns(), QDir::Files, QDir::Name))
        paths.append(info.absoluteFilePath());
    if (paths.size() < count)
        throw SettingsError(QStringLiteral("%1 holds %2 images but the case needs %3; generate a larger "
                                           "sample lot.").arg(folder).arg(paths.size()).arg(count));
    return paths.mid(0, count);
}

QStringList mvtecTestImages(const QString &categoryFolder)
{
    QStringList paths;
    const QDir test(QDir(categoryFolder).filePath(QStringLiteral("test")));
    for (const QString &defect : test.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
        const QDir folder(test.filePath(defect));
        for (const QFileInfo &info : folder.entryInfoList(supportedImagePatterns(), QDir::Files, QDir::Name))
            paths.append(info.absoluteFilePath());
    }
    return paths;
}

void emitResult(const QJsonObject &result)
{
    const QByteArray line = QJsonDocument(result).toJson(QJsonDocument::Compact);
    std::fprintf(stdout, "RESULT %s\n", line.constData());
    std::fflush(stdout);
}

} // namespace patchead::bench
