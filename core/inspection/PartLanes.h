#pragma once

#include "store/LotRecords.h"

#include <QStringList>
#include <atomic>
#include <functional>

namespace patchead {

// Scores `paths` on `lanes` threads and hands each part to `commit` on the
// calling thread as soon as a lane finishes it, so the commit order may
// differ from the path order. A lane takes no part while 2 x `lanes` parts
// are taken but not committed. Once `cancel` is set no lane takes another
// part, but parts already taken are still scored and committed, so at most
// 2 x `lanes` parts are committed after the cancel. When `score` or
// `commit` throws, the lanes stop after their current part and the first
// exception is rethrown here. Returns the number of parts committed.
int runPartLanes(const QStringList &paths, int lanes, const std::function<PartRecord(const QString &)> &score,
                 const std::function<void(PartRecord &)> &commit, const std::atomic<bool> *cancel);

} // namespace patchead
