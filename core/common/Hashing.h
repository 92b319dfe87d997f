#pragma once

#include <QString>

namespace patchead {

// Returns the lower-case hex SHA-256 of a file's bytes, or an empty string
// when the file cannot be read.
QString fileSha256(const QString &path);

} // namespace patchead
