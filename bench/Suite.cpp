#include "Suite.h"

#include "common/Error.h"
#include "encoder/EncoderLocation.h"
#include "synthetic/SampleLot.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTextStream>

namespace patchead::bench {

namespace {

QTextStream &console()
{
    static QTextStream stream(stdout);
    return stream;
}

// One child process to run: a case of this program, or the Python pipeline.
struct CaseRun {
    QString label;        // groups the repeats of one variant
    QString program;
    QStringList arguments;
};

struct SuiteContext {
    CaseParameters common;   // work, threads, model
    QString references;      // sample lot reference folder
    QString lot;             // sample lot part folder
    QString mvtec;           // MVTec screw category folder; empty when absent
    QString python;
    QString pythonScript;
    QString model;
    int repeats = 3;
    bool quick = false;
};

CaseRun benchCase(const SuiteContext &context, const QString &label, const QString &name,
                  const QStringList &extra)
{
    CaseParameters parameters = context.common;
    parameters.set(QStringLiteral("references"), context.references);
    parameters.set(QStringLiteral("lot"), context.lot);
    for (const QString &argument : extra) {
        const int equals = argument.indexOf(QLatin1Char('='));
        parameters.set(argument.left(equals), argument.mid(equals + 1));
    }
    return {label, QCoreApplication::applicationFilePath(),
            QStringList{QStringLiteral("case"), name} + parameters.toArguments()};
}

CaseRun pythonCase(const SuiteContext &context, const QString &label, int k, int parts)
{
    return {label, context.python,
            {context.pythonScript, QStringLiteral("--model"), context.model, QStringLiteral("--references"),
             context.references, QStringLiteral("--lot"), context.lot, QStringLiteral("--k"), QString::number(k),
             QStringLiteral("--parts"), QString::number(parts), QStringLiteral("--threads"),
             context.common.text(QStringLiteral("threads"))}};
}

// Starts one child and returns its RESULT object (with "error" on failure).
QJsonObject runChild(const CaseRun &run)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::SeparateChannels);
    process.start(run.program, run.arguments);
    process.waitForFinished(-1);
    const QString output = QString::fromUtf8(process.readAllStandardOutput());
    for (const QString &line : output.split(QLatin1Char('\n'))) {
        if (line.startsWith(QLatin1String("RESULT ")))
            return QJsonDocument::fromJson(line.mid(7).toUtf8()).object();
    }
    const QString errors = QString::fromUtf8(process.readAllStandardError()).right(2000);
    return {{QStringLiteral("error"), QStringLiteral("%1 exited with %2: %3")
                                           .arg(run.program).arg(process.exitCode()).arg(errors)}};
}

// The compared variants of the headline targets, repeated and interleaved so
// that a change in machine load hits every variant alike.
QList<CaseRun> comparedCases(const SuiteContext &context)
{
    const int parts = context.quick ? 16 : 40;
    const QString partsArgument = QStringLiteral("parts=%1").arg(parts);
    return {
        benchCase(context, QStringLiteral("forward"), QStringLiteral("forward"), {}),
        benchCase(context, QStringLiteral("stages k=8"), QStringLiteral("stages"), {QStringLiteral("k=8"), QStringLiteral("parts=20")}),
        benchCase(context, QStringLiteral("fewshot k=8 off"), QStringLiteral("fewshot"), {QStringLiteral("k=8"), partsArgument}),
        pythonCase(context, QStringLiteral("python k=8"), 8, parts),
    };
}

// Scaling and memory cases, run once each.
QList<CaseRun> scalingCases(const SuiteContext &context)
{
    QList<CaseRun> cases;
    const int parts = context.quick ? 16 : 40;
    for (int k : {1, 8, 32}) {
        for (const QString &alignment : {QStringLiteral("off"), QStringLiteral("always")})
            cases.append(benchCase(context, QStringLiteral("fewshot k=%1 %2").arg(k).arg(alignment), QStringLiteral("fewshot"),
                                   {QStringLiteral("k=%1").arg(k), QStringLiteral("alignment=") + alignment,
                                    QStringLiteral("parts=%1").arg(parts)}));
    }
    const QList<int> lotSizes = context.quick ? QList<int>{100, 300} : QList<int>{100, 1000};
    for (int size : lotSizes)
        cases.append(benchCase(context, QStringLiteral("memory %1 parts").arg(size), QStringLiteral("fewshot"),
                               {QStringLiteral("k=8"), QStringLiteral("parts=%1").arg(size)}));
    const QList<int> batchSizes = context.quick ? QList<int>{50} : QList<int>{50, 160, 500};
    for (int size : batchSizes)
        cases.append(benchCase(context, QStringLiteral("zeroshot %1 parts").arg(size), QStringLiteral("zeroshot"),
                               {QStringLiteral("parts=%1").arg(size)}));
    cases.append(benchCase(context, QStringLiteral("gemm"), QStringLiteral("gemm"), {}));
    if (!context.mvtec.isEmpty()) {
        const QString screwReferences = QDir(context.mvtec).filePath(QStringLiteral("train/good"));
        cases.append(benchCase(context, QStringLiteral("screw stages k=8"), QStringLiteral("stages"),
                               {QStringLiteral("k=8"), QStringLiteral("parts=20"), QStringLiteral("mvtec=") + context.mvtec,
                                QStringLiteral("references=") + screwReferences}));
        cases.append(benchCase(context, QStringLiteral("screw fewshot k=8 always"), QStringLiteral("fewshot"),
                               {QStringLiteral("k=8"), QStringLiteral("alignment=always"), QStringLiteral("parts=%1").arg(parts),
                                QStringLiteral("mvtec=") + context.mvtec, QStringLiteral("references=") + screwReferences}));
    }
    return cases;
}

SampleLotSummary prepareSampleLot(const QString &folder)
{
    SampleLotOptions options;
    options.referenceCount = 32;
    options.goodParts = 900;
    options.defectiveParts = 100;
    SampleLotSummary summary;
    summary.trainGoodDir = QDir(folder).filePath(options.categoryName + QStringLiteral("/train/good"));
    summary.lotDir = QDir(folder).filePath(QStringLiteral("lot"));
    if (QFileInfo::exists(QDir(folder).filePath(QStringLiteral("lot_labels.csv"))))
        return summary;
    console() << "Generating a 1000-part sample lot in " << folder << " (once)\n";
    console().flush();
    return generateSampleLot(folder, options);
}

SuiteContext suiteContext(const CaseParameters &parameters)
{
    SuiteContext context;
    const QString work = QDir(parameters.text(QStringLiteral("work"), QDir::temp().filePath(QStringLiteral("patchead-bench"))))
                             .absolutePath();
    if (!QDir().mkpath(work))
        throw SettingsError(QStringLiteral("Cannot create the work folder %1; choose another with work=DIR.").arg(work));
    const SampleLotSummary sample = prepareSampleLot(QDir(work).filePath(QStringLiteral("sample")));
    context.references = sample.trainGoodDir;
    context.lot = sample.lotDir;
    context.common.set(QStringLiteral("work"), work);
    context.common.set(QStringLiteral("threads"), QString::number(parameters.integer(QStringLiteral("threads"), 2)));
    context.model = parameters.text(QStringLiteral("model"), defaultEncoderManifest());
    context.common.set(QStringLiteral("model"), context.model);
    const QString mvtec = parameters.text(QStringLiteral("mvtec"), QStringLiteral(PATCHEAD_SOURCE_DIR "/../shared/data/mvtec_screw"));
    context.mvtec = QFileInfo::exists(QDir(mvtec).filePath(QStringLiteral("train/good"))) ? QDir(mvtec).absolutePath() : QString();
    context.python = parameters.text(QStringLiteral("python"), QStringLiteral("/usr/bin/python3"));
    context.pythonScript = QStringLiteral(PATCHEAD_SOURCE_DIR "/bench/python_reference_pipeline.py");
    context.repeats = parameters.integer(QStringLiteral("repeats"), 3);
    context.quick = parameters.text(QStringLiteral("suite"), QStringLiteral("full")) == QLatin1String("quick");
    return context;
}

void writeResults(const QString &path, const QJsonObject &results)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(results).toJson()) < 0)
        throw Error(QStringLiteral("Cannot write %1: %2. Check free space, or choose another work=DIR.").arg(path, file.errorString()));
}

} // namespace

int runSuite(const CaseParameters &parameters)
{
    const SuiteContext context = suiteContext(parameters);
    if (context.mvtec.isEmpty())
        console() << "MVTec screw not found; its cases are skipped (give mvtec=FOLDER).\n";
    QList<CaseRun> runs;
    for (int r = 0; r < context.repeats; ++r)
        runs.append(comparedCases(context));
    runs.append(scalingCases(context));

    QJsonObject results;
    const QString resultsPath = QDir(context.common.text(QStringLiteral("work"))).filePath(QStringLiteral("results.json"));
    const double suiteStart = monotonicSeconds();
    for (int i = 0; i < runs.size(); ++i) {
        const double start = monotonicSeconds();
        QJsonObject result = runChild(runs[i]);
        result[QStringLiteral("wall_s")] = monotonicSeconds() - start;
        QJsonArray repeats = results[runs[i].label].toArray();
        repeats.append(result);
        results[runs[i].label] = repeats;
        console() << QStringLiteral("[%1/%2] %3: %4 s%5\n").arg(i + 1).arg(runs.size()).arg(runs[i].label)
                         .arg(result[QStringLiteral("wall_s")].toDouble(), 0, 'f', 1)
                         .arg(result.contains(QStringLiteral("error")) ? QStringLiteral(" FAILED: ") + result[QStringLiteral("error")].toString() : QString());
        console().flush();
        results[QStringLiteral("suite_wall_s")] = monotonicSeconds() - suiteStart;
        results[QStringLiteral("threads")] = context.common.text(QStringLiteral("threads"));
        // Written after every case, so an interrupted run keeps what it measured.
        writeResults(resultsPath, results);
    }
    printSuiteTables(results, console());
    console() << "Raw results: " << resultsPath << "\n";
    return 0;
}

} // namespace patchead::bench
