#pragma once

#include "inspection/MaskPreview.h"

#include <QFutureWatcher>
#include <QWidget>
#include <memory>

class QLabel;
class QToolButton;

namespace patchead::ui {

class MaskCanvas;
class SettingsPanel;
struct MaskPreviewCache;
struct MaskPreviewResult;

// The foreground mask of one reference or part image under the settings
// panel's current settings, with tools to draw the region of interest and
// ignore regions on it. The mask is computed with QtConcurrent on a pool
// thread, one request at a time: a request made while one runs replaces any
// waiting one, and results of superseded requests are dropped. The image's
// patch features are kept, so a change of the mask settings alone only
// recomputes the mask. Other settings, another image or another encoder
// encode the image again.
class MaskPreviewPanel : public QWidget {
    Q_OBJECT

public:
    // The settings panel must outlive this panel. Drawn regions are written
    // into its mask settings.
    explicit MaskPreviewPanel(SettingsPanel *settings, QWidget *parent = nullptr);
    ~MaskPreviewPanel() override;

    // Shows an image file (a reference or a lot part) and computes its mask.
    void showImage(const QString &path);
    QString imagePath() const { return mImagePath; }

    // The last mask shown, and whether a newer one is being computed.
    const MaskPreview &preview() const { return mPreview; }
    bool isComputing() const { return mRunning || mPending; }
    // Number of times the image was encoded, against the cache.
    int encodeCount() const { return mEncodeCount; }

    MaskCanvas *canvas() const { return mCanvas; }
    QLabel *statusLabel() const { return mStatus; }
    QToolButton *regionOfInterestButton() const { return mRoiButton; }
    QToolButton *ignoreRegionButton() const { return mIgnoreButton; }
    QToolButton *deleteRegionButton() const { return mDeleteButton; }

signals:
    // The mask (or the reason there is none) for the current request is shown.
    void previewUpdated();

private:
    QWidget *createToolBar();
    void syncRegionsFromSettings();
    void requestUpdate();
    void startJob();
    void onJobFinished();
    void showResult(const MaskPreviewResult &result);

    SettingsPanel *mSettings;
    MaskCanvas *mCanvas;
    QLabel *mTitle;
    QLabel *mStatus;
    QToolButton *mRoiButton;
    QToolButton *mIgnoreButton;
    QToolButton *mDeleteButton;
    QString mImagePath;

    // Used by one pool thread at a time. The GUI thread touches it only
    // through the job it starts.
    std::shared_ptr<MaskPreviewCache> mCache;
    QFutureWatcher<MaskPreviewResult> *mWatcher;
    quint64 mGeneration = 0;
    bool mRunning = false;
    bool mPending = false;
    int mEncodeCount = 0;
    MaskPreview mPreview;
};

} // namespace patchead::ui
