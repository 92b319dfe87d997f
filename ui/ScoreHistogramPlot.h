#pragma once

#include <QWidget>
#include <vector>

class QCustomPlot;
class QCPBars;
class QCPItemStraightLine;

namespace patchead::ui {

// A histogram of the image scores of a lot, stacked by the verdict each
// score gets under the current thresholds, with the review and reject
// thresholds as vertical lines. Redraws are queued, so a slider drag
// costs one replot per frame.
class ScoreHistogramPlot : public QWidget {
    Q_OBJECT

public:
    static constexpr int kBinCount = 40;

    explicit ScoreHistogramPlot(QWidget *parent = nullptr);

    // Scores of the scored parts, shown on the range [0, rangeMax].
    void setScores(const std::vector<double> &scores, double rangeMax);
    void setThresholds(double reject, double review);

    // Where the threshold lines are drawn, in score units.
    double rejectLinePosition() const;
    double reviewLinePosition() const;
    // Parts counted in the bars of each verdict.
    int passBarTotal() const;
    int reviewBarTotal() const;
    int failBarTotal() const;

    QCustomPlot *plot() const { return mPlot; }
    QSize sizeHint() const override;

protected:
    void changeEvent(QEvent *event) override;

private:
    void rebuildBars();
    void applyColours();

    QCustomPlot *mPlot;
    QCPBars *mPassBars;
    QCPBars *mReviewBars;
    QCPBars *mFailBars;
    QCPItemStraightLine *mRejectLine;
    QCPItemStraightLine *mReviewLine;
    std::vector<double> mScores;
    double mRangeMax = 1.0;
    double mReject = 0.0;
    double mReview = 0.0;
};

} // namespace patchead::ui
