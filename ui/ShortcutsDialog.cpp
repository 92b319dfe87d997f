#include "ShortcutsDialog.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

namespace patchead::ui {

namespace {

QString plainText(const QAction *action)
{
    QString text = action->text();
    text.remove(QLatin1Char('&'));
    if (text.endsWith(QStringLiteral("…")))
        text.chop(1);
    return text;
}

QString shortcutText(const QAction *action)
{
    QStringList keys;
    for (const QKeySequence &sequence : action->shortcuts()) {
        if (!sequence.isEmpty())
            keys << sequence.toString(QKeySequence::NativeText);
    }
    return keys.join(QStringLiteral(", "));
}

} // namespace

ShortcutsDialog::ShortcutsDialog(const QList<QPair<QString, QList<QAction *>>> &groups, QWidget *parent)
    : QDialog(parent), mTable(new QTableWidget(0, 2, this))
{
    setWindowTitle(tr("Keyboard shortcuts"));
    mTable->setHorizontalHeaderLabels({tr("Action"), tr("Keys")});
    mTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    mTable->setSelectionMode(QAbstractItemView::NoSelection);
    mTable->verticalHeader()->hide();
    mTable->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    mTable->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);

    for (const auto &[menu, actions] : groups) {
        const int headingRow = mTable->rowCount();
        mTable->insertRow(headingRow);
        auto *heading = new QTableWidgetItem(menu);
        QFont bold = heading->font();
        bold.setBold(true);
        heading->setFont(bold);
        mTable->setItem(headingRow, 0, heading);
        mTable->setSpan(headingRow, 0, 1, 2);
        for (const QAction *action : actions) {
            if (shortcutText(action).isEmpty())
                continue;
            const int row = mTable->rowCount();
            mTable->insertRow(row);
            mTable->setItem(row, 0, new QTableWidgetItem(plainText(action)));
            mTable->setItem(row, 1, new QTableWidgetItem(shortcutText(action)));
        }
    }

    auto *note = new QLabel(tr("Review keys act on the part selected in the lot table. After Accept or Reject "
                               "the next flagged part is selected."), this);
    note->setWordWrap(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(mTable, 1);
    layout->addWidget(note);
    layout->addWidget(buttons);
    resize(460, 520);
}

} // namespace patchead::ui
