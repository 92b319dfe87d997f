#include "PartFilterModel.h"

#include "PartTableModel.h"
#include "VerdictStyle.h"

namespace patchead::ui {

PartFilterModel::PartFilterModel(QObject *parent) : QSortFilterProxyModel(parent)
{
    setSortRole(PartTableModel::SortRole);
    setDynamicSortFilter(true);
}

void PartFilterModel::setFilter(PartFilter filter)
{
    if (filter == mFilter)
        return;
    mFilter = filter;
    invalidateRowsFilter();
}

bool PartFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    const auto verdict = static_cast<Verdict>(index.data(PartTableModel::VerdictRole).toInt());
    const auto decision = static_cast<OperatorVerdict>(index.data(PartTableModel::OperatorVerdictRole).toInt());
    switch (mFilter) {
    case PartFilter::All: return true;
    case PartFilter::Flagged: return isFlagged(verdict);
    case PartFilter::Fail: return verdict == Verdict::Fail;
    case PartFilter::ReviewBand: return verdict == Verdict::Review;
    case PartFilter::Errors: return verdict == Verdict::Error;
    case PartFilter::Undecided: return isFlagged(verdict) && decision == OperatorVerdict::None;
    }
    return true;
}

} // namespace patchead::ui
