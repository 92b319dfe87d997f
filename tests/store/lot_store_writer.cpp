// Writes parts to a lot database in a loop for the crash test of
// test_lot_store. It prints the id of each part on its own line once
// savePart() has returned, so the test can kill it at any moment and check
// that every printed part survived.
//
// Usage: lot_store_writer DATABASE LOT_NAME RUN PART_COUNT

#include "common/Error.h"
#include "store/LotStore.h"

#include <cstdio>
#include <cstdlib>

using namespace patchead;

namespace {

qint64 findOrCreateLot(LotStore &store, const QString &name)
{
    if (const auto existing = store.findLot(name))
        return existing->id;
    LotRecord lot;
    lot.name = name;
    lot.folder = QStringLiteral("/lots/") + name;
    lot.rejectThreshold = 0.5;
    lot.reviewThreshold = 0.3;
    lot.status = QStringLiteral("running");
    return store.createLot(lot);
}

PartRecord makePart(qint64 lotId, int run, int index)
{
    PartRecord part;
    part.lotId = lotId;
    part.path = QStringLiteral("run%1/part_%2.png").arg(run).arg(index, 5, 10, QLatin1Char('0'));
    part.imageScore = 0.001 * index;
    part.verdict = verdictForScore(part.imageScore, 0.5, 0.3);
    part.mapWidth = 32;
    part.mapHeight = 32;
    part.anomalyMap.assign(32 * 32, float(part.imageScore));
    return part;
}

} // namespace

int main(int argc, char **argv)
{
    if (argc != 5) {
        std::fprintf(stderr, "Usage: %s DATABASE LOT_NAME RUN PART_COUNT\n", argv[0]);
        return 2;
    }
    const int run = std::atoi(argv[3]);
    const int partCount = std::atoi(argv[4]);
    try {
        const auto store = LotStore::open(QString::fromLocal8Bit(argv[1]));
        const qint64 lotId = findOrCreateLot(*store, QString::fromLocal8Bit(argv[2]));
        for (int index = 0; index < partCount; ++index) {
            PartRecord part = makePart(lotId, run, index);
            store->savePart(part);
            std::printf("%lld\n", static_cast<long long>(part.id));
            std::fflush(stdout);
        }
    } catch (const Error &error) {
        std::fprintf(stderr, "%s\n", error.what());
        return 1;
    }
    return 0;
}
