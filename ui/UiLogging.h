#pragma once

#include <QLoggingCategory>

// The workstation's logging category, "patchead.ui"; enable debug output with
// QT_LOGGING_RULES="patchead.ui.debug=true".
Q_DECLARE_LOGGING_CATEGORY(lcUi)

namespace patchead::ui {

// Registers the icons of resources/patchead.qrc. The resources are compiled
// into the static library, so every program that links it calls this once
// before it loads an icon; later calls do nothing.
void initResources();

} // namespace patchead::ui
