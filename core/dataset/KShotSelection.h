#pragma once

#include <QStringList>
#include <QtGlobal>

#include <vector>

namespace patchead {

// Draws k distinct indices out of 0..count-1 at random, reproducibly: the
// same (count, k, seed) gives the same list with every compiler and standard
// library. The procedure avoids std::shuffle and
// std::uniform_int_distribution, whose output is implementation-defined:
//   1. std::mt19937 engine(seed), whose output sequence the C++ standard fixes.
//   2. A partial Fisher-Yates shuffle of 0..count-1: for i = 0..k-1, draw j
//      uniformly from [i, count) and swap entries i and j.
//   3. A draw from [0, n) takes 32-bit engine outputs u until
//      u < 2^32 - (2^32 mod n), then returns u mod n (rejection sampling, so
//      every value is equally likely).
// The first k entries are returned in draw order, so for one seed the
// selection for a smaller k is a prefix of the selection for a larger k.
// Throws SettingsError unless 1 <= k <= count.
std::vector<int> selectKShotIndices(int count, int k, quint32 seed);

// Returns the images at selectKShotIndices(images.size(), k, seed). Pass a
// list in a fixed order, such as the sorted DatasetCategory::trainImages,
// because the same seed selects other images from a reordered list.
QStringList selectKShot(const QStringList &images, int k, quint32 seed);

} // namespace patchead
