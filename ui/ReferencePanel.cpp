#include "ReferencePanel.h"

#include "ImageConversion.h"
#include "ReferenceScorer.h"
#include "UiLogging.h"
#include "common/Error.h"
#include "imaging/ImageLoader.h"
#include "inspection/LotInspection.h"

#include <QDir>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QListWidget>
#include <QMimeData>
#include <QPushButton>
#include <QSet>
#include <QSettings>
#include <QStyle>
#include <QVBoxLayout>
#include <QtConcurrent>
#include <algorithm>
#include <opencv2/imgproc.hpp>

namespace patchead::ui {

namespace {

const QString kPathsKey = QStringLiteral("references/paths");
constexpr int kThumbnailSide = 112;

// A thumbnail, or a null image and the reason it could not be made.
struct Thumbnail {
    QImage image;
    QString error;
};

Thumbnail makeThumbnail(const QString &path, int side)
{
    Thumbnail thumbnail;
    try {
        const cv::Mat rgb = loadImage(path).rgb;
        const double scale = static_cast<double>(side) / std::max(rgb.cols, rgb.rows);
        cv::Mat small;
        cv::resize(rgb, small, cv::Size(), std::min(1.0, scale), std::min(1.0, scale), cv::INTER_AREA);
        thumbnail.image = imageFromRgb(small);
    } catch (const Error &error) {
        thumbnail.error = error.message();
    }
    return thumbnail;
}

bool isSupportedImage(const QString &path)
{
    return QDir::match(supportedImagePatterns(), QFileInfo(path).fileName());
}

QStringList localPaths(const QMimeData *mime)
{
    QStringList paths;
    if (!mime || !mime->hasUrls())
        return paths;
    for (const QUrl &url : mime->urls()) {
        if (url.isLocalFile())
            paths << url.toLocalFile();
    }
    return paths;
}

} // namespace

ReferencePanel::ReferencePanel(QWidget *parent)
    : QWidget(parent),
      mList(new QListWidget(this)),
      mStatus(new QLabel(this)),
      mSummary(new QLabel(this)),
      mRemove(new QPushButton(tr("Remove"), this))
{
    setAcceptDrops(true);
    mList->setViewMode(QListView::IconMode);
    mList->setIconSize(QSize(kThumbnailSide, kThumbnailSide));
    mList->setGridSize(QSize(kThumbnailSide + 48, kThumbnailSide + 56));
    mList->setResizeMode(QListView::Adjust);
    mList->setMovement(QListView::Static);
    mList->setWordWrap(true);
    mList->setSelectionMode(QAbstractItemView::ExtendedSelection);
    // Drops go to the panel, which also takes folders.
    mList->setAcceptDrops(false);
    mList->viewport()->setAcceptDrops(false);
    mList->setDragEnabled(false);
    mList->installEventFilter(this);
    mList->setToolTip(tr("Drop good-sample images or a folder here. Delete removes the selected images."));

    auto *add = new QPushButton(tr("&Add images…"), this);
    auto *addFolder = new QPushButton(tr("Add f&older…"), this);
    auto *score = new QPushButton(tr("&Score references"), this);
    score->setToolTip(tr("Score each reference against the others (leave-one-out) with the current settings"));
    mRemove->setEnabled(false);
    connect(add, &QPushButton::clicked, this, &ReferencePanel::addWithDialog);
    connect(addFolder, &QPushButton::clicked, this, &ReferencePanel::addFolderWithDialog);
    connect(mRemove, &QPushButton::clicked, this, &ReferencePanel::removeSelected);
    connect(score, &QPushButton::clicked, this, &ReferencePanel::scoreRequested);
    connect(mList, &QListWidget::itemSelectionChanged, this,
            [this] { mRemove->setEnabled(!mList->selectedItems().isEmpty()); });

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(add);
    buttons->addWidget(addFolder);
    buttons->addWidget(mRemove);
    buttons->addStretch(1);
    buttons->addWidget(score);

    mSummary->setWordWrap(true);
    mStatus->setWordWrap(true);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(buttons);
    layout->addWidget(mList, 1);
    layout->addWidget(mSummary);
    layout->addWidget(mStatus);

    addPaths(QSettings().value(kPathsKey).toStringList());
}

QStringList ReferencePanel::paths() const
{
    QStringList result;
    for (int row = 0; row < mList->count(); ++row)
        result << mList->item(row)->data(PathRole).toString();
    return result;
}

int ReferencePanel::addPaths(const QStringList &paths)
{
    QStringList files;
    for (const QString &path : paths) {
        const QFileInfo info(path);
        if (info.isDir()) {
            files << LotInspection::listImages(info.absoluteFilePath());
        } else if (info.isFile() && isSupportedImage(path)) {
            files << info.absoluteFilePath();
        } else {
            qCInfo(lcUi) << "Not added as a reference (not a supported image or folder):" << path;
        }
    }

    const QStringList existing = this->paths();
    QSet<QString> known(existing.begin(), existing.end());
    int added = 0;
    for (const QString &file : files) {
        if (known.contains(file))
            continue;
        known.insert(file);
        auto *item = new QListWidgetItem(mList);
        item->setData(PathRole, file);
        item->setToolTip(file);
        item->setIcon(style()->standardIcon(QStyle::SP_FileIcon));
        updateItemText(item);
        loadThumbnail(item);
        ++added;
    }
    if (added > 0)
        onChanged();
    return added;
}

void ReferencePanel::removeSelected()
{
    const QList<QListWidgetItem *> selected = mList->selectedItems();
    if (selected.isEmpty())
        return;
    qDeleteAll(selected);
    onChanged();
}

void ReferencePanel::clear()
{
    if (mList->count() == 0)
        return;
    mList->clear();
    onChanged();
}

void ReferencePanel::onChanged()
{
    clearScores();
    save();
    emit referencesChanged();
}

void ReferencePanel::save() const
{
    QSettings().setValue(kPathsKey, paths());
}

void ReferencePanel::addWithDialog()
{
    const QString filter = tr("Images (%1)").arg(supportedImagePatterns().join(QLatin1Char(' ')));
    const QStringList files = QFileDialog::getOpenFileNames(this, tr("Add good-sample images"), QString(), filter);
    addPaths(files);
}

void ReferencePanel::addFolderWithDialog()
{
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Add the images of a folder"));
    if (!folder.isEmpty())
        addPaths({folder});
}

void ReferencePanel::loadThumbnail(QListWidgetItem *item)
{
    auto *watcher = new QFutureWatcher<Thumbnail>(this);
    const QString path = item->data(PathRole).toString();
    connect(watcher, &QFutureWatcher<Thumbnail>::finished, this, [this, watcher, path] {
        watcher->deleteLater();
        const Thumbnail thumbnail = watcher->result();
        // The item may have been removed while the thumbnail loaded.
        for (int row = 0; row < mList->count(); ++row) {
            QListWidgetItem *item = mList->item(row);
            if (item->data(PathRole).toString() != path)
                continue;
            item->setData(ThumbnailRole, true);
            if (thumbnail.image.isNull()) {
                item->setIcon(style()->standardIcon(QStyle::SP_MessageBoxWarning));
                item->setToolTip(thumbnail.error);
            } else {
                QPixmap pixmap = QPixmap::fromImage(thumbnail.image);
                pixmap.setDevicePixelRatio(devicePixelRatioF());
                item->setIcon(QIcon(pixmap));
            }
        }
    });
    watcher->setFuture(QtConcurrent::run(makeThumbnail, path, qRound(kThumbnailSide * devicePixelRatioF())));
}

void ReferencePanel::updateItemText(QListWidgetItem *item)
{
    const QString name = QFileInfo(item->data(PathRole).toString()).fileName();
    const QVariant score = item->data(LeaveOneOutRole);
    if (!score.isValid()) {
        item->setText(name);
        return;
    }
    const bool highest = item->data(PathRole).toString() == mHighlighted;
    item->setText(highest ? tr("%1\n%2 (highest)").arg(name).arg(score.toDouble(), 0, 'f', 4)
                          : tr("%1\n%2").arg(name).arg(score.toDouble(), 0, 'f', 4));
}

void ReferencePanel::clearScores()
{
    mHighlighted.clear();
    mSummary->clear();
    for (int row = 0; row < mList->count(); ++row) {
        QListWidgetItem *item = mList->item(row);
        item->setData(LeaveOneOutRole, QVariant());
        item->setFont(font());
        item->setBackground(QBrush());
        updateItemText(item);
    }
}

void ReferencePanel::setResult(const ReferenceScoreResult &result)
{
    if (result.requestedPaths != paths())
        return;
    clearScores();
    double highestScore = -1.0;
    for (const ReferenceImage &image : result.images) {
        if (result.images.size() > 1 && image.leaveOneOutScore > highestScore) {
            highestScore = image.leaveOneOutScore;
            mHighlighted = image.path;
        }
    }

    QFont bold = font();
    bold.setBold(true);
    QColor highlight = palette().color(QPalette::Highlight);
    highlight.setAlpha(70);
    for (int row = 0; row < mList->count(); ++row) {
        QListWidgetItem *item = mList->item(row);
        const QString path = item->data(PathRole).toString();
        const auto image = std::find_if(result.images.begin(), result.images.end(),
                                        [&path](const ReferenceImage &candidate) { return candidate.path == path; });
        if (image != result.images.end() && result.images.size() > 1)
            item->setData(LeaveOneOutRole, image->leaveOneOutScore);
        const auto rejected = std::find_if(result.rejected.begin(), result.rejected.end(),
                                           [&path](const RejectedInput &candidate) { return candidate.path == path; });
        if (rejected != result.rejected.end()) {
            item->setIcon(style()->standardIcon(QStyle::SP_MessageBoxWarning));
            item->setToolTip(tr("Not usable: %1").arg(rejected->reason));
        }
        if (path == mHighlighted) {
            item->setFont(bold);
            item->setBackground(highlight);
            item->setToolTip(tr("%1\nLargest leave-one-out score: the least typical good sample. "
                                "Check that it is really good; it sets the thresholds.").arg(path));
        }
        updateItemText(item);
    }

    QStringList lines;
    if (result.thresholds) {
        lines << tr("Thresholds from these references: review %1, reject %2 (%3).")
                     .arg(result.thresholds->review, 0, 'f', 4)
                     .arg(result.thresholds->reject, 0, 'f', 4)
                     .arg(result.thresholds->rule);
    } else if (!result.thresholdMessage.isEmpty()) {
        lines << result.thresholdMessage;
    }
    if (!result.alignment.reason.isEmpty())
        lines << tr("Alignment: %1").arg(result.alignment.reason);
    if (!result.rejected.empty())
        lines << tr("%n reference(s) not usable; hover over the marked thumbnails for the reason.", nullptr,
                    static_cast<int>(result.rejected.size()));
    mSummary->setText(lines.join(QLatin1Char('\n')));
}

void ReferencePanel::setStatus(const QString &text)
{
    mStatus->setText(text);
}

void ReferencePanel::dragEnterEvent(QDragEnterEvent *event)
{
    if (!localPaths(event->mimeData()).isEmpty())
        event->acceptProposedAction();
}

void ReferencePanel::dragMoveEvent(QDragMoveEvent *event)
{
    if (!localPaths(event->mimeData()).isEmpty())
        event->acceptProposedAction();
}

void ReferencePanel::dropEvent(QDropEvent *event)
{
    const QStringList paths = localPaths(event->mimeData());
    if (paths.isEmpty())
        return;
    event->acceptProposedAction();
    try {
        const int added = addPaths(paths);
        if (added == 0)
            setStatus(tr("No new supported images among the dropped files."));
    } catch (const Error &error) {
        setStatus(error.message());
    }
}

bool ReferencePanel::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == mList && event->type() == QEvent::KeyPress) {
        const auto *key = static_cast<QKeyEvent *>(event);
        if (key->key() == Qt::Key_Delete || key->key() == Qt::Key_Backspace) {
            removeSelected();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace patchead::ui
