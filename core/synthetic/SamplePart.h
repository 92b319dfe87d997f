#pragma once

// One synthetic machined part: a turned steel flange with a bore, a raised
// hub, six bolt holes, chamfered edges and a locating notch, photographed
// from above on a dark fixture plate under light from the upper left. Good
// parts differ by pose, lighting, tool marks and sensor noise; defective
// parts add one defect with an exact pixel mask.

#include <QString>
#include <QVector>
#include <QtGlobal>
#include <opencv2/core.hpp>

namespace patchead {

enum class DefectType {
    None,
    Scratch,       // thin dark or bright line, 7 to 14 % of the image width long
    Dent,          // shaded pit, 3 to 5 % of the image width across
    Stain,         // rust, oil film or heat tint, 6 to 10 % across
    MissingHole,   // one of the six bolt holes not drilled
    ExtraHole,     // a seventh hole between two bolt holes
    Crack,         // thin jagged dark line starting at a bolt hole
    Contamination, // cluster of bright grains with dark rims, 4 to 7 % across
};

// Folder and label name of a defect type, as in the MVTec AD layout
// ("scratch", "missing_hole", ...), or "good" for None.
QString defectTypeName(DefectType type);

// Every type except None, in declaration order.
QVector<DefectType> allDefectTypes();

// Pose and lighting of one part. Lengths are fractions of the image side.
struct PartPose {
    double angleDegrees = 0.0; // rotation about the part centre, clockwise on screen
    double shiftX = 0.0;       // centre offset from the image centre, right positive
    double shiftY = 0.0;       // down positive
    double gain = 1.0;         // exposure factor applied to the whole image
    double lightDegrees = 0.0; // turn of the light direction away from the upper left
    quint64 surfaceSeed = 0;   // tool marks on the turned faces
    quint64 noiseSeed = 0;     // sensor noise
};

// Everything that determines one rendered image.
struct SamplePart {
    PartPose pose;
    DefectType defect = DefectType::None;
    quint64 defectSeed = 0; // size, place and look of the defect
};

// Random streams of a lot: parts of different streams never share seeds.
enum class PartStream : quint64 { Train = 1, TestGood = 2, TestDefective = 3 };

// Draws part `index` of `stream` for a lot seed. The result depends only on
// these arguments (not on other parts), with a pose within +-4 degrees,
// +-1.5 % shift, +-7 % gain and +-4 degrees of light direction.
SamplePart makeSamplePart(quint32 lotSeed, PartStream stream, int index, DefectType defect);

struct RenderedPart {
    cv::Mat rgb;  // CV_8UC3, R, G, B order, imageSize x imageSize
    cv::Mat mask; // CV_8UC1, 255 where the defect changed the image, else 0
};

// Renders a part at imageSize x imageSize pixels (64 to 8192) and throws
// SettingsError for other sizes. The mask covers exactly the pixels that
// differ from the same part rendered with DefectType::None. Outside it both
// renderings are equal byte for byte.
RenderedPart renderSamplePart(const SamplePart &part, int imageSize);

} // namespace patchead
