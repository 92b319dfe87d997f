// patchead-bench: speed and memory of the inspection pipeline.
//
//   patchead-bench run [threads=2] [repeats=3] [suite=full|quick] [work=DIR] [mvtec=DIR] [model=MANIFEST]
//   patchead-bench report RESULTS.json
//   patchead-bench case NAME key=value ...
//
// "run" starts every case in a child process and prints Markdown tables;
// "case" runs one case and prints one RESULT line of JSON.
#include "Cases.h"
#include "Suite.h"

#include "common/Error.h"

#include <QCoreApplication>
#include <QTextStream>

#include <functional>
#include <map>

using namespace patchead::bench;

namespace {

const char *const kUsage =
    "Usage: patchead-bench run [threads=2] [repeats=3] [suite=full|quick] [work=DIR] [mvtec=DIR] [model=MANIFEST]\n"
    "       patchead-bench report RESULTS.json\n"
    "       patchead-bench case stages|forward|gemm|fewshot|zeroshot key=value ...\n"
    "\n"
    "run generates a 1000-part sample lot in work (default /tmp/patchead-bench) once, runs every case in a\n"
    "process of its own and prints Markdown tables. suite=quick runs smaller lots, for a check in minutes.\n";

int runCase(const QString &name, const CaseParameters &parameters)
{
    static const std::map<QString, std::function<void(const CaseParameters &)>> cases{
        {QStringLiteral("stages"), runStagesCase},   {QStringLiteral("forward"), runForwardCase},
        {QStringLiteral("gemm"), runGemmCase},       {QStringLiteral("fewshot"), runFewShotCase},
        {QStringLiteral("zeroshot"), runZeroShotCase},
    };
    const auto found = cases.find(name);
    if (found == cases.end())
        throw patchead::SettingsError(QStringLiteral("Unknown case \"%1\"; use stages, forward, gemm, fewshot or zeroshot.").arg(name));
    found->second(parameters);
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList arguments = QCoreApplication::arguments();
    QTextStream err(stderr);
    try {
        if (arguments.size() >= 3 && arguments[1] == QLatin1String("report"))
            return printStoredResults(arguments[2]);
        if (arguments.size() >= 2 && arguments[1] == QLatin1String("run"))
            return runSuite(CaseParameters::parse(arguments.mid(2)));
        if (arguments.size() >= 3 && arguments[1] == QLatin1String("case"))
            return runCase(arguments[2], CaseParameters::parse(arguments.mid(3)));
        err << kUsage;
        return 2;
    } catch (const patchead::Error &error) {
        err << "Error: " << error.message() << "\n";
        return 1;
    }
}
