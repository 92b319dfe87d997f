#pragma once

#include <QWidget>

class QLabel;
class QPushButton;
class QStandardItemModel;
class QTableView;

namespace patchead::ui {

class AuditView;
class LotDocument;

// Every lot of the open database, newest first, with its date, status,
// counts and thresholds. Below the table are the audit log and threshold
// history of the selected lot. Double-click or Open reopens a lot for review.
class LotsBrowser : public QWidget {
    Q_OBJECT

public:
    enum Column {
        NameColumn, CreatedColumn, StatusColumn, PartsColumn, PassColumn, ReviewColumn, FailColumn,
        ErrorColumn, RejectColumn, ReviewThresholdColumn, ModelColumn, FolderColumn, ColumnCount
    };
    static constexpr int LotIdRole = Qt::UserRole + 1;

    explicit LotsBrowser(LotDocument *document, QWidget *parent = nullptr);

    // Re-reads the lots from the database.
    void refresh();
    QTableView *tableView() const { return mTable; }
    QStandardItemModel *model() const { return mModel; }
    AuditView *auditView() const { return mAudit; }
    // Id of the selected lot, or 0.
    qint64 selectedLotId() const;

signals:
    void lotActivated(qint64 lotId);

private:
    void activateSelected();
    void showSelectedAudit();

    LotDocument *mDocument;
    QStandardItemModel *mModel;
    QTableView *mTable;
    QLabel *mHeading;
    QPushButton *mOpen;
    AuditView *mAudit;
};

} // namespace patchead::ui
