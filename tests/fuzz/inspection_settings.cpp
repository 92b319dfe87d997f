// Fuzz target: InspectionSettings::fromJson on a JSON document. Settings come
// back from lot databases and from the workstation's saved settings, both of
// which users can edit or copy from other machines.

#include "FuzzSupport.h"

#include "common/Error.h"
#include "inspection/InspectionSettings.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace patchead;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz::silenceLogging();
    const QJsonDocument document = QJsonDocument::fromJson(fuzz::inputBytes(data, size));
    if (!document.isObject())
        return 0;
    try {
        const InspectionSettings settings = InspectionSettings::fromJson(document.object());
        // Settings that were accepted once are accepted again after a round
        // trip through the stored form, and read back the same.
        const QJsonObject stored = settings.toJson();
        const InspectionSettings reread = InspectionSettings::fromJson(stored);
        fuzz::require(reread.toJson() == stored, "stored settings read back unchanged");
    } catch (const SettingsError &error) {
        fuzz::require(!error.message().isEmpty(), "a settings error has a message");
    }
    return 0;
}
