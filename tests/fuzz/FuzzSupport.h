#pragma once

// Helpers shared by the fuzz targets in this folder. Each target defines
// LLVMFuzzerTestOneInput (the libFuzzer entry point) and is linked either with
// libFuzzer (fuzz_<target>, clang builds with PATCHEAD_BUILD_FUZZERS) or with
// ReplayMain.cpp (fuzz_replay_<target>, every build, run by CTest).

#include <QByteArray>
#include <QString>

#include <cstddef>
#include <cstdint>

namespace patchead::fuzz {

// Turns off the core's debug, info and warning logs once, so that a fuzzing
// run prints only findings.
void silenceLogging();

// Returns the fuzz input as a QByteArray that owns a copy of the bytes.
QByteArray inputBytes(const uint8_t *data, size_t size);

// Returns the path of a scratch folder that lives until the process exits,
// created on first use, on /dev/shm when it exists so that the file writes of
// file-based targets stay in memory.
QString scratchFolder();

// Writes bytes to scratchFolder()/name and returns the path. Aborts when the
// write fails, because a target that cannot write its input tests nothing.
QString writeScratchFile(const QString &name, const QByteArray &bytes);

// Aborts with a message when a property of a parser's result does not hold,
// so that libFuzzer records the input as a crash.
void require(bool condition, const char *property);

} // namespace patchead::fuzz
