#include "synthetic/Defects.h"

#include "synthetic/SplitMix64.h"

#include <array>

namespace patchead {

namespace {

using namespace flange;

// Width of the ramp at every defect edge, about 0.6 pixel at 384 pixels.
constexpr double kEdgeWidth = 0.0015;

cv::Point2d polar(double radius, double angle)
{
    return cv::Point2d(std::cos(angle), std::sin(angle)) * radius;
}

// A colour change out = base * multiply + add, per channel (R, G, B).
struct Tone {
    cv::Vec3f multiply;
    cv::Vec3f add;

    cv::Vec3f apply(const cv::Vec3f &base) const { return base.mul(multiply) + add; }
};

// A thin line along a polyline: a scratch tapers at both ends, a crack from
// its origin to its tip.
class LineDefect : public SurfaceDefect {
public:
    enum class Profile { Scratch, Crack };

    LineDefect(std::vector<cv::Point2d> path, double halfWidth, Profile profile, Tone tone)
        : mPath(std::move(path)), mHalfWidth(halfWidth), mProfile(profile), mTone(tone)
    {
        mCumulative.push_back(0.0);
        for (size_t i = 1; i < mPath.size(); ++i)
            mCumulative.push_back(mCumulative.back() + vectorLength(mPath[i] - mPath[i - 1]));
        const double reach = mHalfWidth + kEdgeWidth;
        cv::Point2d low = mPath.front();
        cv::Point2d high = mPath.front();
        for (const cv::Point2d &point : mPath) {
            low = cv::Point2d(std::min(low.x, point.x), std::min(low.y, point.y));
            high = cv::Point2d(std::max(high.x, point.x), std::max(high.y, point.y));
        }
        mBounds = cv::Rect2d(low.x - reach, low.y - reach, high.x - low.x + 2 * reach,
                             high.y - low.y + 2 * reach);
    }

    float coverage(const cv::Point2d &p) const override
    {
        if (!mBounds.contains(p))
            return 0.0f;
        double bestDistance = 1e9;
        double bestAlong = 0.0;
        for (size_t i = 0; i + 1 < mPath.size(); ++i) {
            const cv::Point2d segment = mPath[i + 1] - mPath[i];
            const double segmentLength = mCumulative[i + 1] - mCumulative[i];
            const double u
                = std::clamp((p - mPath[i]).dot(segment) / (segmentLength * segmentLength), 0.0, 1.0);
            const double distance = vectorLength(p - (mPath[i] + segment * u));
            if (distance < bestDistance) {
                bestDistance = distance;
                bestAlong = (mCumulative[i] + u * segmentLength) / mCumulative.back();
            }
        }
        const double width = widthAt(bestAlong);
        return float(1.0 - smoothStep(width, width + kEdgeWidth, bestDistance));
    }

    cv::Vec3f paint(const cv::Vec3f &base, const cv::Point2d &, const FlangeModel &) const override
    {
        return mTone.apply(base);
    }

private:
    // Half width at fraction t of the length.
    double widthAt(double t) const
    {
        if (mProfile == Profile::Crack)
            return mHalfWidth * (1.0 - 0.7 * t);
        return mHalfWidth * (0.35 + 0.65 * std::sqrt(std::sin(M_PI * t)));
    }

    std::vector<cv::Point2d> mPath;
    std::vector<double> mCumulative;
    double mHalfWidth;
    Profile mProfile;
    Tone mTone;
    cv::Rect2d mBounds;
};

// An elliptical pit: its wall facing the light is bright, the other dark.
class DentDefect : public SurfaceDefect {
public:
    DentDefect(cv::Point2d centre, double radius, double aspect, double axisAngle)
        : mCentre(centre), mRadius(radius), mAspect(aspect), mAxis(polar(1.0, axisAngle))
    {
    }

    float coverage(const cv::Point2d &p) const override
    {
        const double e = ellipseRadius(p);
        return e >= 1.0 ? 0.0f : float(1.0 - smoothStep(0.85, 1.0, e));
    }

    cv::Vec3f paint(const cv::Vec3f &base, const cv::Point2d &p, const FlangeModel &model) const override
    {
        const double e = ellipseRadius(p);
        const cv::Point2d offset = p - mCentre;
        const double distance = vectorLength(offset);
        // A wall on the far side of the pit from the light faces the light.
        const double facing
            = distance > 0.0 ? -model.toImageDirection(offset / distance).dot(model.light()) : 0.0;
        const double tilt = std::sin(M_PI * 0.9 * e);
        const double lit = std::max(0.0, facing);
        const double band = (e - 0.6) / 0.15;
        const double highlight = 0.35 * lit * lit * lit * lit * std::exp(-band * band);
        const float value = float(0.55 + 0.55 * tilt * facing);
        return base * value + cv::Vec3f::all(float(highlight));
    }

private:
    // 0 at the centre, 1 on the rim.
    double ellipseRadius(const cv::Point2d &p) const
    {
        const cv::Point2d offset = p - mCentre;
        const double u = offset.dot(mAxis) / mRadius;
        const double v = (offset.y * mAxis.x - offset.x * mAxis.y) / (mRadius * mAspect);
        return std::sqrt(u * u + v * v);
    }

    cv::Point2d mCentre;
    double mRadius;
    double mAspect;
    cv::Point2d mAxis;
};

// An irregular patch with a denser tide line at its border and a mottled
// inside.
class StainDefect : public SurfaceDefect {
public:
    struct Shape {
        double radius;
        std::array<double, 6> harmonics;  // amplitude and phase for 2, 3 and 5 lobes
        std::array<cv::Point2d, 2> waves; // wave vectors of the mottling, radians per unit length
        std::array<double, 2> wavePhases;
    };

    StainDefect(cv::Point2d centre, Shape shape, Tone tone, double strength)
        : mCentre(centre), mShape(shape), mTone(tone), mStrength(strength)
    {
    }

    float coverage(const cv::Point2d &p) const override
    {
        const cv::Point2d offset = p - mCentre;
        const double distance = vectorLength(offset);
        if (distance >= mShape.radius * 1.5)
            return 0.0f; // the harmonics add at most 40 % to the radius
        const double angle = std::atan2(offset.y, offset.x);
        const std::array<double, 6> &h = mShape.harmonics;
        const double border = mShape.radius
            * (1.0 + h[0] * std::sin(2 * angle + h[1]) + h[2] * std::sin(3 * angle + h[3])
               + h[4] * std::sin(5 * angle + h[5]));
        const double s = distance / border;
        if (s >= 1.0)
            return 0.0f;
        const double edge = 1.0 - smoothStep(0.9, 1.0, s);
        const double tideLine = 0.8 + 0.2 * smoothStep(0.5, 0.92, s);
        const double mottling = 0.9 + 0.05 * std::sin(mShape.waves[0].dot(offset) + mShape.wavePhases[0])
            + 0.05 * std::sin(mShape.waves[1].dot(offset) + mShape.wavePhases[1]);
        return float(mStrength * edge * tideLine * mottling);
    }

    cv::Vec3f paint(const cv::Vec3f &base, const cv::Point2d &, const FlangeModel &) const override
    {
        return mTone.apply(base);
    }

private:
    cv::Point2d mCentre;
    Shape mShape;
    Tone mTone;
    double mStrength;
};

// Small bright chips or grains, each lit from the light's side and ringed by
// a dark rim where it meets the surface.
class ContaminationDefect : public SurfaceDefect {
public:
    struct Speck {
        cv::Point2d centre;
        double radius;
    };

    explicit ContaminationDefect(std::vector<Speck> specks) : mSpecks(std::move(specks)) {}

    float coverage(const cv::Point2d &p) const override
    {
        double best = 0.0;
        for (const Speck &speck : mSpecks) {
            const double reach = kRimFactor * speck.radius;
            const double distance = vectorLength(p - speck.centre);
            if (distance < reach)
                best = std::max(best, 1.0 - smoothStep(0.8 * reach, reach, distance));
        }
        return float(best);
    }

    cv::Vec3f paint(const cv::Vec3f &base, const cv::Point2d &p, const FlangeModel &model) const override
    {
        const Speck *nearest = &mSpecks.front();
        for (const Speck &speck : mSpecks) {
            if (vectorLength(p - speck.centre) / speck.radius
                < vectorLength(p - nearest->centre) / nearest->radius)
                nearest = &speck;
        }
        const cv::Point2d offset = (p - nearest->centre) / nearest->radius;
        const double distance = vectorLength(offset);
        const cv::Vec3f rim = base * 0.45f;
        if (distance >= 1.0)
            return rim;
        const double lit = model.toImageDirection(offset).dot(model.light());
        const cv::Vec3f grain = cv::Vec3f(0.98f, 0.96f, 0.90f) * float(0.84 + 0.16 * lit);
        const float blend = float(smoothStep(0.7, 1.0, distance));
        return grain * (1.0f - blend) + rim * blend;
    }

private:
    static constexpr double kRimFactor = 1.5; // the dark rim reaches 1.5 grain radii

    std::vector<Speck> mSpecks;
};

cv::Point2d randomFacePoint(SplitMix64 &random, double margin, const std::vector<BoltHole> &holes)
{
    const double inner = kHubRadius + margin;
    const double outer = kOuterRadius - kOuterChamfer - margin;
    for (int attempt = 0; attempt < 500; ++attempt) {
        // Uniform over the ring's area: the square root of a uniform draw between the squared radii.
        const double radius = std::sqrt(random.uniform(inner * inner, outer * outer));
        const cv::Point2d p = polar(radius, random.uniform(0.0, 2.0 * M_PI));
        if (isOnFlatFace(p, margin, holes))
            return p;
    }
    // Midway between two bolt holes on the pitch circle is on the face for every margin used here.
    return polar(kBoltPitchRadius, M_PI / kBoltCount);
}

// Fraction of points along the path, one every 0.004, on the flat face.
double fractionOnFace(const std::vector<cv::Point2d> &path, const std::vector<BoltHole> &holes)
{
    int inside = 0;
    int total = 0;
    for (size_t i = 0; i + 1 < path.size(); ++i) {
        const int steps = std::max(1, int(vectorLength(path[i + 1] - path[i]) / 0.004));
        for (int step = 0; step < steps; ++step) {
            inside += isOnFlatFace(path[i] + (path[i + 1] - path[i]) * (double(step) / steps), 0.0, holes);
            ++total;
        }
    }
    return total > 0 ? double(inside) / total : 0.0;
}

std::unique_ptr<SurfaceDefect> makeScratch(SplitMix64 &random, const std::vector<BoltHole> &holes)
{
    const double halfWidth = random.uniform(0.0022, 0.0040);
    const bool bright = random.uniform() < 0.5;
    std::vector<cv::Point2d> path;
    for (int attempt = 0; attempt < 200; ++attempt) {
        const double length = random.uniform(0.07, 0.14);
        double heading = random.uniform(0.0, 2.0 * M_PI);
        path = {randomFacePoint(random, 0.01, holes)};
        for (int segment = 0; segment < 5; ++segment) {
            heading += random.uniform(-0.15, 0.15);
            path.push_back(path.back() + polar(length / 5, heading));
        }
        if (fractionOnFace(path, holes) >= 0.85)
            break;
    }
    const Tone tone = bright ? Tone{cv::Vec3f::all(0.35f), cv::Vec3f::all(0.62f)}
                             : Tone{cv::Vec3f::all(0.38f), cv::Vec3f::all(0.0f)};
    return std::make_unique<LineDefect>(path, halfWidth, LineDefect::Profile::Scratch, tone);
}

std::unique_ptr<SurfaceDefect> makeCrack(SplitMix64 &random, const std::vector<BoltHole> &holes)
{
    const BoltHole origin = holes[size_t(random.below(int(holes.size())))];
    const double halfWidth = random.uniform(0.0017, 0.0024);
    std::vector<cv::Point2d> path;
    for (int attempt = 0; attempt < 200; ++attempt) {
        const double outward = random.uniform(0.0, 2.0 * M_PI);
        const double mainHeading = outward + random.uniform(-0.35, 0.35);
        const int steps = 12 + random.below(5);
        const double stepLength = random.uniform(0.0055, 0.0075);
        path = {origin.centre + polar(origin.radius + 0.5 * kBoltChamfer, outward)};
        double heading = mainHeading;
        for (int step = 0; step < steps; ++step) {
            // Jagged: each step turns at random but is pulled back to the main heading.
            heading = mainHeading + 0.5 * (heading - mainHeading) + random.uniform(-0.6, 0.6);
            path.push_back(path.back() + polar(stepLength, heading));
        }
        const std::vector<cv::Point2d> beyondChamfer(path.begin() + 2, path.end());
        if (fractionOnFace(beyondChamfer, holes) >= 0.85)
            break;
    }
    const Tone dark{cv::Vec3f::all(0.12f), cv::Vec3f::all(0.01f)};
    return std::make_unique<LineDefect>(path, halfWidth, LineDefect::Profile::Crack, dark);
}

std::unique_ptr<SurfaceDefect> makeDent(SplitMix64 &random, const std::vector<BoltHole> &holes)
{
    const double radius = random.uniform(0.016, 0.026);
    const double aspect = random.uniform(0.65, 1.0);
    const double axisAngle = random.uniform(0.0, M_PI);
    const cv::Point2d centre = randomFacePoint(random, radius + 0.006, holes);
    return std::make_unique<DentDefect>(centre, radius, aspect, axisAngle);
}

std::unique_ptr<SurfaceDefect> makeStain(SplitMix64 &random, const std::vector<BoltHole> &holes)
{
    StainDefect::Shape shape;
    shape.radius = random.uniform(0.030, 0.048);
    const double maxAmplitudes[] = {0.18, 0.12, 0.08}; // for 2, 3 and 5 lobes
    for (size_t i = 0; i < 3; ++i) {
        shape.harmonics[2 * i] = random.uniform(0.0, maxAmplitudes[i]);
        shape.harmonics[2 * i + 1] = random.uniform(0.0, 2.0 * M_PI);
    }
    for (size_t i = 0; i < 2; ++i) {
        // Mottling with a wavelength of 0.8 to 1.6 stain radii.
        const double wavelength = shape.radius * random.uniform(0.8, 1.6);
        shape.waves[i] = polar(2.0 * M_PI / wavelength, random.uniform(0.0, 2.0 * M_PI));
        shape.wavePhases[i] = random.uniform(0.0, 2.0 * M_PI);
    }
    // Rust, oil film, or blue heat tint from overheating during machining.
    const Tone tones[] = {
        {cv::Vec3f(0.92f, 0.55f, 0.30f), cv::Vec3f(0.06f, 0.03f, 0.0f)},
        {cv::Vec3f(0.45f, 0.47f, 0.55f), cv::Vec3f::all(0.0f)},
        {cv::Vec3f(0.60f, 0.55f, 0.95f), cv::Vec3f(0.02f, 0.02f, 0.06f)},
    };
    const Tone tone = tones[random.below(3)];
    const double strength = random.uniform(0.8, 0.95);
    const cv::Point2d centre = randomFacePoint(random, 0.02, holes);
    return std::make_unique<StainDefect>(centre, shape, tone, strength);
}

std::unique_ptr<SurfaceDefect> makeContamination(SplitMix64 &random, const std::vector<BoltHole> &holes)
{
    const double clusterRadius = random.uniform(0.018, 0.028);
    const cv::Point2d centre = randomFacePoint(random, 0.015, holes);
    const int count = 8 + random.below(7);
    std::vector<ContaminationDefect::Speck> specks;
    for (int i = 0; i < count; ++i) {
        // Uniform over the cluster disc.
        const cv::Point2d offset
            = polar(clusterRadius * std::sqrt(random.uniform()), random.uniform(0.0, 2.0 * M_PI));
        specks.push_back({centre + offset, random.uniform(0.0030, 0.0065)});
    }
    return std::make_unique<ContaminationDefect>(std::move(specks));
}

BoltHole makeExtraHole(SplitMix64 &random)
{
    const int gap = random.below(kBoltCount);
    const double angle = 2.0 * M_PI * (gap + 0.5) / kBoltCount + random.uniform(-0.1, 0.1);
    const double pitch = kBoltPitchRadius + random.uniform(-0.012, 0.012);
    return {polar(pitch, angle), kBoltHoleRadius * random.uniform(0.7, 1.0)};
}

} // namespace

double changedHoleReach(const BoltHole &hole)
{
    return hole.radius + kBoltChamfer + 0.001;
}

DefectScene buildDefectScene(DefectType type, quint64 seed)
{
    DefectScene scene;
    scene.holes = standardBoltHoles();
    SplitMix64 random(seed);
    switch (type) {
    case DefectType::None:
        break;
    case DefectType::Scratch:
        scene.surface = makeScratch(random, scene.holes);
        break;
    case DefectType::Dent:
        scene.surface = makeDent(random, scene.holes);
        break;
    case DefectType::Stain:
        scene.surface = makeStain(random, scene.holes);
        break;
    case DefectType::Crack:
        scene.surface = makeCrack(random, scene.holes);
        break;
    case DefectType::Contamination:
        scene.surface = makeContamination(random, scene.holes);
        break;
    case DefectType::MissingHole: {
        const int index = random.below(int(scene.holes.size()));
        scene.changedHole = scene.holes[size_t(index)];
        scene.holes.erase(scene.holes.begin() + index);
        break;
    }
    case DefectType::ExtraHole:
        scene.changedHole = makeExtraHole(random);
        scene.holes.push_back(*scene.changedHole);
        break;
    }
    return scene;
}

} // namespace patchead
