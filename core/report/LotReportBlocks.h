#pragma once

#include "report/LotReportData.h"
#include "report/ReportLayout.h"

namespace patchead {

class LotStore;

// Builds the blocks of a lot report in reading order: title, lot identity
// and verdict counts, histogram, thresholds, settings and encoder,
// references, then the part rows and the optional table of all parts. The
// store must outlive the blocks, because part rows read their anomaly maps
// while they are painted.
ReportBlocks buildLotReportBlocks(const ReportStyle &style, const LotStore &store, const LotReportData &data,
                                  const LotReportOptions &options);

} // namespace patchead
