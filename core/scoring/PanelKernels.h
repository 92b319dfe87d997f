#pragma once

#include <vector>

namespace patchead {

// Register-blocked kernels shared by the nearest-patch searches
// (FusedMaxSimilarity.h, ConeBoundSearch.h). Bank patches are packed in
// panels of kPanelWidth, channel by channel: panel[k * 16 + j] is channel k
// of patch j. A panel is multiplied with up to kBlockRows queries at a
// time, so the 6 x 16 block of products stays in 12 of the 16 AVX registers.
constexpr int kPanelWidth = 16;
constexpr int kBlockRows = 6;
constexpr int kFloatsPerRegister = 8;

// Whether this CPU runs the kernels (x86-64 with AVX2 and FMA).
bool panelKernelsAvailable();

// Packs patches first .. first + count - 1 of a row-after-row array into
// panels. Columns past the end repeat the last patch, which leaves every
// maximum as it is.
void packPanels(const float *patches, int channels, int first, int count, std::vector<float> &panels);

// Packs the patches at `indices` (count of them) in that order, padded the
// same way.
void packPanels(const float *patches, int channels, const int *indices, int count, std::vector<float> &panels);

// Folds the products of `rows` (1 to kBlockRows) queries, row after row,
// with `panelCount` panels into running maxima: kFloatsPerRegister floats per
// query, whose largest is the query's maximum so far. Every product sums its
// channels in order with one FMA each, so a product has the same value
// whichever kernel or panel order computed it.
void foldPanels(const float *queries, int rows, int channels, const float *panels, int panelCount, float *running);

// Folds all `count` queries, 6 rows at a time, into `panelCount` panels:
// running has kFloatsPerRegister floats per query.
void foldAllQueries(const float *queries, int count, int channels, const float *panels, int panelCount,
                    float *running);

// Writes the products of `rows` queries with `panelCount` panels:
// products[r * stride + p * 16 + j] is query r times patch j of panel p.
void panelProducts(const float *queries, int rows, int channels, const float *panels, int panelCount,
                   float *products, int stride);

// target[i] = max(target[i], values[i]) for i < count, 8 at a time.
void maxInto(float *target, const float *values, int count);

// Runs the cone test of ConeBoundSearch.h for one query against `groups`
// groups, 8 at a time: reach[g] = max(reach[g], product[g] - (cos[g] best -
// sin[g] bestSine - margin), -cos[g] - best). Afterwards reach[g] >= 0
// where group g may contain a product above `best`.
void foldConeReach(const float *products, const float *cosRadii, const float *sinRadii, int groups, float best,
                   float bestSine, float margin, float *reach);

} // namespace patchead
