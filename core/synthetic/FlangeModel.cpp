#include "synthetic/FlangeModel.h"

#include "synthetic/SplitMix64.h"

namespace patchead {

namespace {

using namespace flange;

// Tool marks: random ring brightness every kFineRingStep, slower waviness
// every kCoarseRingStep, both as functions of the radius.
constexpr double kFineRingStep = 0.003; // about 1.2 pixels at 384
constexpr double kHubRingStep = 0.002;
constexpr double kCoarseRingStep = 0.02;
constexpr double kMaxRingRadius = 0.45;

// The light comes from the upper left of the image (y points down).
constexpr double kLightDegrees = -130.0;

const cv::Vec3f kMetalTint(0.95f, 0.985f, 1.03f); // cool steel grey, R, G, B
const cv::Vec3f kPlateTint(0.78f, 0.90f, 1.00f);  // dark blue-grey fixture plate

const cv::Point2d kNotchCentre(0.0, -kOuterRadius);

std::vector<float> randomTable(SplitMix64 &random, double step)
{
    std::vector<float> table(size_t(kMaxRingRadius / step) + 2);
    for (float &value : table)
        value = float(random.uniform(-1.0, 1.0));
    return table;
}

// Smooth interpolation of a table sampled every `step`.
float interpolate(const std::vector<float> &table, double radius, double step)
{
    const double position = std::clamp(radius / step, 0.0, double(table.size() - 2));
    const size_t index = size_t(position);
    const double t = smoothStep(0.0, 1.0, position - double(index));
    return float(table[index] * (1.0 - t) + table[index + 1] * t);
}

} // namespace

std::vector<BoltHole> standardBoltHoles()
{
    std::vector<BoltHole> holes;
    for (int i = 0; i < kBoltCount; ++i) {
        const double angle = 2.0 * M_PI * i / kBoltCount;
        holes.push_back({cv::Point2d(std::cos(angle), std::sin(angle)) * kBoltPitchRadius, kBoltHoleRadius});
    }
    return holes;
}

bool isOnFlatFace(const cv::Point2d &p, double margin, const std::vector<BoltHole> &holes)
{
    const double r = vectorLength(p);
    if (r < kHubRadius + margin || r > kOuterRadius - kOuterChamfer - margin)
        return false;
    if (vectorLength(p - kNotchCentre) < kNotchRadius + kOuterChamfer + margin)
        return false;
    for (const BoltHole &hole : holes) {
        if (vectorLength(p - hole.centre) < hole.radius + kBoltChamfer + margin)
            return false;
    }
    return true;
}

FlangeModel::FlangeModel(const PartPose &pose, std::vector<BoltHole> holes)
    : mCos(std::cos(pose.angleDegrees * M_PI / 180.0)), mSin(std::sin(pose.angleDegrees * M_PI / 180.0)),
      mCentre(pose.shiftX, pose.shiftY), mHoles(std::move(holes))
{
    const double lightRadians = (kLightDegrees + pose.lightDegrees) * M_PI / 180.0;
    mLight = cv::Point2d(std::cos(lightRadians), std::sin(lightRadians));
    SplitMix64 random(pose.surfaceSeed);
    mFineRings = randomTable(random, kFineRingStep);
    mCoarseRings = randomTable(random, kCoarseRingStep);
    mHubRings = randomTable(random, kHubRingStep);
}

cv::Point2d FlangeModel::toPart(const cv::Point2d &imagePoint) const
{
    const cv::Point2d d = imagePoint - mCentre;
    return cv::Point2d(mCos * d.x + mSin * d.y, -mSin * d.x + mCos * d.y);
}

cv::Point2d FlangeModel::toImageDirection(const cv::Point2d &partDirection) const
{
    return cv::Point2d(mCos * partDirection.x - mSin * partDirection.y,
                       mSin * partDirection.x + mCos * partDirection.y);
}

bool FlangeModel::isMetal(const cv::Point2d &p) const
{
    const Zone zone = classify(p).zone;
    return zone == Zone::Chamfer || zone == Zone::Hub || zone == Zone::Face;
}

FlangeModel::Hit FlangeModel::classify(const cv::Point2d &p) const
{
    // Squared distances first: most samples are decided without a square root.
    const double r2 = p.dot(p);
    const cv::Point2d fromNotch = p - kNotchCentre;
    const double notch2 = fromNotch.dot(fromNotch);
    if (r2 >= kOuterRadius * kOuterRadius || notch2 < kNotchRadius * kNotchRadius)
        return {Zone::Background, {}, 0.0};
    const double r = std::sqrt(r2);
    if (r < kBoreRadius)
        return {Zone::Hole, {}, 1.0 - r / kBoreRadius};

    // Chamfers are the 45-degree bevels along every edge, facing the opening.
    // No two openings are close enough for their chamfers to overlap.
    for (const BoltHole &hole : mHoles) {
        const cv::Point2d toCentre = hole.centre - p;
        const double reach = hole.radius + kBoltChamfer;
        if (toCentre.dot(toCentre) >= reach * reach)
            continue;
        const double d = vectorLength(toCentre);
        if (d < hole.radius)
            return {Zone::Hole, {}, 1.0 - d / hole.radius};
        return {Zone::Chamfer, toCentre / d, 0.0};
    }
    if (kOuterRadius - r < kOuterChamfer)
        return {Zone::Chamfer, p / r, 0.0};
    const double notchReach = kNotchRadius + kOuterChamfer;
    if (notch2 < notchReach * notchReach)
        return {Zone::Chamfer, -fromNotch / std::sqrt(notch2), 0.0};
    if (r - kBoreRadius < kBoreChamfer)
        return {Zone::Chamfer, -p / r, 0.0};
    if (r < kHubRadius && r >= kHubRadius - kHubChamfer)
        return {Zone::Chamfer, p / r, 0.0}; // the hub's outer bevel faces outwards
    return {r < kHubRadius ? Zone::Hub : Zone::Face, {}, 0.0};
}

float FlangeModel::ringNoise(bool hub, double radius) const
{
    const float fine
        = hub ? interpolate(mHubRings, radius, kHubRingStep) : interpolate(mFineRings, radius, kFineRingStep);
    return 0.6f * fine + 0.4f * interpolate(mCoarseRings, radius, kCoarseRingStep);
}

// Turned faces reflect most where the tool marks run across the light, which
// gives the bright "bow tie" along the light axis.
float FlangeModel::shadeFace(const cv::Point2d &p, bool hub) const
{
    const double r = vectorLength(p);
    const double along = toImageDirection(p / r).dot(mLight);
    const double sheen = std::abs(along * along * along);
    const double rings = ringNoise(hub, r);
    double value = hub ? 0.60 + 0.22 * sheen + rings * (0.02 + 0.04 * sheen)
                       : 0.50 + 0.18 * sheen + rings * (0.025 + 0.05 * sheen);
    value *= 1.0 - 0.06 * (r / kOuterRadius) * (r / kOuterRadius);
    if (!hub && r < kHubRadius + 0.012) {
        // The raised hub shades the face on the side away from the light.
        const double closeness = 1.0 - (r - kHubRadius) / 0.012;
        value *= 1.0 - 0.25 * std::max(0.0, -along) * closeness;
    }
    return float(value);
}

float FlangeModel::shadeChamfer(const cv::Point2d &towardVoid, const cv::Point2d &p) const
{
    const double facing = toImageDirection(towardVoid).dot(mLight);
    const double lit = std::max(0.0, facing);
    const double highlight = lit * lit * lit * lit * lit * lit;
    const double rings = ringNoise(false, vectorLength(p));
    return float(0.40 + 0.32 * facing + 0.25 * highlight + 0.02 * rings);
}

float FlangeModel::shadeBackground(const cv::Point2d &q) const
{
    // Soft shadow of the part, cast away from the light.
    const cv::Point2d shadowCentre = mCentre - mLight * 0.014;
    const double outside = vectorLength(q - shadowCentre) - kOuterRadius;
    const double shadow = 1.0 - 0.55 * (1.0 - smoothStep(-0.015, 0.03, outside));
    const double vignette = 1.0 - 0.5 * q.dot(q);
    return float((0.20 + 0.015 * q.x) * vignette * shadow);
}

cv::Vec3f FlangeModel::shade(const cv::Point2d &p, const cv::Point2d &q) const
{
    const Hit hit = classify(p);
    switch (hit.zone) {
    case Zone::Background:
        return kPlateTint * shadeBackground(q);
    case Zone::Hole:
        // The plate seen through an opening lies in the part's shadow,
        // darkest near the walls.
        return kPlateTint * float(shadeBackground(q) * (0.25 + 0.35 * hit.holeDepth));
    case Zone::Chamfer:
        return kMetalTint * shadeChamfer(hit.towardVoid, p);
    case Zone::Hub:
        return kMetalTint * shadeFace(p, true);
    case Zone::Face:
        break;
    }
    return kMetalTint * shadeFace(p, false);
}

} // namespace patchead
