#include "PartTableModel.h"

#include "LotDocument.h"
#include "VerdictStyle.h"
#include "scoring/Threshold.h"

#include <QFileInfo>
#include <limits>

namespace patchead::ui {

PartTableModel::PartTableModel(LotDocument *document, QObject *parent)
    : QAbstractTableModel(parent), mDocument(document), mRowCount(document->parts().size())
{
    connect(document, &LotDocument::lotChanged, this, &PartTableModel::resetRows);
    connect(document, &LotDocument::partInserted, this, &PartTableModel::insertRow);
    connect(document, &LotDocument::partChanged, this, &PartTableModel::updateRow);
    connect(document, &LotDocument::thresholdsChanged, this, &PartTableModel::updateVerdicts);
}

int PartTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : mRowCount;
}

int PartTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

int PartTableModel::rowOfPart(qint64 partId) const
{
    const int row = mDocument->rowOfPart(partId);
    return row < mRowCount ? row : -1;
}

QVariant PartTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= mRowCount)
        return {};
    const PartRecord &part = mDocument->part(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return displayData(index.row(), index.column());
    case Qt::ToolTipRole:
        return toolTipData(index.row(), index.column());
    case Qt::DecorationRole:
        return index.column() == VerdictColumn ? QVariant(verdictIcon(part.verdict)) : QVariant();
    case Qt::TextAlignmentRole:
        if (index.column() == ScoreColumn || index.column() == NormalisedColumn)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case SortRole:
        return sortData(index.row(), index.column());
    case PartIdRole:
        return part.id;
    case VerdictRole:
        return static_cast<int>(part.verdict);
    case OperatorVerdictRole:
        return static_cast<int>(part.operatorVerdict);
    default:
        return {};
    }
}

QVariant PartTableModel::displayData(int row, int column) const
{
    const PartRecord &part = mDocument->part(row);
    const bool scored = part.verdict != Verdict::Error;
    switch (column) {
    case FileColumn:
        return QFileInfo(part.path).fileName();
    case ScoreColumn:
        return scored ? QString::number(part.imageScore, 'f', 4) : QString();
    case NormalisedColumn:
        return scored ? QString::number(normalisedScore(part.imageScore, mDocument->rejectThreshold()), 'f', 3)
                      : QString();
    case VerdictColumn:
        return verdictText(part.verdict);
    case OperatorColumn:
        return part.operatorVerdict == OperatorVerdict::None ? QString() : operatorVerdictText(part.operatorVerdict);
    default:
        return {};
    }
}

QVariant PartTableModel::sortData(int row, int column) const
{
    const PartRecord &part = mDocument->part(row);
    // Unscored parts sort above every score, next to the worst parts.
    const double score = part.verdict == Verdict::Error ? std::numeric_limits<double>::infinity() : part.imageScore;
    switch (column) {
    case FileColumn:
        return QFileInfo(part.path).fileName();
    case ScoreColumn:
    case NormalisedColumn:
        return score;
    case VerdictColumn:
        return static_cast<int>(part.verdict);
    case OperatorColumn:
        return static_cast<int>(part.operatorVerdict);
    default:
        return {};
    }
}

QVariant PartTableModel::toolTipData(int row, int column) const
{
    const PartRecord &part = mDocument->part(row);
    if (column == FileColumn)
        return part.path;
    if (part.verdict == Verdict::Error)
        return tr("Not scored: %1").arg(part.error);
    if (column == NormalisedColumn)
        return tr("Score divided by twice the reject threshold: 0.5 is at the threshold.");
    if (column == OperatorColumn && part.operatorVerdict != OperatorVerdict::None)
        return tr("%1 by %2").arg(operatorVerdictText(part.operatorVerdict), part.operatorName);
    return {};
}

QVariant PartTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case FileColumn: return tr("File");
    case ScoreColumn: return tr("Score");
    case NormalisedColumn: return tr("Normalised");
    case VerdictColumn: return tr("Verdict");
    case OperatorColumn: return tr("Operator");
    default: return {};
    }
}

void PartTableModel::resetRows()
{
    beginResetModel();
    mRowCount = mDocument->parts().size();
    endResetModel();
}

void PartTableModel::insertRow(int row)
{
    // The document appends parts, so the new row is always the last one.
    beginInsertRows({}, row, row);
    mRowCount = mDocument->parts().size();
    endInsertRows();
}

void PartTableModel::updateRow(int row)
{
    if (row < mRowCount)
        emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

void PartTableModel::updateVerdicts()
{
    if (mRowCount > 0)
        emit dataChanged(index(0, NormalisedColumn), index(mRowCount - 1, VerdictColumn));
}

} // namespace patchead::ui
