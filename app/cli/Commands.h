#pragma once

#include <QStringList>

namespace patchead::cli {

// Each command takes its own arguments (argv without the program name's
// command word) and returns the process exit code (ExitCode).
int runInspect(const QStringList &arguments);
int runEval(const QStringList &arguments);
int runMakeSample(const QStringList &arguments);
int runReport(const QStringList &arguments);
int runVersion(const QStringList &arguments);
int runPrepareEncoder(const QStringList &arguments);

} // namespace patchead::cli
