#pragma once

#include "BenchSupport.h"

class QTextStream;

namespace patchead::bench {

// Runs the whole benchmark: generates the sample lot when missing, starts
// every case in a child process (the compared variants interleaved and
// repeated), and prints Markdown tables of the medians. Writes every raw
// result to <work>/results.json. Returns the process exit code.
int runSuite(const CaseParameters &parameters);

// Prints the tables of a results.json written by runSuite, complete or not.
int printStoredResults(const QString &path);

// Prints the Markdown tables of a suite's results (median over repeats).
void printSuiteTables(const QJsonObject &results, QTextStream &stream);

} // namespace patchead::bench
