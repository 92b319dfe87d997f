#pragma once

#include <QWidget>
#include <vector>

class QCustomPlot;
class QCPCurve;
class QCPGraph;
class QLabel;

namespace patchead::ui {

// The ROC curve of the automatic scores against the operator's decisions
// (rejected = positive, accepted = negative), with the operating point of
// the current reject threshold and the area under the curve. Needs at least
// one accepted and one rejected part; shows a note otherwise.
class RocPlot : public QWidget {
    Q_OBJECT

public:
    explicit RocPlot(QWidget *parent = nullptr);

    // labels: 1 for parts the operator rejected, 0 for accepted ones.
    void setData(const std::vector<double> &scores, const std::vector<int> &labels, double rejectThreshold);

    bool hasCurve() const { return mHasCurve; }
    double auc() const { return mAuc; }
    QCustomPlot *plot() const { return mPlot; }
    QSize sizeHint() const override;

protected:
    void changeEvent(QEvent *event) override;

private:
    void applyColours();

    QCustomPlot *mPlot;
    QCPCurve *mCurve;
    QCPCurve *mDiagonal;
    QCPGraph *mOperatingPoint;
    QLabel *mNote;
    bool mHasCurve = false;
    double mAuc = 0.0;
};

} // namespace patchead::ui
