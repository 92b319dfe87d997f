// `patchead make-sample`: the synthetic sample lot for the README and tests.
#include "Commands.h"

#include "CliCommon.h"
#include "CliSettings.h"
#include "synthetic/SampleLot.h"

#include <QDir>
#include <QElapsedTimer>

namespace patchead::cli {

int runMakeSample(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Generate a synthetic sample lot: good reference parts, a lot folder of good and defective "
        "parts with ground-truth masks, in the MVTec AD layout plus a flat lot folder."));
    parser.addOption({QStringLiteral("out"), QStringLiteral("Output folder (default: sample)."), QStringLiteral("folder"), QStringLiteral("sample")});
    parser.addOption({QStringLiteral("seed"), QStringLiteral("Seed; the same seed gives the same images (default 7)."), QStringLiteral("n"), QStringLiteral("7")});
    parser.addOption({QStringLiteral("size"), QStringLiteral("Image side in pixels (default 384)."), QStringLiteral("px"), QStringLiteral("384")});
    parser.addOption({QStringLiteral("references"), QStringLiteral("Good training images (default 8)."), QStringLiteral("n"), QStringLiteral("8")});
    parser.addOption({QStringLiteral("good"), QStringLiteral("Good parts in the lot (default 24)."), QStringLiteral("n"), QStringLiteral("24")});
    parser.addOption({QStringLiteral("defective"), QStringLiteral("Defective parts in the lot (default 16)."), QStringLiteral("n"), QStringLiteral("16")});
    parser.addOption({QStringLiteral("overwrite"), QStringLiteral("Replace a sample lot already in the output folder.")});
    int exitCode = ExitOk;
    if (!parseOrExplain(parser, arguments, exitCode))
        return exitCode;

    SampleLotOptions options;
    options.seed = static_cast<quint32>(integerOption(parser, QStringLiteral("seed")));
    options.imageSize = integerOption(parser, QStringLiteral("size"));
    options.referenceCount = integerOption(parser, QStringLiteral("references"));
    options.goodParts = integerOption(parser, QStringLiteral("good"));
    options.defectiveParts = integerOption(parser, QStringLiteral("defective"));
    options.overwrite = parser.isSet(QStringLiteral("overwrite"));
    const QString folder = QDir(parser.value(QStringLiteral("out"))).absolutePath();

    QElapsedTimer timer;
    timer.start();
    const SampleLotSummary summary = generateSampleLot(folder, options);
    out() << "Sample lot written to " << summary.outputDir << " in " << formatDuration(timer.elapsed() / 1000.0) << ":\n"
          << "  references  " << summary.trainGoodDir << " (" << summary.trainCount << " good parts)\n"
          << "  lot         " << summary.lotDir << " (" << summary.testGoodCount << " good, "
          << summary.testDefectiveCount << " defective: " << summary.defectTypes.join(QStringLiteral(", ")) << ")\n"
          << "  labels      " << summary.labelsFile << "\n"
          << "  MVTec layout " << summary.categoryDir << "\n";
    return ExitOk;
}

} // namespace patchead::cli
