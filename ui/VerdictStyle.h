#pragma once

#include "store/LotRecords.h"

#include <QColor>
#include <QIcon>
#include <QString>

namespace patchead::ui {

// Translated names of verdicts, for tables, labels and tooltips.
QString verdictText(Verdict verdict);
QString operatorVerdictText(OperatorVerdict verdict); // "Undecided" for None

// Colour of a verdict, taken from the heatmap colour map at a normalised
// score typical of the verdict, so that the table, the histogram and the
// heatmaps use one colour language. Error has no place on the score scale
// and uses the palette's placeholder text colour.
QColor verdictColour(Verdict verdict);

// A round marker in the verdict's colour, sharp at any device-pixel ratio.
QIcon verdictIcon(Verdict verdict);

// True for the verdicts the operator looks at: review, fail and error.
bool isFlagged(Verdict verdict);

} // namespace patchead::ui
