#include "UiLogging.h"

Q_LOGGING_CATEGORY(lcUi, "patchead.ui", QtInfoMsg)

// Q_INIT_RESOURCE must be expanded outside any namespace.
static void initPatchEadResources()
{
    Q_INIT_RESOURCE(patchead);
}

namespace patchead::ui {

void initResources()
{
    static bool initialised = false;
    if (initialised)
        return;
    initPatchEadResources();
    initialised = true;
}

} // namespace patchead::ui
