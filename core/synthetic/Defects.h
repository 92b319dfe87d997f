#pragma once

// Private to patchead_synthetic: the defects of the synthetic flange, drawn
// from a seed. Lengths are fractions of the image side, in part coordinates.

#include "synthetic/FlangeModel.h"
#include "synthetic/SamplePart.h"

#include <memory>
#include <optional>
#include <vector>

namespace patchead {

// A defect painted onto the metal surface.
class SurfaceDefect {
public:
    virtual ~SurfaceDefect() = default;

    // Opacity in [0, 1] at part point p, exactly 0 outside the defect.
    virtual float coverage(const cv::Point2d &p) const = 0;

    // Colour where the defect fully covers metal of colour `base`.
    virtual cv::Vec3f paint(const cv::Vec3f &base, const cv::Point2d &p, const FlangeModel &model) const = 0;
};

// The part as a defect leaves it.
struct DefectScene {
    std::vector<BoltHole> holes;            // the holes the part has
    std::unique_ptr<SurfaceDefect> surface; // scratch, dent, stain, crack or contamination
    std::optional<BoltHole> changedHole;    // the missing or extra hole
};

// Draws the defect of `type` from `seed`. DefectType::None gives the six
// standard holes and nothing else.
DefectScene buildDefectScene(DefectType type, quint64 seed);

// Radius around a changed hole's centre outside which the part looks the
// same with or without that hole.
double changedHoleReach(const BoltHole &hole);

} // namespace patchead
