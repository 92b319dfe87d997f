#include "ReportTestSupport.h"

#include <QFile>
#include <QImage>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTest>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace patchead::test {

bool writePartImage(const QString &path, int width, int height, int seed)
{
    cv::Mat image(height, width, CV_8UC3, cv::Scalar(40, 40 + seed % 20, 50));
    const cv::Point centre(width / 2, height / 2);
    const int radius = std::min(width, height) * 2 / 5;
    cv::circle(image, centre, radius, cv::Scalar(150 + seed % 60, 160, 170), cv::FILLED, cv::LINE_AA);
    cv::circle(image, centre, radius / 3, cv::Scalar(60, 60, 70), cv::FILLED, cv::LINE_AA);
    return cv::imwrite(QFile::encodeName(path).toStdString(), image);
}

std::vector<float> hotSpotMap(int mapWidth, int mapHeight, float base, float peak, int hotX, int hotY)
{
    std::vector<float> map(static_cast<std::size_t>(mapWidth) * mapHeight, base);
    map[static_cast<std::size_t>(hotY) * mapWidth + hotX] = peak;
    return map;
}

PartRecord scoredPart(qint64 lotId, const QString &path, double score, double reject, double review)
{
    PartRecord part;
    part.lotId = lotId;
    part.path = path;
    part.sha256 = QStringLiteral("%1").arg(qHash(path), 64, 16, QLatin1Char('0'));
    part.imageWidth = 96;
    part.imageHeight = 96;
    part.imageScore = score;
    part.verdict = verdictForScore(score, reject, review);
    part.mapWidth = 8;
    part.mapHeight = 8;
    part.anomalyMap = hotSpotMap(8, 8, static_cast<float>(score * 0.3), static_cast<float>(score), 5, 2);
    part.durationMs = 12.5;
    return part;
}

QString popplerTool(const QString &name)
{
    return QStandardPaths::findExecutable(name);
}

QByteArray runTool(const QString &program, const QStringList &arguments)
{
    QProcess process;
    process.start(program, arguments);
    if (!process.waitForFinished(60000)) {
        process.kill();
        process.waitForFinished();
        QTest::qFail(qPrintable(QStringLiteral("%1 did not finish within 60 s").arg(program)), __FILE__, __LINE__);
        return {};
    }
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        const QString message = QStringLiteral("%1 %2 exited with %3: %4")
                                    .arg(program, arguments.join(QLatin1Char(' ')))
                                    .arg(process.exitCode())
                                    .arg(QString::fromUtf8(process.readAllStandardError()));
        QTest::qFail(qPrintable(message), __FILE__, __LINE__);
        return {};
    }
    return process.readAllStandardOutput();
}

QString pdfText(const QString &pdfPath, int page)
{
    QStringList arguments{QStringLiteral("-enc"), QStringLiteral("UTF-8")};
    if (page > 0)
        arguments << QStringLiteral("-f") << QString::number(page) << QStringLiteral("-l") << QString::number(page);
    arguments << pdfPath << QStringLiteral("-");
    return QString::fromUtf8(runTool(popplerTool(QStringLiteral("pdftotext")), arguments));
}

int pdfPageCount(const QString &pdfPath)
{
    const QString info = QString::fromUtf8(runTool(popplerTool(QStringLiteral("pdfinfo")), {pdfPath}));
    const QRegularExpressionMatch match = QRegularExpression(QStringLiteral("Pages:\\s+(\\d+)")).match(info);
    return match.hasMatch() ? match.captured(1).toInt() : -1;
}

double inkFraction(const QString &imagePath)
{
    const QImage image = QImage(imagePath).convertToFormat(QImage::Format_Grayscale8);
    if (image.isNull())
        return 0.0;
    qint64 dark = 0;
    for (int y = 0; y < image.height(); ++y) {
        const uchar *line = image.constScanLine(y);
        for (int x = 0; x < image.width(); ++x)
            dark += line[x] < 235 ? 1 : 0;
    }
    return static_cast<double>(dark) / (static_cast<qint64>(image.width()) * image.height());
}

} // namespace patchead::test
