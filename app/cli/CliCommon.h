#pragma once

#include <QCommandLineParser>
#include <QString>
#include <QTextStream>
#include <atomic>

namespace patchead::cli {

// Exit codes of the command-line tool, for scripts.
enum ExitCode {
    ExitOk = 0,              // finished; every part passed
    ExitFlagged = 1,         // finished; at least one part in review or failed
    ExitUsage = 2,           // invalid arguments or settings
    ExitModel = 3,           // encoder missing, invalid or failing
    ExitStore = 4,           // database cannot be opened or written
    ExitCancelled = 5,       // interrupted by SIGINT or SIGTERM; a re-run resumes
    ExitUnreadableParts = 6, // finished, but some part images could not be read
    ExitFailure = 7,         // any other error (for example an output file)
};

QTextStream &out();
QTextStream &err();

// Set by SIGINT and SIGTERM; long commands poll it and stop cleanly. A
// second signal ends the process at once.
std::atomic<bool> &cancelRequested();
void installCancelHandlers();

// The default encoder's manifest: $PATCHEAD_MODEL_DIR/mobilenet_v2, then the
// build tree, then the installed share folder.
QString defaultModelPath();

// Adds the options shared by every command that runs the encoder.
void addEncoderOptions(QCommandLineParser &parser);

// Parses the command's arguments; on error prints the message and help.
// Returns false when the command should exit with the returned code.
bool parseOrExplain(QCommandLineParser &parser, const QStringList &arguments, int &exitCode);

// Formats seconds as "1 h 02 min", "3 min 05 s" or "12.3 s".
QString formatDuration(double seconds);

// A single progress line, redrawn in place on a terminal and printed every
// `step` updates otherwise (for logs).
class ProgressLine {
public:
    explicit ProgressLine(int step = 10);
    void update(const QString &text, bool force = false);
    void finish();

private:
    bool mTerminal = false;
    int mStep = 10;
    int mCount = 0;
    int mLastWidth = 0;
};

} // namespace patchead::cli
