#include "dataset/KShotSelection.h"

#include "common/Error.h"

#include <numeric>
#include <random>
#include <utility>

namespace patchead {

namespace {

// Uniform value in [0, bound) from raw 32-bit outputs by rejection sampling.
quint32 drawBelow(std::mt19937 &engine, quint32 bound)
{
    const quint64 range = quint64(1) << 32;
    const quint64 limit = range - range % bound;
    quint64 value = engine();
    while (value >= limit)
        value = engine();
    return quint32(value % bound);
}

} // namespace

std::vector<int> selectKShotIndices(int count, int k, quint32 seed)
{
    if (k < 1 || k > count)
        throw SettingsError(QStringLiteral("K-shot selection of %1 images out of %2 is impossible. "
                                           "Choose K between 1 and the number of training images.")
                                .arg(k)
                                .arg(count));

    std::vector<int> indices(size_t(count), 0);
    std::iota(indices.begin(), indices.end(), 0);
    std::mt19937 engine(seed);
    for (int i = 0; i < k; ++i) {
        const int j = i + int(drawBelow(engine, quint32(count - i)));
        std::swap(indices[size_t(i)], indices[size_t(j)]);
    }
    indices.resize(size_t(k));
    return indices;
}

QStringList selectKShot(const QStringList &images, int k, quint32 seed)
{
    QStringList selected;
    for (int index : selectKShotIndices(int(images.size()), k, seed))
        selected.append(images[index]);
    return selected;
}

} // namespace patchead
