#include "MetricFixtures.h"

#include <QFile>
#include <QJsonDocument>

namespace patchead::test {

QJsonObject loadMetricFixture(const QString &fileName)
{
    const QString path = QStringLiteral(PATCHEAD_SOURCE_DIR "/tests/fixtures/metrics/") + fileName;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        qWarning("Fixture %s not found; run tools/fixtures/make_metric_fixtures.py", qPrintable(path));
        return {};
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (!document.isObject())
        qWarning("Fixture %s is invalid: %s", qPrintable(path), qPrintable(parseError.errorString()));
    return document.object();
}

std::vector<double> toDoubles(const QJsonArray &values)
{
    std::vector<double> result;
    result.reserve(size_t(values.size()));
    for (const QJsonValue &value : values)
        result.push_back(value.toDouble());
    return result;
}

std::vector<int> toInts(const QJsonArray &values)
{
    std::vector<int> result;
    result.reserve(size_t(values.size()));
    for (const QJsonValue &value : values)
        result.push_back(value.toInt());
    return result;
}

cv::Mat toFloatMap(const QJsonArray &rows)
{
    const int width = rows.isEmpty() ? 0 : int(rows.first().toArray().size());
    cv::Mat map(int(rows.size()), width, CV_32FC1);
    for (int y = 0; y < map.rows; ++y) {
        const QJsonArray row = rows[y].toArray();
        for (int x = 0; x < map.cols; ++x)
            map.at<float>(y, x) = float(row[x].toDouble()); // exact: the values are float32
    }
    return map;
}

cv::Mat toMask(const QJsonArray &rows)
{
    const int width = rows.isEmpty() ? 0 : int(rows.first().toArray().size());
    cv::Mat mask(int(rows.size()), width, CV_8UC1);
    for (int y = 0; y < mask.rows; ++y) {
        const QJsonArray row = rows[y].toArray();
        for (int x = 0; x < mask.cols; ++x)
            mask.at<uchar>(y, x) = uchar(row[x].toInt());
    }
    return mask;
}

} // namespace patchead::test
