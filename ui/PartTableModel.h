#pragma once

#include <QAbstractTableModel>

namespace patchead::ui {

class LotDocument;

// The parts of the open lot as table rows: file, raw score, normalised
// score, automatic verdict and operator verdict. Rows follow the document,
// so new parts of a running inspection appear as they are stored. Verdict
// and normalised-score cells change with the thresholds.
class PartTableModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column { FileColumn, ScoreColumn, NormalisedColumn, VerdictColumn, OperatorColumn, ColumnCount };
    enum Role {
        SortRole = Qt::UserRole,  // numbers for the numeric columns, text otherwise
        PartIdRole,
        VerdictRole,              // patchead::Verdict as int
        OperatorVerdictRole,      // patchead::OperatorVerdict as int
    };

    explicit PartTableModel(LotDocument *document, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // Row of a part, or -1.
    int rowOfPart(qint64 partId) const;

private:
    QVariant displayData(int row, int column) const;
    QVariant sortData(int row, int column) const;
    QVariant toolTipData(int row, int column) const;

    void resetRows();
    void insertRow(int row);
    void updateRow(int row);
    void updateVerdicts();

    LotDocument *mDocument;
    int mRowCount = 0;
};

} // namespace patchead::ui
