#pragma once

// Fixtures shared by the tests that run the built `patchead` and
// `patchead-workstation` programs as separate processes: generated part
// images, the prepared default encoder, and reading a lot back from its
// database.

#include "store/LotStore.h"

#include <QMap>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <opencv2/core.hpp>

namespace patchead::clitest {

// Exit status and output of one finished command.
struct CommandResult {
    int exitCode = -1; // -1 when the process crashed or did not finish
    QString out;
    QString err;
    QString all() const { return out + err; }
};

// Lines of a program's output that start with "Error: ", the prefix of the
// message of a command that stops.
int errorLineCount(const QString &output);

// Path of a program in <build>/bin.
QString programPath(const QString &name);

// Folder of the prepared default encoder (manifest.json, mobilenet_v2.pt),
// or an empty string when $PATCHEAD_MODEL_DIR has none.
QString defaultEncoderFolder();

// Runs `patchead` with these arguments and waits up to timeoutMs.
CommandResult runPatchead(const QStringList &arguments, int timeoutMs = 180000);

// The `patchead inspect` arguments every test uses to keep runs short on a
// CPU: a 128 px encoder input, no rotated reference copies, no heatmaps and
// two threads.
QStringList fastInspectOptions();

// The full `patchead inspect` command line of one run, with the fast options.
QStringList inspectArguments(const QString &references, const QString &lot, const QString &database,
                             const QString &name, const QString &outFolder);

// Renders synthetic flange part `index` (a good part, or a scratched one)
// as side x side RGB (CV_8UC3, R, G, B order).
cv::Mat renderPart(int index, int side, bool defective = false);

// Writes an image with OpenCV's encoder for the file's extension; the
// channels of `image` are in OpenCV's B, G, R(, A) order. Returns the path.
QString writeImage(const QString &path, const cv::Mat &image);

// Writes `count` good parts named prefix_NNN.png into folder, with part
// indices from firstIndex. Returns their absolute paths.
QStringList writeParts(const QString &folder, const QString &prefix, int count, int side, int firstIndex);

// Writes raw bytes to a file, creating its folder. Returns the path.
QString writeBytes(const QString &path, const QByteArray &bytes);

// Every stored part row of a lot, read through a read-only connection;
// empty when the database or the lot does not exist.
QVector<PartRecord> storedParts(const QString &database, const QString &lotName);

// The same rows keyed by path. A path stored twice keeps its last row, so
// compare the sizes of both to find duplicates.
QMap<QString, PartRecord> partsByPath(const QVector<PartRecord> &parts);

} // namespace patchead::clitest
