// `patchead version` and `patchead --version`: what is running, for bug
// reports and traceability.
#include "Commands.h"

#include "CliCommon.h"
#include "encoder/VersionReport.h"

namespace patchead::cli {

int runVersion(const QStringList &)
{
    out() << versionReport(QStringLiteral("patchead"), QStringLiteral(PATCHEAD_VERSION));
    return ExitOk;
}

} // namespace patchead::cli
