#pragma once

// Checks of the files and folders that commands read and write, made before
// anything is written. An output must not replace the lot database, and
// heatmaps must not land among the lot's images. The references must not be
// the lot, and the output folders must be writable.

#include <QString>
#include <QStringList>

namespace patchead::cli {

// The lot name as a file name inside --out. Path separators, control
// characters and leading dots become underscores. A name that changed or is
// longer than 200 bytes gets "-" and 8 hex digits of the SHA-256 of the full
// name, so that "line/1" and "line_1" write different files.
QString fileNameForLot(const QString &lotName);

// Throws SettingsError when `output` (the value of `--option`) is the lot
// database `database` or one of SQLite's files beside it (-wal, -shm,
// -journal), also through symbolic links: writing there would destroy every
// lot in the database.
void requireNotDatabase(const QString &option, const QString &output, const QString &database);

// Throws SettingsError when `output` exists and is an SQLite database (any
// lot database, not only --db) or an image (PNG, JPEG, BMP, TIFF, WebP), which
// an export would replace: a part, a reference or another lot's results.
void requireReplaceableOutput(const QString &option, const QString &output);

// Throws SettingsError when a folder of --references is the lot folder, whose
// parts would each be compared with themselves and pass.
void requireReferencesOutsideLot(const QStringList &referenceArguments, const QString &lotFolder);

// Throws SettingsError when the heatmap folder is the lot folder or a folder
// of references, whose overlays the next run would read as parts or as
// references.
void requireHeatmapsOutsideInputs(const QString &heatmapFolder, const QString &lotFolder,
                                  const QStringList &referenceArguments);

// Creates `folder` when it is missing and checks that a file can be created
// in it. Throws SettingsError naming `--option`, the folder and the system's
// reason (read-only file system, no permission, a file in the way, a name
// too long).
void requireWritableFolder(const QString &option, const QString &folder);

} // namespace patchead::cli
