#include "MaskPreviewPanel.h"

#include "ImageConversion.h"
#include "JobSupport.h"
#include "MaskCanvas.h"
#include "SettingsPanel.h"
#include "UiLogging.h"
#include "common/Error.h"
#include "imaging/ImageLoader.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QLabel>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace patchead::ui {

// Inputs of one preview job, fixed when it starts.
struct MaskPreviewJob {
    quint64 generation = 0;
    QString imagePath;
    QString manifestPath;
    QString device;
    InspectionSettings settings;
};

struct MaskPreviewResult {
    quint64 generation = 0;
    QString imagePath;
    QImage image;            // null when the image could not be loaded
    MaskPreview mask;        // empty foreground when there is no mask to show
    MaskSource source = MaskSource::None;
    double backgroundWeight = 1.0;
    QString error;           // why there is no mask
    bool encoded = false;    // the features were computed, not taken from the cache
    double milliseconds = 0.0;
};

// The encoder, the loaded image and its patch features of the last job.
struct MaskPreviewCache {
    std::unique_ptr<Encoder> encoder;
    QString encoderKey;
    QString imagePath;
    QImage image;
    cv::Mat rgb;
    QString featuresKey;
    ImageFeatures features;
};

namespace {

// Every setting except the mask changes the features, so the key is the
// image, the encoder and the settings' JSON without the mask.
QString featuresKey(const MaskPreviewJob &job)
{
    QJsonObject settings = job.settings.toJson();
    settings.remove(QStringLiteral("mask"));
    const QFileInfo file(job.imagePath);
    return QStringList{job.imagePath, file.lastModified().toString(Qt::ISODateWithMs), job.manifestPath, job.device,
                       QString::fromUtf8(QJsonDocument(settings).toJson(QJsonDocument::Compact))}
        .join(QLatin1Char('\n'));
}

void loadImageInto(MaskPreviewCache &cache, const QString &path)
{
    if (cache.imagePath == path && !cache.rgb.empty())
        return;
    cache.imagePath.clear();
    cache.featuresKey.clear();
    cache.rgb = loadImage(path).rgb;
    cache.image = imageFromRgb(cache.rgb);
    cache.imagePath = path;
}

void encodeInto(MaskPreviewCache &cache, const MaskPreviewJob &job, MaskPreviewResult &result)
{
    const QString key = featuresKey(job);
    if (cache.featuresKey == key)
        return;
    const QString encoderKey = job.manifestPath + QLatin1Char('\n') + job.device;
    if (!cache.encoder || cache.encoderKey != encoderKey) {
        cache.encoder.reset();
        cache.encoder = loadEncoderForJob(job.manifestPath, job.device);
        cache.encoderKey = encoderKey;
    }
    cache.featuresKey.clear();
    cache.features = encodeForMaskPreview(*cache.encoder, job.settings, cache.rgb);
    cache.featuresKey = key;
    result.encoded = true;
}

// Runs on a pool thread. The panel starts one job at a time.
MaskPreviewResult computePreview(const std::shared_ptr<MaskPreviewCache> &cache, const MaskPreviewJob &job)
{
    QElapsedTimer timer;
    timer.start();
    MaskPreviewResult result;
    result.generation = job.generation;
    result.imagePath = job.imagePath;
    result.source = job.settings.mask.source;
    result.backgroundWeight = job.settings.mask.backgroundWeight;
    try {
        loadImageInto(*cache, job.imagePath);
        result.image = cache->image;
        encodeInto(*cache, job, result);
        result.mask = computeMaskPreview(cache->features, job.settings.mask);
    } catch (const Error &error) {
        result.error = error.message();
    } catch (const std::exception &error) {
        result.error = QString::fromLocal8Bit(error.what());
    }
    result.milliseconds = static_cast<double>(timer.nsecsElapsed()) / 1e6;
    return result;
}

} // namespace

MaskPreviewPanel::MaskPreviewPanel(SettingsPanel *settings, QWidget *parent)
    : QWidget(parent),
      mSettings(settings),
      mCanvas(new MaskCanvas(this)),
      mTitle(new QLabel(this)),
      mStatus(new QLabel(this)),
      mRoiButton(new QToolButton(this)),
      mIgnoreButton(new QToolButton(this)),
      mDeleteButton(new QToolButton(this)),
      mCache(std::make_shared<MaskPreviewCache>()),
      mWatcher(new QFutureWatcher<MaskPreviewResult>(this))
{
    mCanvas->setPlaceholderText(tr("Select a reference, or a part on the review page (Ctrl+M), to see its "
                                   "foreground mask."));
    mTitle->setTextInteractionFlags(Qt::TextSelectableByMouse);
    mStatus->setWordWrap(true);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(createToolBar());
    layout->addWidget(mCanvas, 1);
    layout->addWidget(mStatus);

    connect(mWatcher, &QFutureWatcher<MaskPreviewResult>::finished, this, &MaskPreviewPanel::onJobFinished);
    connect(mSettings, &SettingsPanel::settingsChanged, this, [this] {
        syncRegionsFromSettings();
        requestUpdate();
    });
    connect(mCanvas, &MaskCanvas::regionsEdited, mSettings, &SettingsPanel::setMaskRegions);
    connect(mCanvas, &MaskCanvas::selectionChanged, this, [this](int region) { mDeleteButton->setEnabled(region >= 0); });
    syncRegionsFromSettings();
}

MaskPreviewPanel::~MaskPreviewPanel() = default;

QWidget *MaskPreviewPanel::createToolBar()
{
    auto *bar = new QWidget(this);
    auto *row = new QHBoxLayout(bar);
    row->setContentsMargins(0, 0, 0, 0);
    mRoiButton->setText(tr("Region of &interest"));
    mRoiButton->setToolTip(tr("Drag on the image to set the region that is inspected; patches outside it are "
                              "background"));
    mIgnoreButton->setText(tr("I&gnore region"));
    mIgnoreButton->setToolTip(tr("Drag on the image to add a region that is never inspected"));
    for (QToolButton *button : {mRoiButton, mIgnoreButton}) {
        button->setCheckable(true);
        button->setAutoExclusive(true);
        button->setToolButtonStyle(Qt::ToolButtonTextOnly);
    }
    mRoiButton->setChecked(true);
    connect(mRoiButton, &QToolButton::toggled, this, [this](bool on) {
        if (on)
            mCanvas->setDrawMode(MaskCanvas::DrawMode::RegionOfInterest);
    });
    connect(mIgnoreButton, &QToolButton::toggled, this, [this](bool on) {
        if (on)
            mCanvas->setDrawMode(MaskCanvas::DrawMode::IgnoreRegion);
    });
    mDeleteButton->setText(tr("&Delete region"));
    mDeleteButton->setToolTip(tr("Remove the selected region (Delete)"));
    mDeleteButton->setEnabled(false);
    connect(mDeleteButton, &QToolButton::clicked, mCanvas, &MaskCanvas::deleteSelectedRegion);

    row->addWidget(mTitle, 1);
    row->addWidget(mRoiButton);
    row->addWidget(mIgnoreButton);
    row->addWidget(mDeleteButton);
    return bar;
}

void MaskPreviewPanel::showImage(const QString &path)
{
    if (path == mImagePath)
        return;
    mImagePath = path;
    mTitle->setText(QFileInfo(path).fileName());
    mTitle->setToolTip(path);
    requestUpdate();
}

void MaskPreviewPanel::syncRegionsFromSettings()
{
    try {
        const MaskSettings mask = mSettings->settings().mask;
        mCanvas->setRegions(mask.regionOfInterest, mask.ignoreRegions);
    } catch (const SettingsError &) {
        // Other settings are invalid, and requestUpdate shows why.
    }
}

void MaskPreviewPanel::requestUpdate()
{
    if (mImagePath.isEmpty())
        return;
    ++mGeneration;
    if (mRunning) {
        mPending = true;
        return;
    }
    startJob();
}

void MaskPreviewPanel::startJob()
{
    mPending = false;
    MaskPreviewJob job;
    job.generation = mGeneration;
    job.imagePath = mImagePath;
    job.manifestPath = mSettings->manifestPath();
    job.device = mSettings->device();
    try {
        job.settings = mSettings->settings();
    } catch (const SettingsError &error) {
        mStatus->setText(error.message());
        emit previewUpdated();
        return;
    }
    mRunning = true;
    mStatus->setText(tr("Computing the mask…"));
    mWatcher->setFuture(QtConcurrent::run(computePreview, mCache, job));
}

void MaskPreviewPanel::onJobFinished()
{
    mRunning = false;
    const MaskPreviewResult result = mWatcher->result();
    if (result.encoded)
        ++mEncodeCount;
    if (result.generation == mGeneration && !mPending)
        showResult(result);
    else
        qCDebug(lcUi) << "Dropped a superseded mask preview of" << result.imagePath;
    if (mPending)
        startJob();
}

void MaskPreviewPanel::showResult(const MaskPreviewResult &result)
{
    mCanvas->setImage(result.image);
    mPreview = result.mask;
    mCanvas->setMask(result.mask.foreground, result.backgroundWeight);
    if (!result.error.isEmpty()) {
        qCWarning(lcUi) << "Mask preview of" << result.imagePath << "failed:" << result.error;
        mStatus->setText(result.error);
    } else {
        const QString source = result.source == MaskSource::None
                                   ? tr("No mask: every patch counts fully.")
                                   : tr("%1 % of the %2 × %3 patches are foreground.")
                                         .arg(result.mask.foregroundShare * 100.0, 0, 'f', 0)
                                         .arg(result.mask.foreground.width)
                                         .arg(result.mask.foreground.height);
        mStatus->setText(tr("%1 Computed in %2 ms%3.")
                             .arg(source)
                             .arg(result.milliseconds, 0, 'f', 0)
                             .arg(result.encoded ? tr(", with encoding") : QString()));
    }
    emit previewUpdated();
}

} // namespace patchead::ui
