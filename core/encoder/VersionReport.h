#pragma once

#include <QString>

namespace patchead {

// The --version text of both programs, one fact per line: the program and
// its version, the LibTorch version with the device `--device auto` picks,
// and the default encoder with the SHA-256 of its module file. When the
// default encoder is missing or altered, the last line says where it was
// expected and which command prepares it.
QString versionReport(const QString &program, const QString &version);

} // namespace patchead
