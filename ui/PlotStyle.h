#pragma once

class QCustomPlot;
class QPalette;

namespace patchead::ui {

// Colours a plot's background, axes, tick labels, grid and legend from the
// palette, so charts follow a light or dark theme. Call again on a palette
// change.
void applyPaletteToPlot(QCustomPlot *plot, const QPalette &palette);

} // namespace patchead::ui
