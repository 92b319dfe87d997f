#include "LotView.h"

#include "LotDocument.h"
#include "PartTableModel.h"
#include "VerdictStyle.h"

#include <QComboBox>
#include <QHeaderView>
#include <QLabel>
#include <QTableView>
#include <QVBoxLayout>

namespace patchead::ui {

LotView::LotView(LotDocument *document, QWidget *parent)
    : QWidget(parent),
      mDocument(document),
      mModel(new PartTableModel(document, this)),
      mFilterModel(new PartFilterModel(this)),
      mFilterBox(new QComboBox(this)),
      mTable(new QTableView(this)),
      mSummary(new QLabel(this))
{
    mFilterModel->setSourceModel(mModel);

    mFilterBox->addItem(tr("Flagged (review, fail, error)"), static_cast<int>(PartFilter::Flagged));
    mFilterBox->addItem(tr("Flagged, undecided"), static_cast<int>(PartFilter::Undecided));
    mFilterBox->addItem(tr("Fail"), static_cast<int>(PartFilter::Fail));
    mFilterBox->addItem(tr("Review band"), static_cast<int>(PartFilter::ReviewBand));
    mFilterBox->addItem(tr("Errors"), static_cast<int>(PartFilter::Errors));
    mFilterBox->addItem(tr("All parts"), static_cast<int>(PartFilter::All));
    mFilterBox->setCurrentIndex(mFilterBox->count() - 1);
    mFilterBox->setToolTip(tr("Which parts the table lists"));
    connect(mFilterBox, &QComboBox::currentIndexChanged, this, [this] {
        mFilterModel->setFilter(static_cast<PartFilter>(mFilterBox->currentData().toInt()));
        updateSummary();
    });

    mTable->setModel(mFilterModel);
    mTable->setSortingEnabled(true);
    mTable->sortByColumn(PartTableModel::ScoreColumn, Qt::DescendingOrder);
    mTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    mTable->setSelectionMode(QAbstractItemView::SingleSelection);
    mTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    mTable->setAlternatingRowColors(true);
    mTable->setWordWrap(false);
    // Part files of one lot usually share a prefix and differ in the serial
    // number at the end, so a narrow column keeps the end of the name: with
    // the middle cut, a lot of 400 parts read "part....png" on every row.
    mTable->setTextElideMode(Qt::ElideLeft);
    mTable->verticalHeader()->hide();
    mTable->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    mTable->horizontalHeader()->setSectionResizeMode(PartTableModel::FileColumn, QHeaderView::Stretch);
    for (int column = PartTableModel::ScoreColumn; column < PartTableModel::ColumnCount; ++column)
        mTable->horizontalHeader()->setSectionResizeMode(column, QHeaderView::ResizeToContents);
    mTable->setToolTip(tr("Arrow keys move through the parts; click a header to sort"));
    connect(mTable->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &LotView::onCurrentChanged);

    connect(mFilterModel, &QAbstractItemModel::rowsInserted, this, &LotView::updateSummary);
    connect(mFilterModel, &QAbstractItemModel::rowsRemoved, this, &LotView::updateSummary);
    connect(mFilterModel, &QAbstractItemModel::modelReset, this, &LotView::updateSummary);
    connect(mFilterModel, &QAbstractItemModel::modelReset, this, &LotView::onCurrentChanged);

    auto *filterRow = new QHBoxLayout;
    auto *filterLabel = new QLabel(tr("&Show:"), this);
    filterLabel->setBuddy(mFilterBox);
    filterRow->addWidget(filterLabel);
    filterRow->addWidget(mFilterBox, 1);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(filterRow);
    layout->addWidget(mTable, 1);
    layout->addWidget(mSummary);
    updateSummary();
}

qint64 LotView::currentPartId() const
{
    return mTable->currentIndex().isValid() ? mTable->currentIndex().data(PartTableModel::PartIdRole).toLongLong() : 0;
}

bool LotView::selectPart(qint64 partId)
{
    const int sourceRow = mModel->rowOfPart(partId);
    if (sourceRow < 0)
        return false;
    const QModelIndex proxy = mFilterModel->mapFromSource(mModel->index(sourceRow, 0));
    if (!proxy.isValid())
        return false;
    selectProxyRow(proxy.row());
    return true;
}

void LotView::setFilter(PartFilter filter)
{
    const int index = mFilterBox->findData(static_cast<int>(filter));
    if (index >= 0)
        mFilterBox->setCurrentIndex(index);
}

bool LotView::selectNextFlagged()
{
    const qint64 partId = flaggedNeighbour(+1);
    return partId != 0 && selectPart(partId);
}

bool LotView::selectPreviousFlagged()
{
    const qint64 partId = flaggedNeighbour(-1);
    return partId != 0 && selectPart(partId);
}

qint64 LotView::flaggedNeighbour(int step) const
{
    const int rows = mFilterModel->rowCount();
    const int current = mTable->currentIndex().isValid() ? mTable->currentIndex().row() : (step > 0 ? -1 : rows);
    for (int row = current + step; row >= 0 && row < rows; row += step) {
        const QModelIndex index = mFilterModel->index(row, 0);
        if (isFlagged(static_cast<Verdict>(index.data(PartTableModel::VerdictRole).toInt())))
            return index.data(PartTableModel::PartIdRole).toLongLong();
    }
    return 0;
}

void LotView::selectProxyRow(int row)
{
    const QModelIndex index = mFilterModel->index(row, 0);
    mTable->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    mTable->scrollTo(index);
}

void LotView::onCurrentChanged()
{
    const qint64 partId = currentPartId();
    if (partId == mCurrentPartId)
        return;
    mCurrentPartId = partId;
    emit currentPartChanged(partId);
}

void LotView::updateSummary()
{
    mSummary->setText(tr("%1 of %2 parts shown").arg(mFilterModel->rowCount()).arg(mModel->rowCount()));
}

} // namespace patchead::ui
