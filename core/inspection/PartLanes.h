#pragma once

#include "store/LotRecords.h"

#include <QStringList>
#include <atomic>
#include <functional>

namespace patchead {

// Scores `paths` on `lanes` threads and hands each part to `commit` on the
// calling thread as soon as a lane finishes it, so the commit order may
// differ from the path order. Once `cancel` is set no lane takes another
// part, but parts already scored are still committed. When `score` or `commit`
// throws, the lanes stop after their current part and the first exception
// is rethrown here. Returns the number of parts committed.
int runPartLanes(const QStringList &paths, int lanes, const std::function<PartRecord(const QString &)> &score,
                 const std::function<void(PartRecord &)> &commit, const std::atomic<bool> *cancel);

} // namespace patchead
