#pragma once

#include <QSortFilterProxyModel>

namespace patchead::ui {

// The subset of parts the lot view lists.
enum class PartFilter {
    All,
    Flagged,     // review, fail and error: what the operator looks at
    Fail,
    ReviewBand,  // between the review and the reject threshold
    Errors,      // images that could not be scored
    Undecided,   // flagged parts without an operator decision yet
};

// Filters the part table by verdict and sorts it by the model's SortRole,
// so that score columns sort as numbers.
class PartFilterModel : public QSortFilterProxyModel {
    Q_OBJECT

public:
    explicit PartFilterModel(QObject *parent = nullptr);

    PartFilter filter() const { return mFilter; }
    void setFilter(PartFilter filter);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    PartFilter mFilter = PartFilter::All;
};

} // namespace patchead::ui
