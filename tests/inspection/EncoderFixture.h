#pragma once

#include "encoder/Encoder.h"

#include <QString>
#include <memory>

namespace patchead::testing {

// Manifest path of the prepared default encoder under $PATCHEAD_MODEL_DIR
// (CTest sets it to <build>/models), or an empty string when it has not
// been prepared.
QString defaultEncoderManifest();

// Loads the prepared default encoder on the CPU with two threads, or
// returns nullptr with the reason in `why` so the test can QSKIP.
std::unique_ptr<Encoder> loadDefaultEncoder(QString &why);

} // namespace patchead::testing
