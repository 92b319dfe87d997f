#include "AuditView.h"

#include "common/Error.h"
#include "store/LotStore.h"

#include <QHeaderView>
#include <QJsonDocument>
#include <QTableWidget>

namespace patchead::ui {

namespace {

QTableWidget *recordTable(const QStringList &headers, QWidget *parent)
{
    auto *table = new QTableWidget(0, headers.size(), parent);
    table->setHorizontalHeaderLabels(headers);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setAlternatingRowColors(true);
    table->setWordWrap(false);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setStretchLastSection(true);
    return table;
}

void setRow(QTableWidget *table, int row, const QStringList &cells)
{
    for (int column = 0; column < cells.size(); ++column) {
        auto *item = new QTableWidgetItem(cells[column]);
        item->setToolTip(cells[column]);
        table->setItem(row, column, item);
    }
}

void showError(QTableWidget *table, const QString &message)
{
    table->setRowCount(1);
    setRow(table, 0, {message});
}

QString localTime(const QDateTime &time)
{
    return QLocale().toString(time.toLocalTime(), QLocale::ShortFormat);
}

QString change(double before, double after)
{
    return QStringLiteral("%1 → %2").arg(before, 0, 'f', 4).arg(after, 0, 'f', 4);
}

} // namespace

AuditView::AuditView(QWidget *parent)
    : QTabWidget(parent),
      mAudit(recordTable({tr("Time"), tr("Event"), tr("Details")}, this)),
      mHistory(recordTable({tr("Time"), tr("Reject threshold"), tr("Review threshold"), tr("Reason")}, this))
{
    addTab(mAudit, tr("Audit log"));
    addTab(mHistory, tr("Threshold history"));
}

void AuditView::showLot(LotStore *store, qint64 lotId)
{
    mAudit->setRowCount(0);
    mHistory->setRowCount(0);
    if (!store || lotId == 0)
        return;
    fillAudit(*store, lotId);
    fillHistory(*store, lotId);
}

void AuditView::fillAudit(LotStore &store, qint64 lotId)
{
    QVector<AuditEvent> events;
    try {
        events = store.auditLog(lotId);
    } catch (const StoreError &error) {
        showError(mAudit, error.message());
        return;
    }
    mAudit->setRowCount(events.size());
    for (int row = 0; row < events.size(); ++row) {
        const AuditEvent &event = events[row];
        const QByteArray details = QJsonDocument::fromJson(event.detailsJson.toUtf8()).toJson(QJsonDocument::Compact);
        setRow(mAudit, row, {localTime(event.at), event.event,
                             details.isEmpty() ? event.detailsJson : QString::fromUtf8(details)});
    }
    mAudit->resizeColumnsToContents();
}

void AuditView::fillHistory(LotStore &store, qint64 lotId)
{
    QVector<ThresholdChange> changes;
    try {
        changes = store.thresholdHistory(lotId);
    } catch (const StoreError &error) {
        showError(mHistory, error.message());
        return;
    }
    mHistory->setRowCount(changes.size());
    for (int row = 0; row < changes.size(); ++row) {
        const ThresholdChange &entry = changes[row];
        setRow(mHistory, row, {localTime(entry.changedAt), change(entry.oldReject, entry.newReject),
                               change(entry.oldReview, entry.newReview), entry.reason});
    }
    mHistory->resizeColumnsToContents();
}

} // namespace patchead::ui
