#include "EncoderLocator.h"

#include "UiLogging.h"
#include "common/Error.h"
#include "encoder/EncoderLocation.h"
#include "encoder/EncoderManifest.h"
#include "features/Preprocess.h"
#include "inspection/InspectionSettings.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

namespace patchead::ui {

namespace {

QJsonObject lotSettings(const LotRecord &lot)
{
    return QJsonDocument::fromJson(lot.settingsJson.toUtf8()).object();
}

bool manifestNamed(const QString &path, const QString &name, EncoderManifest *manifest)
{
    if (path.isEmpty() || !QFileInfo::exists(path))
        return false;
    try {
        *manifest = loadEncoderManifest(path);
    } catch (const Error &error) {
        qCDebug(lcUi) << "Skipping encoder manifest" << path << ":" << error.message();
        return false;
    }
    return manifest->name == name;
}

} // namespace

QString defaultManifestPath()
{
    return defaultEncoderManifest();
}

QString manifestForLot(const LotRecord &lot, const QString &preferred)
{
    EncoderManifest manifest;
    if (manifestNamed(preferred, lot.modelName, &manifest))
        return preferred;
    for (const QString &folder : encoderSearchFolders()) {
        const QDir dir(folder);
        for (const QString &entry : dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
            const QString candidate = dir.filePath(entry + QStringLiteral("/manifest.json"));
            if (manifestNamed(candidate, lot.modelName, &manifest))
                return candidate;
        }
    }
    return QString();
}

cv::Size LotInputGeometry::inputSizeFor(const cv::Size &imageSize) const
{
    return map.mapInputSizeFor(imageSize);
}

LotInputGeometry inputGeometryForLot(const LotRecord &lot, const QString &preferredManifest)
{
    LotInputGeometry geometry;
    geometry.map = MapGeometry::fromLotSettings(lotSettings(lot));
    geometry.inputKnown = geometry.map.inputRecorded;
    if (geometry.inputKnown)
        return geometry;
    const QString manifestPath = manifestForLot(lot, preferredManifest);
    if (!manifestPath.isEmpty()) {
        try {
            geometry.map.input = loadEncoderManifest(manifestPath).input;
            geometry.inputKnown = true;
            return geometry;
        } catch (const Error &error) {
            qCWarning(lcUi) << "Cannot read encoder manifest" << manifestPath << ":" << error.message();
        }
    }
    // NOTE: a lot stored before its encoder input was recorded, whose encoder
    // is not found either, has its heatmaps smoothed at an assumed scale.
    qCInfo(lcUi) << "Encoder" << lot.modelName << "of lot" << lot.name
                 << "not found; rendering its heatmaps at an assumed input size";
    return geometry;
}

double mapSigmaForLot(const LotRecord &lot)
{
    return lotSettings(lot).value(QStringLiteral("map_sigma")).toDouble(InspectionSettings().mapSigma);
}

} // namespace patchead::ui
