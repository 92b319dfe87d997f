#pragma once

#include "encoder/Encoder.h"
#include "inspection/InspectionSettings.h"

#include <QCommandLineParser>
#include <memory>

namespace patchead::cli {

// Reads the encoder and scoring options of addEncoderOptions. Throws
// SettingsError naming the option for a value that is not a number or out
// of range.
InspectionSettings settingsFromOptions(const QCommandLineParser &parser);

// Sets the thread count and loads the encoder the options name.
std::unique_ptr<Encoder> encoderFromOptions(const QCommandLineParser &parser);

// Reads a numeric option; throws SettingsError naming it when it is not a number.
double numberOption(const QCommandLineParser &parser, const QString &name);
int integerOption(const QCommandLineParser &parser, const QString &name);

} // namespace patchead::cli
