#include "store/AnomalyMapBlob.h"

#include <QtEndian>
#include <cstring>

namespace patchead {

QByteArray encodeAnomalyMap(const std::vector<float> &values)
{
    QByteArray blob(qsizetype(values.size() * sizeof(float)), Qt::Uninitialized);
    char *out = blob.data();
    for (float value : values) {
        quint32 bits = 0;
        std::memcpy(&bits, &value, sizeof bits);
        qToLittleEndian(bits, out);
        out += sizeof bits;
    }
    return blob;
}

std::vector<float> decodeAnomalyMap(const QByteArray &blob, qsizetype expectedCount, bool &ok)
{
    ok = blob.size() == expectedCount * qsizetype(sizeof(float));
    if (!ok)
        return {};
    std::vector<float> values(static_cast<size_t>(expectedCount));
    const char *in = blob.constData();
    for (float &value : values) {
        const quint32 bits = qFromLittleEndian<quint32>(in);
        std::memcpy(&value, &bits, sizeof value);
        in += sizeof bits;
    }
    return values;
}

} // namespace patchead
