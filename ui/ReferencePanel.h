#pragma once

#include <QWidget>

class QLabel;
class QListWidget;
class QListWidgetItem;
class QPushButton;

namespace patchead::ui {

struct ReferenceScoreResult;

// The known-good sample images: dropped in from a file manager (files or
// folders) or added with a dialog, shown as thumbnails with their
// leave-one-out scores. The reference with the largest score is
// highlighted, since an odd sample among the good ones raises every
// threshold. The list is remembered with QSettings.
class ReferencePanel : public QWidget {
    Q_OBJECT

public:
    enum Role {
        PathRole = Qt::UserRole,
        LeaveOneOutRole,  // double, absent until scored
        ThumbnailRole,    // true once the thumbnail (or the reason it failed) is shown
    };

    explicit ReferencePanel(QWidget *parent = nullptr);

    QStringList paths() const;
    // Adds image files and the supported images inside folders; skips
    // duplicates and other files. Returns the number added.
    int addPaths(const QStringList &paths);
    void removeSelected();
    void clear();

    // Shows leave-one-out scores (matched by path) and the derived
    // thresholds; ignored when the references changed since the request.
    void setResult(const ReferenceScoreResult &result);
    void clearScores();
    // A line under the thumbnails: progress, a hint or an error.
    void setStatus(const QString &text);

    // Path of the highlighted reference (largest leave-one-out score), or empty.
    QString highlightedPath() const { return mHighlighted; }
    QListWidget *listWidget() const { return mList; }
    QLabel *statusLabel() const { return mStatus; }
    QLabel *summaryLabel() const { return mSummary; }

signals:
    void referencesChanged();
    void scoreRequested();

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dragMoveEvent(QDragMoveEvent *event) override;
    void dropEvent(QDropEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void addWithDialog();
    void addFolderWithDialog();
    void loadThumbnail(QListWidgetItem *item);
    void updateItemText(QListWidgetItem *item);
    void save() const;
    void onChanged();

    QListWidget *mList;
    QLabel *mStatus;
    QLabel *mSummary;
    QPushButton *mRemove;
    QString mHighlighted;
};

} // namespace patchead::ui
