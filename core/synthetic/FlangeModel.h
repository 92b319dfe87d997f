#pragma once

// Private to patchead_synthetic: geometry and shading of the synthetic
// flange. All lengths are fractions of the image side. Part coordinates have
// the part centre at the origin and turn with the part. Image coordinates
// have the image centre at the origin. Both have y pointing down.

#include "synthetic/SamplePart.h"

#include <opencv2/core.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

namespace patchead {

namespace flange {
constexpr double kOuterRadius = 0.400;
constexpr double kOuterChamfer = 0.014;
constexpr double kNotchRadius = 0.022; // locating notch, centred on the rim at the top
constexpr double kHubRadius = 0.185;   // raised hub around the bore
constexpr double kHubChamfer = 0.006;
constexpr double kBoreRadius = 0.105;
constexpr double kBoreChamfer = 0.012;
constexpr double kBoltPitchRadius = 0.290;
constexpr double kBoltHoleRadius = 0.030;
constexpr double kBoltChamfer = 0.007;
constexpr int kBoltCount = 6;
} // namespace flange

inline double vectorLength(const cv::Point2d &v)
{
    return std::sqrt(v.dot(v));
}

// Hermite step: 0 below edge0, 1 above edge1, smooth in between.
inline double smoothStep(double edge0, double edge1, double x)
{
    const double t = std::clamp((x - edge0) / (edge1 - edge0), 0.0, 1.0);
    return t * t * (3.0 - 2.0 * t);
}

struct BoltHole {
    cv::Point2d centre;
    double radius = flange::kBoltHoleRadius;
};

// The six evenly spaced bolt holes of a good part, the first at 3 o'clock.
std::vector<BoltHole> standardBoltHoles();

// True where p is on the flat turned face between hub and rim chamfer, at
// least `margin` away from every edge, hole and chamfer.
bool isOnFlatFace(const cv::Point2d &p, double margin, const std::vector<BoltHole> &holes);

// The flange of one pose with a given set of holes.
class FlangeModel {
public:
    FlangeModel(const PartPose &pose, std::vector<BoltHole> holes);

    cv::Point2d toPart(const cv::Point2d &imagePoint) const;
    cv::Point2d toImageDirection(const cv::Point2d &partDirection) const;
    // Unit vector in image coordinates pointing towards the light.
    const cv::Point2d &light() const { return mLight; }

    // True where p (part coordinates) is solid metal, chamfers included.
    bool isMetal(const cv::Point2d &p) const;

    // Linear RGB in [0, 1] at part point p, which lies at image point q,
    // before exposure gain and sensor noise.
    cv::Vec3f shade(const cv::Point2d &p, const cv::Point2d &q) const;

private:
    enum class Zone { Background, Hole, Chamfer, Hub, Face };
    struct Hit {
        Zone zone = Zone::Face;
        cv::Point2d towardVoid; // chamfers: unit vector from the metal towards the opening
        double holeDepth = 0.0; // holes: 0 at the wall, 1 at the centre
    };

    Hit classify(const cv::Point2d &p) const;
    float ringNoise(bool hub, double radius) const;
    float shadeFace(const cv::Point2d &p, bool hub) const;
    float shadeChamfer(const cv::Point2d &towardVoid, const cv::Point2d &p) const;
    float shadeBackground(const cv::Point2d &q) const;

    double mCos = 1.0;
    double mSin = 0.0;
    cv::Point2d mCentre;
    cv::Point2d mLight;
    std::vector<BoltHole> mHoles;
    std::vector<float> mFineRings;
    std::vector<float> mCoarseRings;
    std::vector<float> mHubRings;
};

} // namespace patchead
