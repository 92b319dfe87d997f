#pragma once

#include <QUndoCommand>

namespace patchead::ui {

class LotDocument;

// The reject and review thresholds of a lot, as one value of an edit.
struct ThresholdPair {
    double reject = 0.0;
    double review = 0.0;

    bool operator==(const ThresholdPair &other) const
    {
        return reject == other.reject && review == other.review;
    }
    bool operator!=(const ThresholdPair &other) const { return !(*this == other); }
};

// One change of a lot's thresholds. While a slider is dragged, the panel
// pushes "open" commands, which only change the thresholds in effect and
// merge into one another. The closing command at the release stores the
// final value once (LotStore::setThresholds) and closes the merged command.
// A drag is therefore one undo step and one row of threshold history, and a
// drag that ends where it started leaves no command.
class ThresholdCommand : public QUndoCommand {
public:
    static constexpr int kId = 1;

    ThresholdCommand(LotDocument *document, const ThresholdPair &before, const ThresholdPair &after, bool open);

    void undo() override;
    void redo() override;
    int id() const override { return kId; }
    bool mergeWith(const QUndoCommand *other) override;

    const ThresholdPair &before() const { return mBefore; }
    const ThresholdPair &after() const { return mAfter; }
    bool isOpen() const { return mOpen; }

private:
    void updateText();

    LotDocument *mDocument;
    qint64 mLotId;
    ThresholdPair mBefore;
    ThresholdPair mAfter;
    bool mOpen;
    bool mRedone = false;
};

} // namespace patchead::ui
