#pragma once

// Helpers shared by the report tests: generated part images, lot records
// filled through LotStore, and the poppler-utils command-line tools.

#include "store/LotRecords.h"

#include <QString>
#include <QStringList>

#include <vector>

namespace patchead::test {

// Writes a width x height PNG of a grey disc on a darker background with
// cv::imwrite; `seed` shifts the shading so that images differ. Returns
// false when the file cannot be written.
bool writePartImage(const QString &path, int width, int height, int seed);

// A mapWidth x mapHeight anomaly map of `base` with one hot patch of value
// `peak` at (hotX, hotY).
std::vector<float> hotSpotMap(int mapWidth, int mapHeight, float base, float peak, int hotX, int hotY);

// A scored part of `lotId` whose verdict follows from the thresholds.
PartRecord scoredPart(qint64 lotId, const QString &path, double score, double reject, double review);

// The path of a poppler-utils tool, or an empty string when it is missing.
QString popplerTool(const QString &name);

// Runs a tool and returns its standard output. Fails the running test and
// returns an empty array unless the tool exits with 0 within 60 s.
QByteArray runTool(const QString &program, const QStringList &arguments);

// Text of the PDF from pdftotext (reading order, UTF-8), or of one page.
QString pdfText(const QString &pdfPath, int page = 0);

// Page count from pdfinfo, or -1 when it cannot be read.
int pdfPageCount(const QString &pdfPath);

// Fraction of pixels darker than near-white in an image file.
double inkFraction(const QString &imagePath);

} // namespace patchead::test
