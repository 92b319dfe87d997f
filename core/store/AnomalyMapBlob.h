#pragma once

#include <QByteArray>
#include <vector>

namespace patchead {

// The stored form of an anomaly map: the float32 values in row-major order,
// each as 4 little-endian bytes whatever the host byte order, with no header
// (the width and height are columns of the parts table). Empty maps give an
// empty array, which is stored as NULL.
QByteArray encodeAnomalyMap(const std::vector<float> &values);

// Returns the values of a blob written by encodeAnomalyMap(), or an empty
// vector when the blob size is not 4 * expectedCount bytes.
std::vector<float> decodeAnomalyMap(const QByteArray &blob, qsizetype expectedCount, bool &ok);

} // namespace patchead
