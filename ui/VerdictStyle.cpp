#include "VerdictStyle.h"

#include "scoring/AnomalyMap.h"

#include <QCoreApplication>
#include <QGuiApplication>
#include <QPainter>
#include <QPalette>
#include <QPixmap>

namespace patchead::ui {

namespace {

QColor heatmapColour(double normalised)
{
    // A one-pixel map with reject threshold 1 is coloured at value / 2.
    cv::Mat map(1, 1, CV_32F, cv::Scalar(2.0 * normalised));
    const cv::Mat rgb = colouriseAnomalyMap(map, 1.0);
    const cv::Vec3b pixel = rgb.at<cv::Vec3b>(0, 0);
    return QColor(pixel[0], pixel[1], pixel[2]);
}

QPixmap markerPixmap(const QColor &colour, int side, qreal ratio)
{
    const int devicePixels = qRound(side * ratio);
    QPixmap pixmap(devicePixels, devicePixels);
    pixmap.setDevicePixelRatio(ratio);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(QPen(colour.darker(140), 1.0));
    painter.setBrush(colour);
    const qreal inset = 2.5;
    painter.drawEllipse(QRectF(inset, inset, side - 2 * inset, side - 2 * inset));
    return pixmap;
}

} // namespace

QString verdictText(Verdict verdict)
{
    switch (verdict) {
    case Verdict::Pass: return QCoreApplication::translate("VerdictStyle", "Pass");
    case Verdict::Review: return QCoreApplication::translate("VerdictStyle", "Review");
    case Verdict::Fail: return QCoreApplication::translate("VerdictStyle", "Fail");
    case Verdict::Error: return QCoreApplication::translate("VerdictStyle", "Error");
    }
    return QString();
}

QString operatorVerdictText(OperatorVerdict verdict)
{
    switch (verdict) {
    case OperatorVerdict::None: return QCoreApplication::translate("VerdictStyle", "Undecided");
    case OperatorVerdict::Accepted: return QCoreApplication::translate("VerdictStyle", "Accepted");
    case OperatorVerdict::Rejected: return QCoreApplication::translate("VerdictStyle", "Rejected");
    }
    return QString();
}

QColor verdictColour(Verdict verdict)
{
    switch (verdict) {
    case Verdict::Pass: return heatmapColour(0.2);
    case Verdict::Review: return heatmapColour(0.62);
    case Verdict::Fail: return heatmapColour(0.9);
    case Verdict::Error: break;
    }
    return QGuiApplication::palette().color(QPalette::PlaceholderText);
}

QIcon verdictIcon(Verdict verdict)
{
    const QColor colour = verdictColour(verdict);
    QIcon icon;
    for (qreal ratio : {1.0, 2.0})
        icon.addPixmap(markerPixmap(colour, 16, ratio));
    return icon;
}

bool isFlagged(Verdict verdict)
{
    return verdict != Verdict::Pass;
}

} // namespace patchead::ui
