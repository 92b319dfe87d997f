#pragma once

#include <QString>
#include <QStringList>

namespace patchead {

// Folders that may hold prepared encoders, one sub-folder each, in search
// order: $PATCHEAD_MODEL_DIR, the build tree's models folder, the per-user
// folder (userEncoderFolder()), then the installed share/patchead/models
// beside the executable.
QStringList encoderSearchFolders();

// The per-user encoder folder: $XDG_DATA_HOME/patchead/models, by default
// ~/.local/share/patchead/models. `patchead prepare-encoder` writes here.
QString userEncoderFolder();

// The encoder preparation scripts and files (the repository's models/
// folder) installed beside the executable as share/patchead/models-src, or
// an empty string when the program runs from a build tree.
QString installedEncoderSources();

// The folder a preparation should write the default encoder into:
// $PATCHEAD_MODEL_DIR when set, else the per-user folder for an installed
// program and the build tree's models folder for a built one.
QString encoderPreparationFolder();

// The exact shell command that prepares the default encoder into
// encoderPreparationFolder(), for error messages and --version: `patchead
// prepare-encoder` when installed, else the repository's
// models/prepare-default-encoder.sh with its output folder.
QString encoderPreparationCommand();

// manifest.json of the default encoder (mobilenet_v2) in the first search
// folder that has one; when none has, the path where the preparation
// command writes it, so that error messages show where it is expected.
QString defaultEncoderManifest();

} // namespace patchead
