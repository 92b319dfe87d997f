#pragma once

// A generated sample lot of synthetic flanges (see SamplePart.h), written in
// the MVTec AD folder layout plus a flat, shuffled lot folder with labels.
// Public data sets may not be redistributed, so first runs and integration
// tests use this lot.

#include "synthetic/SamplePart.h"

#include <QString>
#include <QStringList>
#include <QVector>
#include <QtGlobal>

namespace patchead {

struct SampleLotOptions {
    int imageSize = 384;         // pixels per side, 64 to 8192
    int referenceCount = 8;      // good parts in train/good meant as the reference set
    int extraReferenceCount = 8; // further good parts in train/good, for larger reference sets
    int goodParts = 24;          // good parts in the lot (test/good)
    int defectiveParts = 16;     // defective parts in the lot, spread over the seven defect types
    quint32 seed = 20240601;
    QString categoryName = QStringLiteral("flange");
    bool overwrite = false; // replace an earlier lot in the same output folder
};

// One part of the flat lot folder. Paths are relative to the output folder,
// with '/' separators.
struct SampleLotEntry {
    QString partFile;   // "lot/part_001.png"
    QString label;      // "good" or a defect type name such as "scratch"
    QString maskFile;   // "flange/ground_truth/scratch/000_mask.png", or empty for good parts
    QString sourceFile; // the same image in the MVTec AD layout: "flange/test/scratch/000.png"
};

struct SampleLotSummary {
    QString outputDir;    // absolute paths
    QString categoryDir;  // OUT/<category>
    QString trainGoodDir; // OUT/<category>/train/good
    QString lotDir;       // OUT/lot
    QString labelsFile;   // OUT/lot_labels.csv
    int trainCount = 0;
    int testGoodCount = 0;
    int testDefectiveCount = 0;
    QStringList defectTypes;     // folders under test/ and ground_truth/ that were written
    QVector<SampleLotEntry> lot; // in lot order
};

// Writes a sample lot under `outputDir`, the same bytes for the same options:
//   <category>/train/good/NNN.png                 referenceCount + extraReferenceCount
//   <category>/test/good/NNN.png                  goodParts
//   <category>/test/<defect>/NNN.png              defectiveParts in all
//   <category>/ground_truth/<defect>/NNN_mask.png 0 or 255, one per defective image
//   lot/part_NNN.png                              the test images, shuffled, numbered from 001
//   lot_labels.csv                                part,label,mask,source for every lot image
// Throws SettingsError for invalid options, and Error when the output
// already contains a lot (unless overwrite is set) or a file cannot be written.
// NOTE: byte equality is tested for runs of one build on one machine. Another
// libm, zlib or OpenCV version may change the last bits of the shading or the
// PNG compression.
SampleLotSummary generateSampleLot(const QString &outputDir, const SampleLotOptions &options = {});

} // namespace patchead
