#pragma once

#include <QDir>
#include <QFileInfo>
#include <QString>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

namespace patchead::test {

// Writes a small black image at root/relativePath and creates its folders.
// The extension selects the format. Returns false when OpenCV cannot write it.
inline bool writeTestImage(const QString &root, const QString &relativePath)
{
    const QString path = QDir(root).filePath(relativePath);
    QDir().mkpath(QFileInfo(path).path());
    return cv::imwrite(path.toStdString(), cv::Mat::zeros(8, 8, CV_8UC1));
}

} // namespace patchead::test
