#include "inspection/PartLanes.h"

#include <QtTest>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

using namespace patchead;

namespace {

QStringList partPaths(int count)
{
    QStringList paths;
    for (int i = 0; i < count; ++i)
        paths.append(QStringLiteral("/lot/part_%1.png").arg(i, 3, 10, QLatin1Char('0')));
    return paths;
}

PartRecord scoredPart(const QString &path)
{
    PartRecord part;
    part.path = path;
    part.imageScore = path.length();
    return part;
}

// A part that takes 5 ms, so that a stop request arrives while most parts
// are still waiting.
PartRecord slowlyScoredPart(const QString &path)
{
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return scoredPart(path);
}

} // namespace

class TestPartLanes : public QObject {
    Q_OBJECT

private slots:
    void everyPartCommittedOnce()
    {
        const QStringList paths = partPaths(20);
        QStringList committed;
        const int count = runPartLanes(paths, 3, scoredPart,
                                       [&](const PartRecord &part) { committed.append(part.path); }, nullptr);
        QCOMPARE(count, 20);
        committed.sort();
        QCOMPARE(committed, paths);
    }

    void commitRunsOnCallingThread()
    {
        const std::thread::id caller = std::this_thread::get_id();
        std::atomic<int> scoredOnCaller{0};
        bool committedElsewhere = false;
        auto score = [&](const QString &path) {
            scoredOnCaller += std::this_thread::get_id() == caller ? 1 : 0;
            return scoredPart(path);
        };
        runPartLanes(partPaths(8), 2, score,
                     [&](const PartRecord &) { committedElsewhere |= std::this_thread::get_id() != caller; }, nullptr);
        QCOMPARE(scoredOnCaller.load(), 0);
        QVERIFY(!committedElsewhere);
    }

    // Two lanes must score at the same time: each waits until the other has
    // started, and gives up after five seconds.
    void lanesRunConcurrently()
    {
        std::mutex mutex;
        std::condition_variable started;
        int running = 0;
        bool overlapped = true;
        auto score = [&](const QString &path) {
            std::unique_lock<std::mutex> lock(mutex);
            ++running;
            started.notify_all();
            overlapped &= started.wait_for(lock, std::chrono::seconds(5), [&] { return running >= 2; });
            return scoredPart(path);
        };
        runPartLanes(partPaths(2), 2, score, [](const PartRecord &) {}, nullptr);
        QVERIFY(overlapped);
    }

    void scoreErrorIsRethrown()
    {
        auto score = [](const QString &path) {
            if (path.endsWith(QLatin1String("part_004.png")))
                throw std::runtime_error("encoder failed");
            return slowlyScoredPart(path);
        };
        int committed = 0;
        QVERIFY_THROWS_EXCEPTION(std::runtime_error,
                                 runPartLanes(partPaths(50), 2, score, [&](const PartRecord &) { ++committed; }, nullptr));
        QVERIFY(committed < 50);
    }

    void commitErrorIsRethrown()
    {
        int calls = 0;
        auto commit = [&](const PartRecord &) {
            ++calls;
            throw std::runtime_error("disk full");
        };
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, runPartLanes(partPaths(10), 2, scoredPart, commit, nullptr));
        QCOMPARE(calls, 1);
    }

    // Cancelled after the third commit, so the lanes stop long before the
    // last part.
    void cancelStopsTakingParts()
    {
        std::atomic<bool> cancel{false};
        int committed = 0;
        auto commit = [&](const PartRecord &) {
            if (++committed == 3)
                cancel = true;
        };
        const int count = runPartLanes(partPaths(100), 2, slowlyScoredPart, commit, &cancel);
        QCOMPARE(count, committed);
        QVERIFY(count >= 3);
        QVERIFY(count < 100);
    }

    // A commit slower than scoring, as with synchronous SQLite writes of
    // small parts, must hold the lanes back: parts taken but not committed
    // stay within 2 x lanes, and so do the parts committed after a cancel.
    void slowCommitBoundsBacklog()
    {
        constexpr int lanes = 2;
        std::atomic<int> taken{0};
        std::atomic<int> committedCount{0};
        std::atomic<int> largestBacklog{0};
        auto score = [&](const QString &path) {
            const int backlog = ++taken - committedCount.load();
            int seen = largestBacklog.load();
            while (backlog > seen && !largestBacklog.compare_exchange_weak(seen, backlog)) {
            }
            return scoredPart(path);
        };
        std::atomic<bool> cancel{false};
        int committedAtCancel = -1;
        auto commit = [&](const PartRecord &) {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
            if (++committedCount == 10) {
                cancel = true;
                committedAtCancel = committedCount.load();
            }
        };
        const int count = runPartLanes(partPaths(100), lanes, score, commit, &cancel);
        QVERIFY2(largestBacklog.load() <= 2 * lanes, qPrintable(QString::number(largestBacklog.load())));
        QCOMPARE(committedAtCancel, 10);
        QVERIFY2(count <= committedAtCancel + 2 * lanes, qPrintable(QString::number(count)));
        QCOMPARE(count, taken.load());
    }

    void emptyListCommitsNothing()
    {
        int committed = 0;
        QCOMPARE(runPartLanes({}, 4, scoredPart, [&](const PartRecord &) { ++committed; }, nullptr), 0);
        QCOMPARE(committed, 0);
    }
};

QTEST_APPLESS_MAIN(TestPartLanes)
#include "test_part_lanes.moc"
