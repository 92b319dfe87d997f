#pragma once

// Helpers shared by the benchmark cases: case parameters, timing, peak
// memory, and the images and encoder every case uses.

#include "encoder/Encoder.h"

#include <QHash>
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <memory>
#include <vector>

namespace patchead::bench {

// Parameters of one case, given as key=value arguments on the command line
// so that the orchestrator can start every case in a process of its own.
class CaseParameters {
public:
    static CaseParameters parse(const QStringList &arguments); // throws SettingsError
    QString text(const QString &key, const QString &fallback = {}) const;
    int integer(const QString &key, int fallback) const;       // throws SettingsError
    QStringList toArguments() const;
    void set(const QString &key, const QString &value) { mValues.insert(key, value); }

private:
    QHash<QString, QString> mValues;
};

// Median of a list of durations or rates; 0 for an empty list.
double median(std::vector<double> values);

// Peak resident set size of this process (VmHWM in /proc/self/status) in
// MiB, or -1 where /proc is not mounted.
double peakResidentMiB();

// Seconds since an arbitrary start, from a monotonic clock.
double monotonicSeconds();

// Loads the encoder named by parameter "model" (the default encoder when
// absent) on the CPU, after applying the thread count in parameter
// "threads" (0 = every core).
std::unique_ptr<Encoder> loadBenchEncoder(const CaseParameters &parameters);

// The first `count` images of a folder, sorted by name; throws SettingsError
// when the folder holds fewer.
QStringList firstImages(const QString &folder, int count);

// Images of every sub-folder of an MVTec AD test folder, sorted by path.
QStringList mvtecTestImages(const QString &categoryFolder);

// Prints one JSON object on a line of its own, which the orchestrator reads.
void emitResult(const QJsonObject &result);

} // namespace patchead::bench
