// Fuzz target: the anomaly map blob decoder on blobs read from a lot
// database, which may be damaged or written by another program. The first
// two input bytes give the expected value count (little endian), the rest is
// the blob.

#include "FuzzSupport.h"

#include "store/AnomalyMapBlob.h"

#include <cstring>

using namespace patchead;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const qsizetype expectedCount = qsizetype(data[0]) | (qsizetype(data[1]) << 8);
    const QByteArray blob = fuzz::inputBytes(data + 2, size - 2);

    bool ok = false;
    const std::vector<float> values = decodeAnomalyMap(blob, expectedCount, ok);
    fuzz::require(ok == (blob.size() == expectedCount * 4), "a blob is accepted exactly when its size fits");
    if (!ok) {
        fuzz::require(values.empty(), "a rejected blob gives no values");
        return 0;
    }
    fuzz::require(qsizetype(values.size()) == expectedCount, "an accepted blob gives the expected count");
    // Encoding the values again gives the same bytes, NaN payloads included.
    const QByteArray again = encodeAnomalyMap(values);
    fuzz::require(again == blob, "a decoded blob encodes to the same bytes");
    return 0;
}
