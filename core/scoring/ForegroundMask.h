#pragma once

#include "common/FeatureMap.h"

#include <QRectF>
#include <QString>
#include <QVector>
#include <opencv2/core.hpp>

namespace patchead {

// Source of the foreground mask of the image under test (PatchEAD+
// foreground masking, and AnomalyDINO's PCA variant).
enum class MaskSource {
    None,      // every patch counts fully
    Pca,       // first principal component of the image's own patch features
    Attention, // ViT last-block attention from CLS to each patch
    Region,    // the user's region of interest, ignore regions and/or mask image
};

struct MaskSettings {
    MaskSource source = MaskSource::None;
    // Score weight of background patches: 1 = no effect, 0 = hard mask.
    // 0.5 in the PatchEAD release.
    double backgroundWeight = 0.5;
    // PCA: threshold on the projection onto the first principal component,
    // in units of that projection's standard deviation (0 splits at the mean).
    double pcaThreshold = 0.0;
    // Attention: threshold after per-image min-max normalisation (release: 0.05).
    double attentionThreshold = 0.05;
    // Region: the region of interest and ignore regions, as fractions of the
    // image width and height (0..1). An empty region of interest means the
    // whole image. The mask image (white = inspect) is intersected with them.
    QRectF regionOfInterest;
    QVector<QRectF> ignoreRegions;
    QString maskImagePath;
};

QString maskSourceName(MaskSource source);          // "none", "pca", "attention", "region"
MaskSource maskSourceFromName(const QString &name); // throws SettingsError

// Foreground from PCA of one image's patch embeddings (AnomalyDINO, Damm et
// al., WACV 2025). The projection onto the first principal component is
// thresholded, and its sign is chosen so that the central patches are mostly
// foreground. A 3 x 3 dilation and closing follow. Returns 1 for foreground
// and 0 for background.
PatchGrid pcaForeground(const FeatureMap &patches, double threshold);

// Foreground from a CLS-to-patch attention grid: min-max normalised per
// image, then thresholded.
PatchGrid attentionForeground(const PatchGrid &attention, double threshold);

// Foreground from the user's regions and mask image, sampled on a patch grid
// of the given size: a patch is foreground when more than half of its area is.
// Throws ImageError when the mask image cannot be read.
PatchGrid regionForeground(const MaskSettings &settings, int gridHeight, int gridWidth);

// Score weights from a foreground grid: 1 inside, backgroundWeight outside.
PatchGrid maskWeights(const PatchGrid &foreground, double backgroundWeight);

} // namespace patchead
