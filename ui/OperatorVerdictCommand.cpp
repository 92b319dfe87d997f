#include "OperatorVerdictCommand.h"

#include "LotDocument.h"
#include "VerdictStyle.h"

#include <QCoreApplication>

namespace patchead::ui {

OperatorVerdictCommand::OperatorVerdictCommand(LotDocument *document, qint64 partId, OperatorVerdict before,
                                               OperatorVerdict after, const QString &partName)
    : mDocument(document), mPartId(partId), mBefore(before), mAfter(after)
{
    setText(QCoreApplication::translate("OperatorVerdictCommand", "Mark %1 as %2")
                .arg(partName, operatorVerdictText(after).toLower()));
}

void OperatorVerdictCommand::redo()
{
    mDocument->applyOperatorVerdict(mPartId, mAfter);
}

void OperatorVerdictCommand::undo()
{
    mDocument->applyOperatorVerdict(mPartId, mBefore);
}

} // namespace patchead::ui
