#include "synthetic/SamplePart.h"

#include "common/Error.h"
#include "synthetic/Defects.h"
#include "synthetic/FlangeModel.h"
#include "synthetic/SplitMix64.h"

namespace patchead {

namespace {

// Samples per pixel along each axis; edges and fine tool marks are averaged
// over kSubsamples^2 points.
constexpr int kSubsamples = 2;

struct SampleValue {
    cv::Vec3f colour;
    bool changed = false; // the defect altered this sample
};

SampleValue shadeSample(const FlangeModel &model, const DefectScene &scene, const cv::Point2d &q)
{
    const cv::Point2d p = model.toPart(q);
    SampleValue sample{model.shade(p, q), false};
    if (scene.changedHole
        && vectorLength(p - scene.changedHole->centre) < changedHoleReach(*scene.changedHole))
        sample.changed = true;
    if (scene.surface) {
        const float coverage = scene.surface->coverage(p);
        if (coverage > 0.0f && model.isMetal(p)) {
            const cv::Vec3f painted = scene.surface->paint(sample.colour, p, model);
            sample.colour = sample.colour * (1.0f - coverage) + painted * coverage;
            sample.changed = true;
        }
    }
    return sample;
}

// Returns linear RGB (CV_32FC3) with the exposure gain applied, and marks in
// `mask` every pixel that has a changed sample.
cv::Mat renderLinear(const FlangeModel &model, const DefectScene &scene, double gain, cv::Mat &mask)
{
    const int size = mask.rows;
    const double pixel = 1.0 / size;
    const float weight = float(gain / (kSubsamples * kSubsamples));
    cv::Mat linear(size, size, CV_32FC3);
    for (int y = 0; y < size; ++y) {
        for (int x = 0; x < size; ++x) {
            cv::Vec3f sum(0.0f, 0.0f, 0.0f);
            bool changed = false;
            for (int sy = 0; sy < kSubsamples; ++sy) {
                for (int sx = 0; sx < kSubsamples; ++sx) {
                    const cv::Point2d q((x + (sx + 0.5) / kSubsamples) * pixel - 0.5,
                                        (y + (sy + 0.5) / kSubsamples) * pixel - 0.5);
                    const SampleValue sample = shadeSample(model, scene, q);
                    sum += sample.colour;
                    changed = changed || sample.changed;
                }
            }
            linear.at<cv::Vec3f>(y, x) = sum * weight;
            if (changed)
                mask.at<uchar>(y, x) = 255;
        }
    }
    return linear;
}

// Adds Gaussian sensor noise whose variance grows with the signal (read
// noise plus shot noise): sigma = sqrt(0.003^2 + 0.00006 v) for v in [0, 1],
// about 1.6 grey levels at mid grey. Draws one value per channel in raster
// order, so the noise is the same with and without a defect.
cv::Mat quantiseWithNoise(const cv::Mat &linear, quint64 seed)
{
    SplitMix64 random(seed);
    cv::Mat rgb(linear.size(), CV_8UC3);
    for (int y = 0; y < linear.rows; ++y) {
        for (int x = 0; x < linear.cols; ++x) {
            const cv::Vec3f &value = linear.at<cv::Vec3f>(y, x);
            cv::Vec3b &out = rgb.at<cv::Vec3b>(y, x);
            for (int c = 0; c < 3; ++c) {
                const double sigma = std::sqrt(9e-6 + 6e-5 * std::max(0.0f, value[c]));
                const double noisy = value[c] + sigma * random.normal();
                out[c] = uchar(std::clamp(std::lround(noisy * 255.0), 0L, 255L));
            }
        }
    }
    return rgb;
}

} // namespace

QString defectTypeName(DefectType type)
{
    switch (type) {
    case DefectType::None:
        return QStringLiteral("good");
    case DefectType::Scratch:
        return QStringLiteral("scratch");
    case DefectType::Dent:
        return QStringLiteral("dent");
    case DefectType::Stain:
        return QStringLiteral("stain");
    case DefectType::MissingHole:
        return QStringLiteral("missing_hole");
    case DefectType::ExtraHole:
        return QStringLiteral("extra_hole");
    case DefectType::Crack:
        return QStringLiteral("crack");
    case DefectType::Contamination:
        return QStringLiteral("contamination");
    }
    return {};
}

QVector<DefectType> allDefectTypes()
{
    return {DefectType::Scratch,   DefectType::Dent,  DefectType::Stain,        DefectType::MissingHole,
            DefectType::ExtraHole, DefectType::Crack, DefectType::Contamination};
}

SamplePart makeSamplePart(quint32 lotSeed, PartStream stream, int index, DefectType defect)
{
    const quint64 streamSeed = SplitMix64::derive(lotSeed, quint64(stream));
    SplitMix64 random(SplitMix64::derive(streamSeed, quint64(index)));
    SamplePart part;
    part.pose.angleDegrees = random.uniform(-4.0, 4.0);
    part.pose.shiftX = random.uniform(-0.015, 0.015);
    part.pose.shiftY = random.uniform(-0.015, 0.015);
    part.pose.gain = random.uniform(0.93, 1.07);
    part.pose.lightDegrees = random.uniform(-4.0, 4.0);
    part.pose.surfaceSeed = random.next();
    part.pose.noiseSeed = random.next();
    part.defect = defect;
    part.defectSeed = random.next();
    return part;
}

RenderedPart renderSamplePart(const SamplePart &part, int imageSize)
{
    if (imageSize < 64 || imageSize > 8192) {
        throw SettingsError(QStringLiteral("sample part image size %1 is outside 64 to 8192 pixels; "
                                           "choose a size in that range")
                                .arg(imageSize));
    }
    const DefectScene scene = buildDefectScene(part.defect, part.defectSeed);
    const FlangeModel model(part.pose, scene.holes);
    RenderedPart rendered;
    rendered.mask = cv::Mat::zeros(imageSize, imageSize, CV_8UC1);
    const cv::Mat linear = renderLinear(model, scene, part.pose.gain, rendered.mask);
    rendered.rgb = quantiseWithNoise(linear, part.pose.noiseSeed);
    return rendered;
}

} // namespace patchead
