#pragma once

#include "store/LotRecords.h"

#include <QUndoCommand>

namespace patchead::ui {

class LotDocument;

// The operator's decision on one part, stored beside the automatic verdict
// (LotStore::setOperatorVerdict). Undo stores the previous decision.
class OperatorVerdictCommand : public QUndoCommand {
public:
    OperatorVerdictCommand(LotDocument *document, qint64 partId, OperatorVerdict before, OperatorVerdict after,
                           const QString &partName);

    void undo() override;
    void redo() override;

private:
    LotDocument *mDocument;
    qint64 mPartId;
    OperatorVerdict mBefore;
    OperatorVerdict mAfter;
};

} // namespace patchead::ui
