#pragma once

#include <QDialog>

class QAction;
class QTableWidget;

namespace patchead::ui {

// Help > Keyboard shortcuts: every action of the main window that has a
// shortcut, grouped by menu, with all of its key sequences.
class ShortcutsDialog : public QDialog {
    Q_OBJECT

public:
    // groups: (menu title, actions of that menu)
    ShortcutsDialog(const QList<QPair<QString, QList<QAction *>>> &groups, QWidget *parent = nullptr);

    QTableWidget *table() const { return mTable; }

private:
    QTableWidget *mTable;
};

} // namespace patchead::ui
