#pragma once

#include "common/Error.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <QtTest>
#include <opencv2/core.hpp>

#include <vector>

// Readers for the JSON fixtures that tools/fixtures/make_metric_fixtures.py
// writes into tests/fixtures/metrics/, plus shared checks.

// Fails the current test (and returns) when |actual - expected| > tolerance,
// printing both values with full precision.
#define COMPARE_NEAR(actual, expected, tolerance)                                                  \
    QVERIFY2(qAbs(double(actual) - double(expected)) <= (tolerance),                               \
             qPrintable(QStringLiteral("%1 is %2, expected %3 (tolerance %4)")                     \
                            .arg(QStringLiteral(#actual))                                          \
                            .arg(double(actual), 0, 'g', 17)                                       \
                            .arg(double(expected), 0, 'g', 17)                                     \
                            .arg(tolerance)))

namespace patchead::test {

// Parses tests/fixtures/metrics/<fileName>; returns an empty object when the
// file is missing or invalid, after logging why with qWarning.
QJsonObject loadMetricFixture(const QString &fileName);

std::vector<double> toDoubles(const QJsonArray &values);
std::vector<int> toInts(const QJsonArray &values);

// A JSON array of rows as a CV_32FC1 map or a CV_8UC1 mask.
cv::Mat toFloatMap(const QJsonArray &rows);
cv::Mat toMask(const QJsonArray &rows);

// Runs the callable and returns the message of the SettingsError it throws,
// or an empty string when it throws nothing.
template <typename Callable>
QString settingsErrorMessage(Callable &&callable)
{
    try {
        callable();
    } catch (const SettingsError &error) {
        return error.message();
    }
    return QString();
}

} // namespace patchead::test
