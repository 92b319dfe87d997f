#include "synthetic/SampleLot.h"

#include "common/Error.h"
#include "common/Logging.h"
#include "synthetic/SplitMix64.h"

#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QThread>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentMap>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <vector>

namespace patchead {

namespace {

constexpr int kMaxPartsPerFolder = 10000;
constexpr quint64 kLotOrderStream = 4; // after the three PartStream values

// One image to render and its destination. Paths are relative to the output folder.
struct PlannedImage {
    SamplePart part;
    QString label; // "good" or a defect type name
    QString imageFile;
    QString maskFile; // empty for good parts
};

struct EncodedImage {
    QByteArray image;
    QByteArray mask;
};

void checkCount(int value, int minimum, const char *name)
{
    if (value < minimum || value > kMaxPartsPerFolder) {
        throw SettingsError(QStringLiteral("sample lot option %1 is %2; choose a value from %3 to %4")
                                .arg(QLatin1String(name))
                                .arg(value)
                                .arg(minimum)
                                .arg(kMaxPartsPerFolder));
    }
}

void validateOptions(const SampleLotOptions &options)
{
    if (options.imageSize < 64 || options.imageSize > 8192) {
        throw SettingsError(QStringLiteral("sample lot image size %1 is outside 64 to 8192 pixels; "
                                           "choose a size in that range")
                                .arg(options.imageSize));
    }
    checkCount(options.referenceCount, 1, "referenceCount");
    checkCount(options.extraReferenceCount, 0, "extraReferenceCount");
    checkCount(options.goodParts, 0, "goodParts");
    checkCount(options.defectiveParts, 0, "defectiveParts");
    if (options.goodParts + options.defectiveParts == 0)
        throw SettingsError(
            QStringLiteral("the sample lot has no parts; set goodParts or defectiveParts above 0"));
    static const QRegularExpression kSafeName(QStringLiteral("^[A-Za-z0-9_-]+$"));
    if (!kSafeName.match(options.categoryName).hasMatch() || options.categoryName == QLatin1String("lot")) {
        throw SettingsError(QStringLiteral("sample lot category name '%1' is invalid; use letters, digits, "
                                           "'_' and '-' only, and not the reserved name 'lot'")
                                .arg(options.categoryName));
    }
}

QString numbered(int index)
{
    return QStringLiteral("%1").arg(index, 3, 10, QLatin1Char('0'));
}

QVector<PlannedImage> planGoodImages(const SampleLotOptions &options, PartStream stream,
                                     const QString &folder, int count)
{
    QVector<PlannedImage> planned;
    for (int i = 0; i < count; ++i) {
        const SamplePart part = makeSamplePart(options.seed, stream, i, DefectType::None);
        planned.push_back({part, QStringLiteral("good"), folder + numbered(i) + QStringLiteral(".png"), {}});
    }
    return planned;
}

// Defect types take turns, so every type appears once before any appears twice.
QVector<PlannedImage> planDefectiveImages(const SampleLotOptions &options)
{
    const QVector<DefectType> types = allDefectTypes();
    QVector<int> countPerType(types.size(), 0);
    QVector<PlannedImage> planned;
    for (int i = 0; i < options.defectiveParts; ++i) {
        const int typeIndex = i % int(types.size());
        const QString name = defectTypeName(types[typeIndex]);
        const QString number = numbered(countPerType[typeIndex]++);
        const SamplePart part = makeSamplePart(options.seed, PartStream::TestDefective, i, types[typeIndex]);
        planned.push_back(
            {part, name, QStringLiteral("%1/test/%2/%3.png").arg(options.categoryName, name, number),
             QStringLiteral("%1/ground_truth/%2/%3_mask.png").arg(options.categoryName, name, number)});
    }
    return planned;
}

QByteArray encodePng(const cv::Mat &image)
{
    std::vector<uchar> buffer;
    cv::imencode(".png", image, buffer);
    return QByteArray(reinterpret_cast<const char *>(buffer.data()), int(buffer.size()));
}

EncodedImage renderAndEncode(const PlannedImage &planned, int imageSize)
{
    const RenderedPart rendered = renderSamplePart(planned.part, imageSize);
    cv::Mat bgr;
    cv::cvtColor(rendered.rgb, bgr, cv::COLOR_RGB2BGR);
    EncodedImage encoded;
    encoded.image = encodePng(bgr);
    if (!planned.maskFile.isEmpty())
        encoded.mask = encodePng(rendered.mask);
    return encoded;
}

void writeFile(const QString &path, const QByteArray &bytes)
{
    if (!QDir().mkpath(QFileInfo(path).absolutePath())) {
        throw Error(QStringLiteral("cannot create the folder %1; check that the output folder is writable")
                        .arg(QFileInfo(path).absolutePath()));
    }
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.flush()) {
        throw Error(QStringLiteral("cannot write %1: %2; check free disk space and write permission")
                        .arg(path, file.errorString()));
    }
}

void copyFile(const QString &source, const QString &target)
{
    QDir().mkpath(QFileInfo(target).absolutePath());
    QFile file(source);
    if (!file.copy(target)) {
        throw Error(QStringLiteral("cannot copy %1 to %2: %3; check free disk space and write permission")
                        .arg(source, target, file.errorString()));
    }
}

const QByteArray kLabelsHeader("part,label,mask,source\n");

// Returns the first entry under the generated folders that make-sample does
// not write, or an empty string. make-sample writes plain files named
// lot/part_NNN.png, <category>/{train,test}/<type>/NNN.png and
// <category>/ground_truth/<type>/NNN_mask.png, and no symbolic links: a
// link could lead --overwrite into a real lot folder.
QString firstForeignFile(const QDir &out, const QStringList &generatedFolders, const QString &categoryName)
{
    const QString category = QRegularExpression::escape(categoryName);
    const QRegularExpression written(
        QStringLiteral("^(lot/part_\\d{3,}\\.png|%1/(train|test)/[a-z_]+/\\d{3,}\\.png|"
                       "%1/ground_truth/[a-z_]+/\\d{3,}_mask\\.png)$").arg(category));
    for (const QString &name : generatedFolders) {
        const QFileInfo top(out.filePath(name));
        if (top.isSymLink())
            return top.filePath();
        if (!top.isDir())
            continue;
        QDirIterator it(top.filePath(), QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            const QFileInfo entry = it.fileInfo();
            if (entry.isSymLink())
                return path;
            if (entry.isDir())
                continue;
            if (!written.match(out.relativeFilePath(path)).hasMatch())
                return path;
        }
    }
    return {};
}

// Whether `out` contains a lot written by make-sample: its label file starts
// with the header that writeLot writes.
bool holdsSampleLot(const QDir &out)
{
    QFile labels(out.filePath(QStringLiteral("lot_labels.csv")));
    return labels.open(QIODevice::ReadOnly) && labels.read(kLabelsHeader.size()) == kLabelsHeader;
}

// Removes an earlier lot when overwrite is set, and otherwise raises Error so
// that two lots never mix. Overwriting deletes folders recursively, so it
// is refused unless the folder contains an earlier sample lot and nothing but
// files named as make-sample names them (firstForeignFile). Pointed at a
// real lot's parent folder, it would otherwise delete the lot.
void prepareOutput(const QDir &out, const SampleLotOptions &options)
{
    const QStringList generatedFolders = {options.categoryName, QStringLiteral("lot")};
    QStringList existing;
    for (const QString &name : generatedFolders + QStringList{QStringLiteral("lot_labels.csv")}) {
        if (QFileInfo::exists(out.filePath(name)) || QFileInfo(out.filePath(name)).isSymLink())
            existing.append(out.filePath(name));
    }
    if (existing.isEmpty()) {
        if (!out.mkpath(QStringLiteral(".")))
            throw Error(QStringLiteral("cannot create the output folder %1; check the path and permissions")
                            .arg(out.path()));
        return;
    }
    if (!options.overwrite) {
        throw Error(QStringLiteral("%1 already exists, so %2 may already contain a sample lot; choose an empty "
                                   "output folder, or pass --overwrite to replace an earlier sample lot")
                        .arg(existing.first(), out.path()));
    }
    if (!holdsSampleLot(out)) {
        throw Error(QStringLiteral("%1 exists but %2 contains no sample lot (its lot_labels.csv is missing or was not "
                                   "written by make-sample), so --overwrite would delete files that are not "
                                   "part of one; choose an empty output folder")
                        .arg(existing.first(), out.path()));
    }
    const QString foreign = firstForeignFile(out, generatedFolders, options.categoryName);
    if (!foreign.isEmpty()) {
        throw Error(QStringLiteral("%1 was not written by make-sample, so --overwrite would delete it; move it out "
                                   "of %2 or choose an empty output folder")
                        .arg(foreign, out.path()));
    }
    for (const QString &path : existing) {
        const QFileInfo info(path);
        const bool removed = info.isDir() ? QDir(path).removeRecursively() : QFile::remove(path);
        if (!removed)
            throw Error(QStringLiteral("cannot remove the earlier sample lot file %1; delete it by hand").arg(path));
    }
}

// Renders in batches on a private thread pool, so memory stays bounded and
// a caller already on a global-pool thread cannot starve it. The bytes do
// not depend on the thread count: each image is rendered on its own.
void renderAndWrite(const QDir &out, const QVector<PlannedImage> &planned, int imageSize)
{
    QThreadPool pool;
    pool.setMaxThreadCount(qMax(1, QThread::idealThreadCount()));
    const int batchSize = 4 * pool.maxThreadCount();
    for (int start = 0; start < planned.size(); start += batchSize) {
        const QVector<PlannedImage> batch = planned.mid(start, batchSize);
        const QVector<EncodedImage> encoded = QtConcurrent::blockingMapped<QVector<EncodedImage>>(
            &pool, batch,
            [imageSize](const PlannedImage &image) { return renderAndEncode(image, imageSize); });
        for (int i = 0; i < batch.size(); ++i) {
            writeFile(out.filePath(batch[i].imageFile), encoded[i].image);
            if (!batch[i].maskFile.isEmpty())
                writeFile(out.filePath(batch[i].maskFile), encoded[i].mask);
        }
    }
}

// Fisher-Yates shuffle driven by SplitMix64::below.
QVector<int> lotOrder(int count, quint32 seed)
{
    QVector<int> order(count);
    for (int i = 0; i < count; ++i)
        order[i] = i;
    SplitMix64 random(SplitMix64::derive(seed, kLotOrderStream));
    for (int i = count - 1; i > 0; --i)
        std::swap(order[i], order[random.below(i + 1)]);
    return order;
}

// Copies the test images into the flat lot folder in shuffled order and
// writes their labels.
QVector<SampleLotEntry> writeLot(const QDir &out, const QVector<PlannedImage> &testImages, quint32 seed)
{
    const QVector<int> order = lotOrder(int(testImages.size()), seed);
    QVector<SampleLotEntry> entries;
    QByteArray csv(kLabelsHeader);
    for (int position = 0; position < order.size(); ++position) {
        const PlannedImage &image = testImages[order[position]];
        const SampleLotEntry entry{QStringLiteral("lot/part_%1.png").arg(numbered(position + 1)), image.label,
                                   image.maskFile, image.imageFile};
        copyFile(out.filePath(entry.sourceFile), out.filePath(entry.partFile));
        csv += QStringLiteral("%1,%2,%3,%4\n")
                   .arg(entry.partFile, entry.label, entry.maskFile, entry.sourceFile)
                   .toUtf8();
        entries.push_back(entry);
    }
    writeFile(out.filePath(QStringLiteral("lot_labels.csv")), csv);
    return entries;
}

QStringList writtenDefectTypes(const QVector<PlannedImage> &defective)
{
    QStringList types;
    for (const DefectType type : allDefectTypes()) {
        const QString name = defectTypeName(type);
        for (const PlannedImage &image : defective) {
            if (image.label == name) {
                types << name;
                break;
            }
        }
    }
    return types;
}

SampleLotSummary summaryPaths(const QDir &out, const QString &category)
{
    SampleLotSummary summary;
    summary.outputDir = out.path();
    summary.categoryDir = out.filePath(category);
    summary.trainGoodDir = out.filePath(category + QStringLiteral("/train/good"));
    summary.lotDir = out.filePath(QStringLiteral("lot"));
    summary.labelsFile = out.filePath(QStringLiteral("lot_labels.csv"));
    return summary;
}

} // namespace

SampleLotSummary generateSampleLot(const QString &outputDir, const SampleLotOptions &options)
{
    validateOptions(options);
    QElapsedTimer timer;
    timer.start();
    const QDir out(QFileInfo(outputDir).absoluteFilePath());
    prepareOutput(out, options);

    const QString category = options.categoryName;
    const QVector<PlannedImage> train
        = planGoodImages(options, PartStream::Train, category + QStringLiteral("/train/good/"),
                         options.referenceCount + options.extraReferenceCount);
    const QVector<PlannedImage> testGood = planGoodImages(
        options, PartStream::TestGood, category + QStringLiteral("/test/good/"), options.goodParts);
    const QVector<PlannedImage> defective = planDefectiveImages(options);
    const QVector<PlannedImage> testImages = testGood + defective;

    renderAndWrite(out, train, options.imageSize);
    renderAndWrite(out, testImages, options.imageSize);

    SampleLotSummary summary = summaryPaths(out, category);
    summary.trainCount = int(train.size());
    summary.testGoodCount = int(testGood.size());
    summary.testDefectiveCount = int(defective.size());
    summary.defectTypes = writtenDefectTypes(defective);
    summary.lot = writeLot(out, testImages, options.seed);
    qCInfo(lcSynthetic).noquote() << "wrote a sample lot of" << summary.trainCount << "train and"
                                  << testImages.size() << "test images of" << options.imageSize << "pixels to"
                                  << out.path() << "in" << timer.elapsed() << "ms";
    return summary;
}

} // namespace patchead
