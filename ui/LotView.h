#pragma once

#include "PartFilterModel.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QTableView;

namespace patchead::ui {

class LotDocument;
class PartTableModel;

// The parts of the open lot in a sortable, filterable table. Arrow keys
// move through the rows; the current row is the part under review.
class LotView : public QWidget {
    Q_OBJECT

public:
    explicit LotView(LotDocument *document, QWidget *parent = nullptr);

    QTableView *tableView() const { return mTable; }
    QComboBox *filterBox() const { return mFilterBox; }
    PartFilterModel *filterModel() const { return mFilterModel; }

    // Id of the current part, or 0.
    qint64 currentPartId() const;
    // Makes a part current if the filter shows it; returns false otherwise.
    bool selectPart(qint64 partId);
    void setFilter(PartFilter filter);

    // Moves to the next (previous) flagged part in the table's order,
    // starting after (before) the current row. Returns false at the end.
    bool selectNextFlagged();
    bool selectPreviousFlagged();
    // The id of the next (step +1) or previous (step -1) flagged part in
    // the table's order, or 0 when there is none.
    qint64 flaggedNeighbour(int step) const;

signals:
    // The current part changed; 0 when none is current.
    void currentPartChanged(qint64 partId);

private:
    void selectProxyRow(int row);
    void updateSummary();
    void onCurrentChanged();

    LotDocument *mDocument;
    PartTableModel *mModel;
    PartFilterModel *mFilterModel;
    QComboBox *mFilterBox;
    QTableView *mTable;
    QLabel *mSummary;
    qint64 mCurrentPartId = 0;
};

} // namespace patchead::ui
