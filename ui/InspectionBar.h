#pragma once

#include "inspection/LotInspection.h"

#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;

namespace patchead::ui {

// Formats a duration for progress text: "1 h 02 min", "3 min 05 s" or "12 s".
QString formatDuration(double seconds);

// The progress of a running inspection, shown under every page: a bar with
// stored and total parts, the ETA and failures, and a cancel button.
class InspectionBar : public QWidget {
    Q_OBJECT

public:
    explicit InspectionBar(QWidget *parent = nullptr);

    void setRunning(bool running);
    // A preparation stage: "encoder", "references" or, for batch zero-shot
    // lots, "encoding".
    void showStage(const QString &stage, int done, int total);
    void showProgress(const LotProgress &progress);
    // The last line of a run, kept until the next one starts.
    void showMessage(const QString &text);

    QProgressBar *progressBar() const { return mBar; }
    QPushButton *cancelButton() const { return mCancel; }
    QLabel *textLabel() const { return mText; }

signals:
    void cancelRequested();

private:
    QProgressBar *mBar;
    QLabel *mText;
    QPushButton *mCancel;
};

} // namespace patchead::ui
