#pragma once

#include <QTabWidget>

class QTableWidget;

namespace patchead {
class LotStore;
}

namespace patchead::ui {

// The append-only audit log and the threshold history of one lot, read
// from the database (LotStore::auditLog, LotStore::thresholdHistory).
class AuditView : public QTabWidget {
    Q_OBJECT

public:
    explicit AuditView(QWidget *parent = nullptr);

    // Shows a lot's records; a null store or lot id 0 clears the view.
    // Read errors are shown in place of the rows.
    void showLot(patchead::LotStore *store, qint64 lotId);

    QTableWidget *auditTable() const { return mAudit; }
    QTableWidget *historyTable() const { return mHistory; }

private:
    void fillAudit(patchead::LotStore &store, qint64 lotId);
    void fillHistory(patchead::LotStore &store, qint64 lotId);

    QTableWidget *mAudit;
    QTableWidget *mHistory;
};

} // namespace patchead::ui
