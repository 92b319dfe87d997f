#pragma once

#include <QString>
#include <QStringList>

namespace patchead {

// Folders that may hold prepared encoders, one sub-folder each, in search
// order: $PATCHEAD_MODEL_DIR, the build tree's models folder, then the
// installed share/patchead/models beside the executable.
QStringList encoderSearchFolders();

// manifest.json of the default encoder (mobilenet_v2) in the first search
// folder that has one; when none has, the path where it is expected in the
// first folder, so that error messages show where to prepare it.
QString defaultEncoderManifest();

} // namespace patchead
