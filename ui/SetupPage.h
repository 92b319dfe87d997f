#pragma once

#include <QWidget>

class QLineEdit;
class QPushButton;
class QTimer;

namespace patchead::ui {

class MaskPreviewPanel;
class ReferencePanel;
class ReferenceScorer;
class SettingsPanel;
struct ReferenceScoreResult;

// The set-up screen: the good samples with their leave-one-out scores, the
// foreground mask of the selected image, the encoder and scoring settings, and the lot to inspect (folder and name)
// with the button that starts the run. References are re-scored shortly
// after they or the settings change, on a worker thread.
class SetupPage : public QWidget {
    Q_OBJECT

public:
    explicit SetupPage(QWidget *parent = nullptr);

    ReferencePanel *referencePanel() const { return mReferences; }
    SettingsPanel *settingsPanel() const { return mSettings; }
    MaskPreviewPanel *maskPreview() const { return mMaskPreview; }
    ReferenceScorer *scorer() const { return mScorer; }
    QLineEdit *lotFolderEdit() const { return mLotFolder; }
    QLineEdit *lotNameEdit() const { return mLotName; }
    QPushButton *runButton() const { return mRun; }

    QString lotFolder() const;
    QString lotName() const;
    // Sets the folder and, unless the user typed one, the lot name from it.
    void setLotFolder(const QString &folder);
    void setRunning(bool running);

    // Re-scores the references automatically after changes (on by default).
    void setAutoScore(bool enabled) { mAutoScore = enabled; }
    // Starts scoring the references now with the current settings.
    void scoreReferences();

signals:
    void runRequested();

private:
    QWidget *createLotGroup();
    void browseLotFolder();
    void scheduleScoring();
    void onScored(const ReferenceScoreResult &result);

    ReferencePanel *mReferences;
    SettingsPanel *mSettings;
    MaskPreviewPanel *mMaskPreview;
    ReferenceScorer *mScorer;
    QTimer *mScoreTimer;
    QLineEdit *mLotFolder;
    QLineEdit *mLotName;
    QPushButton *mRun;
    bool mAutoScore = true;
    bool mNameEdited = false;
};

} // namespace patchead::ui
