#include "CliCommon.h"

#include "encoder/EncoderLocation.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QProcessEnvironment>

#include <csignal>
#include <cstdio>
#include <unistd.h>

namespace patchead::cli {

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

QTextStream &err()
{
    static QTextStream stream(stderr);
    return stream;
}

std::atomic<bool> &cancelRequested()
{
    static std::atomic<bool> flag{false};
    return flag;
}

namespace {

// The first signal asks for a clean stop after the part in flight. A second
// one ends the process at once with the cancelled exit code, which the
// write-ahead log survives with every committed part, so scripts see the
// same resumable code either way. Only a lock-free atomic, write() and
// _exit() are used, as they are async-signal-safe.
void onSignal(int)
{
    if (cancelRequested().exchange(true)) {
        static const char message[] = "\nStopped at once; run the same command again to resume.\n";
        [[maybe_unused]] const ssize_t written = ::write(STDERR_FILENO, message, sizeof message - 1);
        ::_exit(ExitCancelled);
    }
}

} // namespace

void installCancelHandlers()
{
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
}

QString defaultModelPath()
{
    return defaultEncoderManifest();
}

void addEncoderOptions(QCommandLineParser &parser)
{
    parser.addOption({QStringLiteral("model"), QStringLiteral("Encoder manifest.json or its folder (default: the prepared MobileNetV2)."), QStringLiteral("path")});
    parser.addOption({QStringLiteral("device"), QStringLiteral("Where the encoder runs: auto, cpu, cuda or cuda:N (default auto)."), QStringLiteral("device"), QStringLiteral("auto")});
    parser.addOption({QStringLiteral("threads"), QStringLiteral("Threads for LibTorch, OpenBLAS and Qt workers (default: $PATCHEAD_THREADS, else the number of cores)."), QStringLiteral("n"), QStringLiteral("0")});
    parser.addOption({QStringLiteral("layers"), QStringLiteral("Comma-separated encoder layers (default: the manifest's default layers)."), QStringLiteral("names")});
    parser.addOption({QStringLiteral("resolution"), QStringLiteral("Encoder input side in pixels (default: the manifest's size)."), QStringLiteral("px"), QStringLiteral("0")});
    parser.addOption({QStringLiteral("alignment"), QStringLiteral("Rotated and mirrored reference copies: off, auto or always (default auto)."), QStringLiteral("mode"), QStringLiteral("auto")});
    parser.addOption({QStringLiteral("rotation-step"), QStringLiteral("Rotation step of the alignment copies in degrees: 45 or 90 (default 45)."), QStringLiteral("deg"), QStringLiteral("45")});
    parser.addOption({QStringLiteral("flips"), QStringLiteral("Also allow mirrored reference copies (off by default: a mirrored chiral part is a defect).")});
    parser.addOption({QStringLiteral("no-flips"), QStringLiteral("Never add mirrored reference copies (the default).")});
    parser.addOption({QStringLiteral("neighbourhood"), QStringLiteral("Side of the square patch neighbourhood averaged before scoring: an odd number from 1 to 9 (default 3)."), QStringLiteral("k"), QStringLiteral("3")});
    parser.addOption({QStringLiteral("image-score"), QStringLiteral("Image score rule: top-fraction-mean or max (default top-fraction-mean)."), QStringLiteral("rule"), QStringLiteral("top-fraction-mean")});
    parser.addOption({QStringLiteral("top-fraction"), QStringLiteral("Fraction of patches averaged into the image score (default 0.01)."), QStringLiteral("f"), QStringLiteral("0.01")});
    parser.addOption({QStringLiteral("keep-aspect"), QStringLiteral("Keep the image's aspect ratio at the encoder input (long side = resolution) instead of squashing it to a square.")});
    parser.addOption({QStringLiteral("tiling"), QStringLiteral("Cut images into overlapping square tiles at the encoder input: off, auto (long thin parts, or when --expected-defect would shrink below a patch) or on (default off)."), QStringLiteral("mode"), QStringLiteral("off")});
    parser.addOption({QStringLiteral("tile-side"), QStringLiteral("Tile side in image pixels (default 0: from the image's short side and --expected-defect)."), QStringLiteral("px"), QStringLiteral("0")});
    parser.addOption({QStringLiteral("tile-overlap"), QStringLiteral("Fraction of a tile shared with its neighbours, 0 to 0.75 (default 0.25)."), QStringLiteral("f"), QStringLiteral("0.25")});
    parser.addOption({QStringLiteral("expected-defect"), QStringLiteral("Smallest defect to find, in image pixels; tiling then keeps it at 16 encoder input pixels or more (default 0: unknown)."), QStringLiteral("px"), QStringLiteral("0")});
    parser.addOption({QStringLiteral("mask"), QStringLiteral("Foreground mask of images under test: none, pca, attention or region (default none)."), QStringLiteral("source"), QStringLiteral("none")});
    parser.addOption({QStringLiteral("background-weight"), QStringLiteral("Score weight of background patches, 0 (hard mask) to 1 (default 0.5)."), QStringLiteral("w"), QStringLiteral("0.5")});
    parser.addOption({QStringLiteral("roi"), QStringLiteral("Region mask: region of interest as x,y,width,height fractions of the image."), QStringLiteral("x,y,w,h")});
    parser.addOption({QStringLiteral("ignore"), QStringLiteral("Region mask: an ignore region as x,y,width,height fractions (repeatable)."), QStringLiteral("x,y,w,h")});
    parser.addOption({QStringLiteral("mask-image"), QStringLiteral("Region mask: an image whose white pixels are inspected and black ones ignored."), QStringLiteral("file")});
    parser.addOption({QStringLiteral("zero-shot"), QStringLiteral("Batch zero-shot: score each image against the other images of the lot (references, if given, join the batch).")});
    parser.addOption({QStringLiteral("zero-shot-rule"), QStringLiteral("Zero-shot rule: musc (mean of the smallest fraction of per-image distances) or pooled-quantile (default musc)."), QStringLiteral("rule"), QStringLiteral("musc")});
    parser.addOption({QStringLiteral("zero-shot-fraction"), QStringLiteral("musc: fraction of the other images averaged (default 0.3)."), QStringLiteral("f"), QStringLiteral("0.3")});
    parser.addOption({QStringLiteral("zero-shot-quantile"), QStringLiteral("pooled-quantile: quantile of pooled distances averaged (default 0.001)."), QStringLiteral("q"), QStringLiteral("0.001")});
    parser.addOption({QStringLiteral("zero-shot-neighbourhoods"), QStringLiteral("Comma-separated neighbourhood sizes whose zero-shot scores are averaged (default 3; MuSc uses 1,3,5)."), QStringLiteral("list"), QStringLiteral("3")});
    parser.addOption({QStringLiteral("sigma"), QStringLiteral("Gaussian smoothing of anomaly maps in encoder input pixels (default 4)."), QStringLiteral("px"), QStringLiteral("4")});
}

namespace {

// QCommandLineParser starts its help with "Usage: <program path>"; users
// type "patchead <command>", so that is what the first line shows.
QString commandHelp(const QCommandLineParser &parser, const QStringList &arguments)
{
    QString help = parser.helpText();
    const QString program = QCoreApplication::arguments().value(0);
    const QString command = arguments.value(0).section(QLatin1Char(' '), -1);
    const QString usage = QStringLiteral("Usage: ") + program;
    if (!program.isEmpty() && help.startsWith(usage))
        help.replace(0, usage.size(), QStringLiteral("Usage: patchead ") + command);
    return help;
}

} // namespace

namespace {

// No command takes positional arguments, and only the options whose help
// reads "repeat" take several values. QCommandLineParser keeps a
// stray word and the last of a repeated option without a word, so that
// "--lot a b" inspected a alone and "--threshold 0.2 --threshold 0.01"
// applied 0.01.
QString argumentProblem(const QCommandLineParser &parser)
{
    const QStringList stray = parser.positionalArguments();
    if (!stray.isEmpty())
        return QStringLiteral("\"%1\" is not an option or the value of one. Each option takes one value; repeat "
                              "the option for each value where its help says so (--references a.png "
                              "--references b.png), and quote paths that contain spaces.").arg(stray.first());
    static const QStringList repeatable{QStringLiteral("references"), QStringLiteral("ignore"),
                                        QStringLiteral("train-good"), QStringLiteral("test-good"),
                                        QStringLiteral("defects")};
    QStringList seen;
    for (const QString &name : parser.optionNames()) {
        if (seen.contains(name) && !repeatable.contains(name))
            return QStringLiteral("--%1 was given more than once (%2); give it once.")
                .arg(name, parser.values(name).join(QStringLiteral(", ")));
        seen.append(name);
    }
    return {};
}

} // namespace

bool parseOrExplain(QCommandLineParser &parser, const QStringList &arguments, int &exitCode)
{
    parser.addHelpOption();
    if (!parser.parse(arguments)) {
        err() << parser.errorText() << "\n\n" << commandHelp(parser, arguments);
        err().flush();
        exitCode = ExitUsage;
        return false;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        out() << commandHelp(parser, arguments);
        out().flush();
        exitCode = ExitOk;
        return false;
    }
    const QString problem = argumentProblem(parser);
    if (!problem.isEmpty()) {
        err() << "Error: " << problem << "\n";
        err().flush();
        exitCode = ExitUsage;
        return false;
    }
    return true;
}

QString formatDuration(double seconds)
{
    if (seconds < 0)
        return QStringLiteral("--");
    if (seconds < 60)
        return QStringLiteral("%1 s").arg(seconds, 0, 'f', 1);
    const auto whole = static_cast<qint64>(seconds + 0.5);
    if (whole < 3600)
        return QStringLiteral("%1 min %2 s").arg(whole / 60).arg(whole % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1 h %2 min").arg(whole / 3600).arg((whole % 3600) / 60, 2, 10, QLatin1Char('0'));
}

ProgressLine::ProgressLine(int step) : mTerminal(isatty(fileno(stderr)) != 0), mStep(step) {}

void ProgressLine::update(const QString &text, bool force)
{
    ++mCount;
    if (mTerminal) {
        const int pad = std::max(0, mLastWidth - static_cast<int>(text.size()));
        err() << '\r' << text << QString(pad, QLatin1Char(' '));
        err().flush();
        mLastWidth = static_cast<int>(text.size());
    } else if (force || mCount % mStep == 0) {
        err() << text << '\n';
        err().flush();
    }
}

void ProgressLine::finish()
{
    if (mTerminal && mLastWidth > 0) {
        err() << '\n';
        err().flush();
    }
    mLastWidth = 0;
}

} // namespace patchead::cli
