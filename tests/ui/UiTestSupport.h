#pragma once

// Fixtures shared by the workstation's GUI tests: generated part images,
// lot databases filled through LotStore (no encoder needed), simulated
// drops, and isolated QSettings.

#include "store/LotStore.h"

#include <QPoint>
#include <QString>
#include <QStringList>
#include <QVector>

class QWidget;

namespace patchead::uitest {

// Points QSettings at a temporary folder of this process and QStandardPaths
// at its test locations, and clears the settings, so tests neither read nor
// change the user's configuration or each other's. Call it before the first
// QSettings object is made.
void isolateSettings();

// Writes a PNG of a flange-like part on a dark plate, side x side pixels.
// The seed varies pose and lighting; a defective part gets a dark scratch
// and a bright chip. Returns the absolute path.
QString writePartImage(const QString &path, int side, quint32 seed, bool defective);

// Writes `count` part images named prefix_000.png ... into folder.
QStringList writePartImages(const QString &folder, const QString &prefix, int count, int side, quint32 seed,
                            int defectiveEvery = 0);

// One part of a test lot: its image file name and image score.
struct TestPart {
    QString fileName;
    double score = 0.0;
    bool unreadable = false; // stored with verdict Error
};

// Creates a lot with these parts in the store, writing a 96 px image per
// part into folder and an 8 x 8 patch map whose values follow the score.
// The settings set resolution 64 and sigma 1, and the model is not one that
// exists, so heatmaps render without an encoder.
LotRecord createTestLot(LotStore &store, const QString &name, const QString &folder,
                        const QVector<TestPart> &parts, double reject, double review);

// Sends a drag enter, drag move and drop of these files' URLs to target,
// as a file manager would. Returns whether the drop was accepted.
bool dropFiles(QWidget *target, const QStringList &paths, QPoint position = QPoint(-1, -1));

} // namespace patchead::uitest
