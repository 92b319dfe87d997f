#include "OutputPaths.h"

#include "common/Error.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryFile>

namespace patchead::cli {

namespace {

// The path with symbolic links resolved as far as it exists: an output file
// that does not exist yet resolves through its folder.
QString resolvedPath(const QString &path)
{
    const QFileInfo info(path);
    if (info.exists())
        return info.canonicalFilePath();
    const QString folder = QFileInfo(info.absolutePath()).canonicalFilePath();
    if (folder.isEmpty())
        return QDir::cleanPath(info.absoluteFilePath());
    return QDir(folder).filePath(info.fileName());
}

// The reason a folder cannot be created or written, in the system's words
// where it has them; empty when it can.
QString folderProblem(const QString &folder)
{
    const QFileInfo info(folder);
    if (info.exists() && !info.isDir())
        return QStringLiteral("a file of that name is in the way");
    for (const QString &name : QDir::cleanPath(info.absoluteFilePath()).split(QLatin1Char('/'))) {
        if (name.toUtf8().size() > 255)
            return QStringLiteral("the name \"%1...\" is longer than the 255 bytes a file system allows")
                .arg(name.left(40));
    }
    if (!QDir().mkpath(folder))
        return QStringLiteral("the folder cannot be created there (read-only file system or no permission)");
    QTemporaryFile probe(QDir(folder).filePath(QStringLiteral(".patchead-write-check-XXXXXX")));
    if (!probe.open())
        return probe.errorString();
    return {};
}

} // namespace

QString fileNameForLot(const QString &lotName)
{
    constexpr int maxStemBytes = 200; // leaves room for ".csv" and the digest within 255 bytes
    QString name = lotName;
    for (QChar &c : name) {
        if (c == QLatin1Char('/') || c == QLatin1Char('\\') || c.category() == QChar::Other_Control)
            c = QLatin1Char('_');
    }
    for (QChar &c : name) {
        if (c != QLatin1Char('.'))
            break;
        c = QLatin1Char('_');
    }
    if (name.isEmpty())
        name = QStringLiteral("lot");
    if (name == lotName && name.toUtf8().size() <= maxStemBytes)
        return name;
    while (name.toUtf8().size() > maxStemBytes)
        name.chop(1);
    const QByteArray digest = QCryptographicHash::hash(lotName.toUtf8(), QCryptographicHash::Sha256).toHex();
    return name + QLatin1Char('-') + QString::fromLatin1(digest.left(8));
}

void requireNotDatabase(const QString &option, const QString &output, const QString &database)
{
    const QString target = resolvedPath(output);
    const QString stored = resolvedPath(database);
    for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm"), QStringLiteral("-journal")}) {
        if (target != stored + suffix)
            continue;
        throw SettingsError(QStringLiteral("--%1 %2 is the lot database given with --db%3; writing there would "
                                           "destroy every lot stored in it. Give another file name for --%1.")
                                .arg(option, output,
                                     suffix.isEmpty() ? QString() : QStringLiteral(" (its %1 file)").arg(suffix)));
    }
}

void requireReferencesOutsideLot(const QStringList &referenceArguments, const QString &lotFolder)
{
    const QString lot = resolvedPath(lotFolder);
    for (const QString &reference : referenceArguments) {
        if (QFileInfo(reference).isDir() && resolvedPath(reference) == lot)
            throw SettingsError(QStringLiteral("--references %1 is the lot folder, so every part would be compared "
                                               "with itself and pass. Give a folder of known-good images outside "
                                               "the lot.").arg(reference));
    }
}

void requireHeatmapsOutsideInputs(const QString &heatmapFolder, const QString &lotFolder,
                                  const QStringList &referenceArguments)
{
    const QString heatmaps = resolvedPath(heatmapFolder);
    if (heatmaps == resolvedPath(lotFolder))
        throw SettingsError(QStringLiteral("--heatmaps %1 is the lot folder; the next run would score the heatmap "
                                           "images as parts. Give a folder outside the lot, or leave --heatmaps out.")
                                .arg(heatmapFolder));
    for (const QString &reference : referenceArguments) {
        if (QFileInfo(reference).isDir() && resolvedPath(reference) == heatmaps)
            throw SettingsError(QStringLiteral("--heatmaps %1 is a folder of --references; the next run would take "
                                               "the heatmap images for good parts. Give a folder outside the "
                                               "references, or leave --heatmaps out.").arg(heatmapFolder));
    }
}

void requireReplaceableOutput(const QString &option, const QString &output)
{
    QFile file(output);
    if (!QFileInfo(output).isFile() || !file.open(QIODevice::ReadOnly))
        return;
    const QByteArray head = file.read(16);
    const auto startsWith = [&](const char *magic, int size) { return head.startsWith(QByteArray(magic, size)); };
    QString kind;
    if (startsWith("SQLite format 3\0", 16))
        kind = QStringLiteral("an SQLite database");
    else if (startsWith("\x89PNG", 4) || startsWith("\xFF\xD8\xFF", 3) || startsWith("BM", 2)
             || startsWith("II*\0", 4) || startsWith("MM\0*", 4)
             || (startsWith("RIFF", 4) && head.mid(8, 4) == "WEBP"))
        kind = QStringLiteral("an image");
    if (kind.isEmpty())
        return;
    throw SettingsError(QStringLiteral("--%1 %2 exists and is %3, which the export would replace. Give the name "
                                       "of a new file or of an earlier export.").arg(option, output, kind));
}

void requireWritableFolder(const QString &option, const QString &folder)
{
    const QString problem = folderProblem(folder);
    if (problem.isEmpty())
        return;
    throw SettingsError(QStringLiteral("Cannot write into %1 (%2): %3. Choose a writable folder for --%2.")
                            .arg(QFileInfo(folder).absoluteFilePath(), option, problem));
}

} // namespace patchead::cli
