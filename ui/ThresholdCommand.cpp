#include "ThresholdCommand.h"

#include "LotDocument.h"

#include <QCoreApplication>

namespace patchead::ui {

ThresholdCommand::ThresholdCommand(LotDocument *document, const ThresholdPair &before, const ThresholdPair &after,
                                   bool open)
    : mDocument(document), mLotId(document->lot().id), mBefore(before), mAfter(after), mOpen(open)
{
    updateText();
}

void ThresholdCommand::updateText()
{
    setText(QCoreApplication::translate("ThresholdCommand", "Change thresholds to reject %1, review %2")
                .arg(mAfter.reject, 0, 'g', 4)
                .arg(mAfter.review, 0, 'g', 4));
}

namespace {

// The store keeps the reason as the lot's threshold rule, so the reason
// names how the values were chosen and by which operator.
QString reasonText(const LotDocument *document, const char *what)
{
    const QString text = QCoreApplication::translate("ThresholdCommand", what);
    if (document->operatorName().isEmpty())
        return text;
    return QCoreApplication::translate("ThresholdCommand", "%1 by %2").arg(text, document->operatorName());
}

} // namespace

void ThresholdCommand::redo()
{
    const char *what = mRedone ? QT_TRANSLATE_NOOP("ThresholdCommand", "set by hand in the workstation (redone)")
                               : QT_TRANSLATE_NOOP("ThresholdCommand", "set by hand in the workstation");
    mDocument->applyThresholds(mAfter.reject, mAfter.review, !mOpen, reasonText(mDocument, what));
    mRedone = true;
}

void ThresholdCommand::undo()
{
    mDocument->applyThresholds(mBefore.reject, mBefore.review, true,
                               reasonText(mDocument, QT_TRANSLATE_NOOP("ThresholdCommand", "restored by undo in the workstation")));
}

bool ThresholdCommand::mergeWith(const QUndoCommand *other)
{
    const auto *next = static_cast<const ThresholdCommand *>(other);
    if (!mOpen || next->mLotId != mLotId)
        return false;
    mAfter = next->mAfter;
    mOpen = next->mOpen;
    updateText();
    if (!mOpen && mAfter == mBefore)
        setObsolete(true);
    return true;
}

} // namespace patchead::ui
