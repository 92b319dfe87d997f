#include "inspection/PartLanes.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace patchead {

namespace {

// State shared by the lanes and the committing thread.
class LaneQueue {
public:
    LaneQueue(const QStringList &paths, int maxUncommitted, const std::atomic<bool> *cancel)
        : mPaths(paths), mMaxUncommitted(maxUncommitted), mCancel(cancel)
    {
    }

    // Returns the index of the next part to score, or -1 when the lanes stop.
    // Waits while `maxUncommitted` parts are taken but not yet committed. A
    // commit slower than scoring (synchronous SQLite writes of small parts)
    // would otherwise let the lanes run ahead, and a cancel or a kill would
    // then commit or lose every part of that backlog.
    int take()
    {
        std::unique_lock<std::mutex> lock(mMutex);
        mCommitted.wait(lock, [&] { return mUncommitted < mMaxUncommitted || mStop.load(); });
        if (mStop.load() || (mCancel && mCancel->load()) || mNext >= mPaths.size())
            return -1;
        ++mUncommitted;
        return mNext++;
    }

    // Records that the commit of a part has returned.
    void committed()
    {
        const std::lock_guard<std::mutex> lock(mMutex);
        --mUncommitted;
        mCommitted.notify_one();
    }

    void push(PartRecord part)
    {
        const std::lock_guard<std::mutex> lock(mMutex);
        mDone.push_back(std::move(part));
        mChanged.notify_one();
    }

    // Records the first failure and stops the lanes.
    void fail(std::exception_ptr error)
    {
        const std::lock_guard<std::mutex> lock(mMutex);
        if (!mError)
            mError = std::move(error);
        mStop.store(true);
        mChanged.notify_one();
        mCommitted.notify_all();
    }

    void laneFinished()
    {
        const std::lock_guard<std::mutex> lock(mMutex);
        ++mFinishedLanes;
        mChanged.notify_one();
    }

    // Waits for the next scored part; false once every lane has finished
    // and every part was handed out.
    bool next(int lanes, PartRecord &part)
    {
        std::unique_lock<std::mutex> lock(mMutex);
        mChanged.wait(lock, [&] { return !mDone.empty() || mFinishedLanes == lanes; });
        if (mDone.empty())
            return false;
        part = std::move(mDone.front());
        mDone.pop_front();
        return true;
    }

    std::exception_ptr error()
    {
        const std::lock_guard<std::mutex> lock(mMutex);
        return mError;
    }

    const QString &path(int index) const { return mPaths[index]; }

private:
    const QStringList &mPaths;
    const int mMaxUncommitted;
    const std::atomic<bool> *mCancel;
    int mNext = 0;        // guarded by mMutex
    int mUncommitted = 0; // parts taken and not yet committed, guarded by mMutex
    std::atomic<bool> mStop{false};
    std::mutex mMutex;
    std::condition_variable mChanged;   // a part was scored or a lane finished
    std::condition_variable mCommitted; // a commit returned, or the lanes stop
    std::deque<PartRecord> mDone;
    int mFinishedLanes = 0;
    std::exception_ptr mError;
};

void runLane(LaneQueue &queue, const std::function<PartRecord(const QString &)> &score)
{
    try {
        for (int index = queue.take(); index >= 0; index = queue.take())
            queue.push(score(queue.path(index)));
    } catch (...) {
        queue.fail(std::current_exception());
    }
    queue.laneFinished();
}

} // namespace

int runPartLanes(const QStringList &paths, int lanes, const std::function<PartRecord(const QString &)> &score,
                 const std::function<void(PartRecord &)> &commit, const std::atomic<bool> *cancel)
{
    lanes = std::max(1, std::min(lanes, static_cast<int>(paths.size())));
    // One part in flight per lane, and up to one more per lane scored and
    // waiting for the commit.
    LaneQueue queue(paths, 2 * lanes, cancel);
    std::vector<std::thread> threads;
    for (int lane = 0; lane < lanes; ++lane)
        threads.emplace_back(runLane, std::ref(queue), std::cref(score));

    int committed = 0;
    PartRecord part;
    while (queue.next(lanes, part)) {
        try {
            commit(part);
            ++committed;
            queue.committed();
        } catch (...) {
            // Parts scored but not committed are scored again on resume.
            queue.fail(std::current_exception());
            break;
        }
    }
    for (std::thread &thread : threads)
        thread.join();
    if (const std::exception_ptr error = queue.error())
        std::rethrow_exception(error);
    return committed;
}

} // namespace patchead
