#include "LotsBrowser.h"

#include "AuditView.h"
#include "LotDocument.h"
#include "UiLogging.h"
#include "common/Error.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>

namespace patchead::ui {

namespace {

QStandardItem *textItem(const QString &text)
{
    auto *item = new QStandardItem(text);
    item->setEditable(false);
    item->setToolTip(text);
    return item;
}

QStandardItem *numberItem(double value, const QString &text)
{
    auto *item = textItem(text);
    item->setData(value, Qt::UserRole);
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

} // namespace

LotsBrowser::LotsBrowser(LotDocument *document, QWidget *parent)
    : QWidget(parent),
      mDocument(document),
      mModel(new QStandardItemModel(0, ColumnCount, this)),
      mTable(new QTableView(this)),
      mHeading(new QLabel(this)),
      mOpen(new QPushButton(tr("&Open lot"), this)),
      mAudit(new AuditView(this))
{
    mModel->setHorizontalHeaderLabels({tr("Lot"), tr("Created"), tr("Status"), tr("Parts"), tr("Pass"), tr("Review"),
                                       tr("Fail"), tr("Error"), tr("Reject at"), tr("Review at"), tr("Encoder"),
                                       tr("Folder")});
    mTable->setModel(mModel);
    mTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    mTable->setSelectionMode(QAbstractItemView::SingleSelection);
    mTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    mTable->setAlternatingRowColors(true);
    mTable->setWordWrap(false);
    mTable->verticalHeader()->hide();
    mTable->horizontalHeader()->setStretchLastSection(true);
    mTable->setToolTip(tr("Double-click a lot, or press Enter, to review it"));
    connect(mTable, &QTableView::activated, this, &LotsBrowser::activateSelected);
    connect(mTable->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &LotsBrowser::showSelectedAudit);

    mOpen->setEnabled(false);
    connect(mOpen, &QPushButton::clicked, this, &LotsBrowser::activateSelected);
    auto *refreshButton = new QPushButton(tr("Refre&sh"), this);
    connect(refreshButton, &QPushButton::clicked, this, &LotsBrowser::refresh);

    auto *top = new QHBoxLayout;
    top->addWidget(mHeading, 1);
    top->addWidget(refreshButton);
    top->addWidget(mOpen);

    auto *auditBox = new QWidget(this);
    auto *auditLayout = new QVBoxLayout(auditBox);
    auditLayout->setContentsMargins(0, 0, 0, 0);
    auditLayout->addWidget(new QLabel(tr("History of the selected lot:"), auditBox));
    auditLayout->addWidget(mAudit);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(mTable);
    splitter->addWidget(auditBox);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(splitter, 1);

    connect(document, &LotDocument::databaseChanged, this, &LotsBrowser::refresh);
    connect(document, &LotDocument::lotRecordChanged, this, &LotsBrowser::refresh);
    refresh();
}

void LotsBrowser::refresh()
{
    const qint64 selected = selectedLotId();
    mModel->removeRows(0, mModel->rowCount());
    LotStore *store = mDocument->store();
    if (!store) {
        mHeading->setText(tr("No database is open. Use File > Open database."));
        mAudit->showLot(nullptr, 0);
        return;
    }
    QVector<LotRecord> lots;
    try {
        lots = store->lots();
        for (const LotRecord &lot : lots) {
            const LotCounts counts = store->counts(lot.id);
            QList<QStandardItem *> row{
                textItem(lot.name),
                textItem(QLocale().toString(lot.createdAt.toLocalTime(), QLocale::ShortFormat)),
                textItem(lot.status),
                numberItem(counts.total, QString::number(counts.total)),
                numberItem(counts.pass, QString::number(counts.pass)),
                numberItem(counts.review, QString::number(counts.review)),
                numberItem(counts.fail, QString::number(counts.fail)),
                numberItem(counts.error, QString::number(counts.error)),
                numberItem(lot.rejectThreshold, QString::number(lot.rejectThreshold, 'f', 4)),
                numberItem(lot.reviewThreshold, QString::number(lot.reviewThreshold, 'f', 4)),
                textItem(lot.modelName),
                textItem(lot.folder),
            };
            row.front()->setData(lot.id, LotIdRole);
            mModel->appendRow(row);
        }
    } catch (const StoreError &error) {
        qCWarning(lcUi) << "Cannot list the lots:" << error.message();
        mHeading->setText(error.message());
        return;
    }
    mHeading->setText(tr("%n lot(s) in %1", nullptr, lots.size()).arg(store->path()));
    mTable->resizeColumnsToContents();

    for (int row = 0; row < mModel->rowCount(); ++row) {
        if (mModel->item(row)->data(LotIdRole).toLongLong() == selected)
            mTable->selectRow(row);
    }
    mOpen->setEnabled(selectedLotId() != 0);
    showSelectedAudit();
}

qint64 LotsBrowser::selectedLotId() const
{
    const QModelIndex current = mTable->selectionModel()->currentIndex();
    if (!current.isValid())
        return 0;
    return mModel->item(current.row())->data(LotIdRole).toLongLong();
}

void LotsBrowser::activateSelected()
{
    if (const qint64 lotId = selectedLotId())
        emit lotActivated(lotId);
}

void LotsBrowser::showSelectedAudit()
{
    const qint64 lotId = selectedLotId();
    mOpen->setEnabled(lotId != 0);
    mAudit->showLot(mDocument->store(), lotId);
}

} // namespace patchead::ui
