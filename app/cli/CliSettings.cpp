#include "CliSettings.h"

#include "CliCommon.h"
#include "common/Error.h"
#include "common/Logging.h"
#include "inspection/ThreadSettings.h"

#include <QRegularExpression>

#include <cmath>

namespace patchead::cli {

double numberOption(const QCommandLineParser &parser, const QString &name)
{
    bool ok = false;
    const double value = parser.value(name).toDouble(&ok);
    // QString::toDouble accepts "nan" and "inf", which no option can use.
    if (!ok || !std::isfinite(value)) {
        const QString text = parser.value(name);
        // Engineers with a German or French locale write 1,5 for 1.5.
        const QString withPoint = QString(text).replace(QLatin1Char(','), QLatin1Char('.'));
        bool pointNumber = false;
        withPoint.toDouble(&pointNumber);
        const QString hint = pointNumber && text.contains(QLatin1Char(','))
                                 ? QStringLiteral(" Write decimals with a point: %1.").arg(withPoint)
                                 : QString();
        throw SettingsError(QStringLiteral("--%1 needs a number, got \"%2\".%3").arg(name, text, hint));
    }
    return value;
}

int integerOption(const QCommandLineParser &parser, const QString &name)
{
    bool ok = false;
    const int value = parser.value(name).toInt(&ok);
    if (!ok)
        throw SettingsError(QStringLiteral("--%1 needs a whole number, got \"%2\".").arg(name, parser.value(name)));
    return value;
}

namespace {

QRectF rectOption(const QString &name, const QString &text)
{
    const QStringList parts = text.split(QLatin1Char(','));
    QVector<double> values;
    for (const QString &part : parts) {
        bool ok = false;
        const double value = part.trimmed().toDouble(&ok);
        if (!ok || !std::isfinite(value))
            break;
        values.append(value);
    }
    // A small tolerance lets 0.1 + 0.9 count as reaching the edge exactly.
    constexpr double edge = 1.0 + 1e-9;
    if (parts.size() != 4 || values.size() != 4 || values[0] < 0 || values[1] < 0 || values[2] <= 0 || values[3] <= 0
        || values[0] + values[2] > edge || values[1] + values[3] > edge)
        throw SettingsError(QStringLiteral("--%1 needs x,y,width,height as fractions of the image that stay "
                                           "inside it, such as 0.1,0.1,0.8,0.8; got \"%2\".").arg(name, text));
    return QRectF(values[0], values[1], values[2], values[3]);
}

void readMaskOptions(const QCommandLineParser &parser, MaskSettings &mask)
{
    mask.source = maskSourceFromName(parser.value(QStringLiteral("mask")));
    mask.backgroundWeight = numberOption(parser, QStringLiteral("background-weight"));
    if (parser.isSet(QStringLiteral("roi")))
        mask.regionOfInterest = rectOption(QStringLiteral("roi"), parser.value(QStringLiteral("roi")));
    for (const QString &ignore : parser.values(QStringLiteral("ignore")))
        mask.ignoreRegions.append(rectOption(QStringLiteral("ignore"), ignore));
    mask.maskImagePath = parser.value(QStringLiteral("mask-image"));
    const bool regionGiven = parser.isSet(QStringLiteral("roi")) || parser.isSet(QStringLiteral("ignore"))
        || parser.isSet(QStringLiteral("mask-image"));
    // A region without --mask turns the region mask on; an explicit
    // "--mask none" beside a region is a contradiction, not a default.
    if (regionGiven && mask.source == MaskSource::None && parser.isSet(QStringLiteral("mask")))
        throw SettingsError(QStringLiteral("--mask none turns masking off, but --roi, --ignore or --mask-image "
                                           "gives a region; leave --mask out or give --mask region."));
    if (regionGiven && mask.source == MaskSource::None)
        mask.source = MaskSource::Region;
}

void readZeroShotOptions(const QCommandLineParser &parser, ZeroShotSettings &zeroShot)
{
    zeroShot.enabled = parser.isSet(QStringLiteral("zero-shot"));
    zeroShot.scoring.rule = mutualScoringRuleFromName(parser.value(QStringLiteral("zero-shot-rule")));
    zeroShot.scoring.smallestFraction = numberOption(parser, QStringLiteral("zero-shot-fraction"));
    zeroShot.scoring.pooledQuantile = numberOption(parser, QStringLiteral("zero-shot-quantile"));
    zeroShot.neighbourhoods.clear();
    for (const QString &part : parser.value(QStringLiteral("zero-shot-neighbourhoods")).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool ok = false;
        zeroShot.neighbourhoods.append(part.trimmed().toInt(&ok));
        if (!ok)
            throw SettingsError(QStringLiteral("--zero-shot-neighbourhoods needs odd whole numbers such as 1,3,5."));
    }
}

} // namespace

InspectionSettings settingsFromOptions(const QCommandLineParser &parser)
{
    InspectionSettings settings;
    if (parser.isSet(QStringLiteral("layers")))
        settings.layers = parser.value(QStringLiteral("layers")).split(QLatin1Char(','), Qt::SkipEmptyParts);
    settings.resolution = integerOption(parser, QStringLiteral("resolution"));
    settings.alignment.mode = alignmentModeFromName(parser.value(QStringLiteral("alignment")));
    settings.alignment.rotationStepDegrees = integerOption(parser, QStringLiteral("rotation-step"));
    settings.alignment.allowFlips = parser.isSet(QStringLiteral("flips")) && !parser.isSet(QStringLiteral("no-flips"));
    settings.features.neighbourhood = integerOption(parser, QStringLiteral("neighbourhood"));
    settings.imageScore.rule = imageScoreRuleFromName(parser.value(QStringLiteral("image-score")));
    settings.imageScore.topFraction = numberOption(parser, QStringLiteral("top-fraction"));
    settings.mapSigma = numberOption(parser, QStringLiteral("sigma"));
    settings.keepAspect = parser.isSet(QStringLiteral("keep-aspect"));
    settings.tiling.mode = tilingModeFromName(parser.value(QStringLiteral("tiling")));
    settings.tiling.tileSide = integerOption(parser, QStringLiteral("tile-side"));
    settings.tiling.overlap = numberOption(parser, QStringLiteral("tile-overlap"));
    settings.tiling.expectedDefectPixels = integerOption(parser, QStringLiteral("expected-defect"));
    readMaskOptions(parser, settings.mask);
    readZeroShotOptions(parser, settings.zeroShot);
    settings.validate();
    return settings;
}

namespace {

int threadsOption(const QCommandLineParser &parser)
{
    const int threads = integerOption(parser, QStringLiteral("threads"));
    const QString problem = threadCountProblem(threads);
    if (!problem.isEmpty())
        throw SettingsError(problem);
    return threads;
}

// Checked before the model loads, so that a typo is a usage error (exit 2)
// and not reported as a model problem.
QString deviceOption(const QCommandLineParser &parser)
{
    const QString device = parser.value(QStringLiteral("device"));
    static const QRegularExpression valid(QStringLiteral("^(auto|cpu|cuda(:[0-9]{1,2})?)$"));
    if (!valid.match(device).hasMatch())
        throw SettingsError(QStringLiteral("--device \"%1\" is not a device; give auto, cpu, cuda or cuda:N "
                                           "(N is the CUDA device index, from 0).")
                                .arg(device));
    return device;
}

} // namespace

std::unique_ptr<Encoder> encoderFromOptions(const QCommandLineParser &parser)
{
    const QString device = deviceOption(parser);
    configureThreads(threadsOption(parser));
    const QString model = parser.isSet(QStringLiteral("model")) ? resolveManifestPath(parser.value(QStringLiteral("model")))
                                                                : defaultModelPath();
    EncoderOptions options;
    options.device = device;
    std::unique_ptr<Encoder> encoder = loadTorchScriptEncoder(model, options);
    qCInfo(lcEncoder) << "Encoder device:" << encoder->deviceName();
    return encoder;
}

} // namespace patchead::cli
