#include "CliTestSupport.h"

#include "synthetic/SamplePart.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace patchead::clitest {

int errorLineCount(const QString &output)
{
    int count = 0;
    for (const QString &line : output.split(QLatin1Char('\n')))
        count += line.startsWith(QLatin1String("Error: ")) ? 1 : 0;
    return count;
}

QString programPath(const QString &name)
{
    return QDir(QStringLiteral(PATCHEAD_BINARY_DIR "/bin")).filePath(name);
}

QString defaultEncoderFolder()
{
    const QString folder = QDir(qEnvironmentVariable("PATCHEAD_MODEL_DIR")).filePath(QStringLiteral("mobilenet_v2"));
    if (qEnvironmentVariableIsEmpty("PATCHEAD_MODEL_DIR") || !QFileInfo::exists(folder + QStringLiteral("/manifest.json")))
        return {};
    return folder;
}

CommandResult runPatchead(const QStringList &arguments, int timeoutMs)
{
    QProcess process;
    process.start(programPath(QStringLiteral("patchead")), arguments);
    CommandResult result;
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
    } else if (process.exitStatus() == QProcess::NormalExit) {
        result.exitCode = process.exitCode();
    }
    result.out = QString::fromUtf8(process.readAllStandardOutput());
    result.err = QString::fromUtf8(process.readAllStandardError());
    return result;
}

QStringList fastInspectOptions()
{
    return {QStringLiteral("--resolution"), QStringLiteral("128"), QStringLiteral("--alignment"), QStringLiteral("off"),
            QStringLiteral("--no-heatmaps"), QStringLiteral("--threads"), QStringLiteral("2"),
            QStringLiteral("--device"), QStringLiteral("cpu")};
}

QStringList inspectArguments(const QString &references, const QString &lot, const QString &database,
                             const QString &name, const QString &outFolder)
{
    return QStringList{QStringLiteral("inspect"), QStringLiteral("--references"), references,
                       QStringLiteral("--lot"), lot, QStringLiteral("--db"), database,
                       QStringLiteral("--name"), name, QStringLiteral("--out"), outFolder}
        + fastInspectOptions();
}

cv::Mat renderPart(int index, int side, bool defective)
{
    const PartStream stream = defective ? PartStream::TestDefective : PartStream::TestGood;
    const DefectType defect = defective ? DefectType::Scratch : DefectType::None;
    return renderSamplePart(makeSamplePart(20240901, stream, index, defect), side).rgb;
}

QString writeImage(const QString &path, const cv::Mat &image)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    std::vector<uchar> bytes;
    const std::string extension = QStringLiteral(".%1").arg(QFileInfo(path).suffix()).toStdString();
    if (!cv::imencode(extension, image, bytes))
        return {};
    return writeBytes(path, QByteArray(reinterpret_cast<const char *>(bytes.data()), int(bytes.size())));
}

QStringList writeParts(const QString &folder, const QString &prefix, int count, int side, int firstIndex)
{
    QStringList paths;
    for (int i = 0; i < count; ++i) {
        cv::Mat bgr;
        cv::cvtColor(renderPart(firstIndex + i, side), bgr, cv::COLOR_RGB2BGR);
        const QString name = QStringLiteral("%1_%2.png").arg(prefix).arg(i, 3, 10, QLatin1Char('0'));
        paths << QFileInfo(writeImage(QDir(folder).filePath(name), bgr)).absoluteFilePath();
    }
    return paths;
}

QString writeBytes(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
        return {};
    return path;
}

QVector<PartRecord> storedParts(const QString &database, const QString &lotName)
{
    if (!QFileInfo::exists(database))
        return {};
    const std::unique_ptr<LotStore> store = LotStore::open(database, LotStore::Mode::ReadOnly);
    const std::optional<LotRecord> lot = store->findLot(lotName);
    return lot ? store->parts(lot->id) : QVector<PartRecord>();
}

QMap<QString, PartRecord> partsByPath(const QVector<PartRecord> &parts)
{
    QMap<QString, PartRecord> byPath;
    for (const PartRecord &part : parts)
        byPath.insert(part.path, part);
    return byPath;
}

} // namespace patchead::clitest
