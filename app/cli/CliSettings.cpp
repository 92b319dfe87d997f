#include "CliSettings.h"

#include "CliCommon.h"
#include "common/Error.h"
#include "common/Logging.h"

namespace patchead::cli {

double numberOption(const QCommandLineParser &parser, const QString &name)
{
    bool ok = false;
    const double value = parser.value(name).toDouble(&ok);
    if (!ok)
        throw SettingsError(QStringLiteral("--%1 needs a number, got \"%2\".").arg(name, parser.value(name)));
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

InspectionSettings settingsFromOptions(const QCommandLineParser &parser)
{
    InspectionSettings settings;
    if (parser.isSet(QStringLiteral("layers")))
        settings.layers = parser.value(QStringLiteral("layers")).split(QLatin1Char(','), Qt::SkipEmptyParts);
    settings.resolution = integerOption(parser, QStringLiteral("resolution"));
    settings.alignment.mode = alignmentModeFromName(parser.value(QStringLiteral("alignment")));
    settings.alignment.rotationStepDegrees = integerOption(parser, QStringLiteral("rotation-step"));
    settings.alignment.allowFlips = !parser.isSet(QStringLiteral("no-flips"));
    settings.features.neighbourhood = integerOption(parser, QStringLiteral("neighbourhood"));
    settings.imageScore.rule = imageScoreRuleFromName(parser.value(QStringLiteral("image-score")));
    settings.imageScore.topFraction = numberOption(parser, QStringLiteral("top-fraction"));
    settings.mapSigma = numberOption(parser, QStringLiteral("sigma"));
    settings.validate();
    return settings;
}

std::unique_ptr<Encoder> encoderFromOptions(const QCommandLineParser &parser)
{
    const int threads = configureTorchThreads(integerOption(parser, QStringLiteral("threads")));
    const QString model = parser.isSet(QStringLiteral("model")) ? resolveManifestPath(parser.value(QStringLiteral("model")))
                                                                : defaultModelPath();
    EncoderOptions options;
    options.device = parser.value(QStringLiteral("device"));
    std::unique_ptr<Encoder> encoder = loadTorchScriptEncoder(model, options);
    qCInfo(lcEncoder) << "LibTorch intra-op threads:" << threads << "; device:" << encoder->deviceName();
    return encoder;
}

} // namespace patchead::cli
