#include "UiTestSupport.h"

#include "inspection/InspectionSettings.h"

#include <QCoreApplication>
#include <QDir>
#include <QDragEnterEvent>
#include <QFileInfo>
#include <QImage>
#include <QJsonDocument>
#include <QMimeData>
#include <QPainter>
#include <QPainterPath>
#include <QRandomGenerator>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QUrl>
#include <QWidget>
#include <QtMath>

namespace patchead::uitest {

namespace {

double uniform(QRandomGenerator &random, double low, double high)
{
    return low + random.bounded(high - low);
}

} // namespace

void isolateSettings()
{
    // A settings folder per process, so test executables that CTest runs in
    // parallel do not share one settings file.
    static QTemporaryDir settingsFolder;
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, settingsFolder.path());
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, settingsFolder.path());
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("PatchEAD-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("patchead-ui-tests"));
    QSettings().clear();
}

QString writePartImage(const QString &path, int side, quint32 seed, bool defective)
{
    QRandomGenerator random(seed);
    QImage image(side, side, QImage::Format_RGB32);
    image.fill(QColor(38, 40, 44));
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);

    const double scale = side / 100.0;
    const QPointF centre(side / 2.0 + uniform(random, -2.0, 2.0) * scale, side / 2.0 + uniform(random, -2.0, 2.0) * scale);
    const int light = 170 + random.bounded(-12, 12);
    QRadialGradient steel(centre - QPointF(12, 12) * scale, 48 * scale);
    steel.setColorAt(0.0, QColor(light + 40, light + 42, light + 45));
    steel.setColorAt(1.0, QColor(light - 60, light - 58, light - 55));
    painter.setPen(QPen(QColor(80, 84, 90), 1.5 * scale));
    painter.setBrush(steel);
    painter.drawEllipse(centre, 38 * scale, 38 * scale);
    painter.setBrush(QColor(light - 20, light - 18, light - 16));
    painter.drawEllipse(centre, 18 * scale, 18 * scale);
    painter.setBrush(QColor(38, 40, 44));
    painter.drawEllipse(centre, 8 * scale, 8 * scale);

    const double turn = uniform(random, -4.0, 4.0);
    for (int hole = 0; hole < 6; ++hole) {
        const double angle = qDegreesToRadians(turn + 60.0 * hole);
        const QPointF at = centre + QPointF(std::cos(angle), std::sin(angle)) * 28 * scale;
        painter.drawEllipse(at, 3.5 * scale, 3.5 * scale);
    }

    if (defective) {
        const double angle = random.bounded(360.0);
        const QPointF start = centre + QPointF(std::cos(angle), std::sin(angle)) * 22 * scale;
        const QPointF end = start + QPointF(uniform(random, -12.0, 12.0), uniform(random, -12.0, 12.0)) * scale;
        painter.setPen(QPen(QColor(20, 18, 16), 2.2 * scale, Qt::SolidLine, Qt::RoundCap));
        painter.drawLine(start, end);
        painter.setPen(Qt::NoPen);
        painter.setBrush(QColor(250, 240, 210));
        painter.drawEllipse(end, 2.5 * scale, 2.5 * scale);
    }
    painter.end();

    QDir().mkpath(QFileInfo(path).absolutePath());
    image.save(path, "PNG");
    return QFileInfo(path).absoluteFilePath();
}

QStringList writePartImages(const QString &folder, const QString &prefix, int count, int side, quint32 seed,
                            int defectiveEvery)
{
    QStringList paths;
    for (int index = 0; index < count; ++index) {
        const bool defective = defectiveEvery > 0 && index % defectiveEvery == defectiveEvery - 1;
        const QString name = QStringLiteral("%1_%2.png").arg(prefix).arg(index, 3, 10, QLatin1Char('0'));
        paths << writePartImage(QDir(folder).filePath(name), side, seed + static_cast<quint32>(index), defective);
    }
    return paths;
}

LotRecord createTestLot(LotStore &store, const QString &name, const QString &folder,
                        const QVector<TestPart> &parts, double reject, double review)
{
    InspectionSettings settings;
    settings.resolution = 64;
    settings.mapSigma = 1.0;

    LotRecord lot;
    lot.name = name;
    lot.folder = folder;
    lot.operatorName = QStringLiteral("tester");
    lot.settingsJson = QString::fromUtf8(QJsonDocument(settings.toJson()).toJson(QJsonDocument::Compact));
    lot.modelName = QStringLiteral("test-encoder-without-manifest");
    lot.modelHash = QStringLiteral("0");
    lot.rejectThreshold = reject;
    lot.reviewThreshold = review;
    lot.thresholdRule = QStringLiteral("fixed by the test");
    lot.status = QStringLiteral("complete");
    store.createLot(lot);

    quint32 seed = 1;
    for (const TestPart &test : parts) {
        PartRecord part;
        part.lotId = lot.id;
        part.path = writePartImage(QDir(folder).filePath(test.fileName), 96, seed++, test.score >= reject);
        part.imageWidth = 96;
        part.imageHeight = 96;
        if (test.unreadable) {
            part.verdict = Verdict::Error;
            part.error = QStringLiteral("truncated file");
        } else {
            part.imageScore = test.score;
            part.verdict = verdictForScore(test.score, reject, review);
            part.mapWidth = 8;
            part.mapHeight = 8;
            part.anomalyMap.assign(64, static_cast<float>(test.score * 0.5));
            part.anomalyMap[2 * 8 + 5] = static_cast<float>(test.score * 1.5);
        }
        store.savePart(part);
    }
    return lot;
}

bool dropFiles(QWidget *target, const QStringList &paths, QPoint position)
{
    if (position.x() < 0)
        position = target->rect().center();
    QMimeData mime;
    QList<QUrl> urls;
    for (const QString &path : paths)
        urls << QUrl::fromLocalFile(path);
    mime.setUrls(urls);

    QDragEnterEvent enter(position, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(target, &enter);
    if (!enter.isAccepted())
        return false;
    QDragMoveEvent move(position, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(target, &move);
    QDropEvent drop(QPointF(position), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(target, &drop);
    return drop.isAccepted();
}

} // namespace patchead::uitest
