// Bad input through `patchead inspect`, run as a separate process with the
// prepared default encoder: part images, references and encoder files. Each
// case checks the exit code, that the message names the file and the
// reason, that the lot goes on, and that results stored earlier are kept.
// The test skips when the default encoder has not been prepared.

#include "BadImages.h"
#include "CliTestSupport.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>
#include <opencv2/imgproc.hpp>

#include <atomic>
#include <functional>
#include <thread>
#include <unistd.h>

using namespace patchead;
using namespace patchead::clitest;

namespace {

// A lot folder name with spaces and non-ASCII letters, so that every case
// also runs through such a path.
const QString kLotFolder = QStringLiteral("Los Prüfung 17 部品");

// `base` with each "--option value" pair of `options` replacing the same
// option's value in `base`, or appended when `base` did not have it, because
// the command line rejects an option given twice.
QStringList withOptions(QStringList base, const QStringList &options)
{
    const QStringList original = base;
    for (int i = 0; i < options.size(); ++i) {
        const bool hasValue = i + 1 < options.size() && !options.at(i + 1).startsWith(QLatin1String("--"));
        const int at = original.indexOf(options.at(i));
        if (at >= 0 && hasValue && at + 1 < base.size()) {
            base[at + 1] = options.at(i + 1);
        } else {
            base << options.at(i);
            if (hasValue)
                base << options.at(i + 1);
        }
        i += hasValue ? 1 : 0;
    }
    return base;
}

QString fileSha256Hex(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromLatin1(QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256).toHex());
}

} // namespace

class TestCliInputs : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();

    void lotImages_data();
    void lotImages();
    void lotGoesOnAfterBadImages();
    void earlierResultsKept();
    void unreadablePartRetried();
    void partStillBeingWritten();

    void referencesEmptyFolder();
    void referencesOne();
    void referencesIdentical();
    void referencesOtherSize();
    void referencesOutlierWarned();
    void referencesAreLotRejected();

    void model_data();
    void model();

    void badOptions_data();
    void badOptions();
    void encoderSettingsLeaveNoDatabase_data();
    void encoderSettingsLeaveNoDatabase();
    void outputPathsStayWhereGiven();
    void outputsCollidingWithInputs_data();
    void outputsCollidingWithInputs();
    void similarLotNamesKeepOwnFiles();
    void resumeNamesIgnoredOptions();
    void commandHelpNamesCommand();
    void evalOverlaysOutsideData();

private:
    QString path(const QString &name) const { return mDir.filePath(name); }
    QStringList inspectArguments(const QString &lot, const QString &database, const QString &name) const;
    void writeBadImages();
    QString writeModelCopy(const QString &name, const std::function<void(QJsonObject &, QByteArray &)> &change);

    QTemporaryDir mDir;
    QString mReferences;
    QString mLot;
    QString mDatabase;
    QMap<QString, PartRecord> mFirstRun; // parts stored before the bad images arrived
    CommandResult mMixedRun;             // the run over the lot with bad images
    QStringList mAfterBad;               // good parts named to sort after every bad image
};

QStringList TestCliInputs::inspectArguments(const QString &lot, const QString &database, const QString &name) const
{
    return clitest::inspectArguments(mReferences, lot, database, name, path(QStringLiteral("out")));
}

void TestCliInputs::initTestCase()
{
    QVERIFY(mDir.isValid());
    // This process reads the databases often; one log line per open would bury the test output.
    QLoggingCategory::setFilterRules(QStringLiteral("patchead.store.info=false"));
    QVERIFY2(QFileInfo(programPath(QStringLiteral("patchead"))).isExecutable(), "patchead is not built");
    if (defaultEncoderFolder().isEmpty())
        QSKIP("The default encoder is not prepared: run models/prepare-default-encoder.sh BUILD_DIR/models "
              "and set PATCHEAD_MODEL_DIR=BUILD_DIR/models (CTest sets it).");
    mReferences = path(QStringLiteral("good"));
    writeParts(mReferences, QStringLiteral("ref"), 4, 128, 0);
    mLot = path(kLotFolder);
    mDatabase = path(QStringLiteral("lots.sqlite"));

    // First run: three good parts, before any bad file arrives.
    writeParts(mLot, QStringLiteral("a_good"), 3, 128, 10);
    const CommandResult first = runPatchead(inspectArguments(mLot, mDatabase, QStringLiteral("mixed")));
    QVERIFY2(first.exitCode == 0 || first.exitCode == 1, qPrintable(first.all()));
    mFirstRun = partsByPath(storedParts(mDatabase, QStringLiteral("mixed")));
    QCOMPARE(mFirstRun.size(), 3);

    // Second run: the bad files and more good parts after them.
    writeBadImages();
    mAfterBad = writeParts(mLot, QStringLiteral("z_good"), 2, 128, 20);
    mMixedRun = runPatchead(inspectArguments(mLot, mDatabase, QStringLiteral("mixed")));
}

void TestCliInputs::writeBadImages()
{
    cv::Mat bgr;
    cv::cvtColor(renderPart(30, 128), bgr, cv::COLOR_RGB2BGR);
    const QByteArray png = encodeImage(bgr, ".png");
    const QByteArray jpeg = encodeImage(bgr, ".jpg");
    const QDir lot(mLot);

    writeBytes(lot.filePath(QStringLiteral("b01_empty.png")), {});
    writeBytes(lot.filePath(QStringLiteral("b02_truncated.png")), png.left(png.size() / 2));
    writeBytes(lot.filePath(QStringLiteral("b03_truncated.jpg")), jpeg.left(jpeg.size() / 2));
    writeBytes(lot.filePath(QStringLiteral("b04_png_content.jpg")), png);
    writeBytes(lot.filePath(QStringLiteral("b05_notes.png")), QByteArray("lot 17, line 3: camera offline\n"));

    cv::Mat sixteen;
    bgr.convertTo(sixteen, CV_16U, 257.0);
    writeImage(lot.filePath(QStringLiteral("b06_16bit.png")), sixteen);
    cv::Mat grey;
    cv::cvtColor(bgr, grey, cv::COLOR_BGR2GRAY);
    writeImage(lot.filePath(QStringLiteral("b07_grey.png")), grey);
    cv::Mat alpha;
    cv::cvtColor(bgr, alpha, cv::COLOR_BGR2BGRA);
    writeImage(lot.filePath(QStringLiteral("b08_alpha.png")), alpha);
    writeBytes(lot.filePath(QStringLiteral("b09_palette.png")), palettePng(renderPart(31, 128)));
    const QByteArray cmyk = cmykJpeg(renderPart(32, 128));
    if (!cmyk.isEmpty())
        writeBytes(lot.filePath(QStringLiteral("b10_cmyk.jpg")), cmyk);

    // Stored 160 x 128 with orientation 6 (turn 90 degrees clockwise): shown 128 x 160.
    cv::Mat wide;
    cv::resize(bgr, wide, cv::Size(160, 128), 0, 0, cv::INTER_AREA);
    writeBytes(lot.filePath(QStringLiteral("b11_exif_rotated.jpg")), withExifOrientation(encodeImage(wide, ".jpg"), 6));
    writeImage(lot.filePath(QStringLiteral("b12_one_pixel.png")), cv::Mat(1, 1, CV_8UC3, cv::Scalar::all(90)));
    writeBytes(lot.filePath(QStringLiteral("b13_bomb.png")), pngClaimingSize(100000, 100000));
    writeImage(lot.filePath(QStringLiteral("b14 Teil Ω ü 1.png")), bgr);

    const QString outside = writeImage(path(QStringLiteral("elsewhere/part.png")), bgr);
    QFile::link(outside, lot.filePath(QStringLiteral("b15_link.png")));
    QFile::link(path(QStringLiteral("elsewhere/gone.png")), lot.filePath(QStringLiteral("b16_dangling.png")));
    const QString locked = writeImage(lot.filePath(QStringLiteral("b17_locked.png")), bgr);
    QFile::setPermissions(locked, QFileDevice::Permissions());
    // Not an image extension, so the folder scan leaves it out.
    writeBytes(lot.filePath(QStringLiteral("b18_png_content.txt")), png);
}

void TestCliInputs::lotImages_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("reason"); // empty: the part is scored

    QTest::newRow("zero bytes") << "b01_empty.png" << "file is empty (0 bytes)";
    QTest::newRow("truncated png") << "b02_truncated.png" << "truncated";
    QTest::newRow("truncated jpeg") << "b03_truncated.jpg" << "truncated";
    QTest::newRow("png named .jpg") << "b04_png_content.jpg" << "";
    QTest::newRow("text named .png") << "b05_notes.png" << "not an image";
    QTest::newRow("16-bit") << "b06_16bit.png" << "";
    QTest::newRow("grey") << "b07_grey.png" << "";
    QTest::newRow("alpha") << "b08_alpha.png" << "";
    QTest::newRow("palette") << "b09_palette.png" << "";
    QTest::newRow("cmyk jpeg") << "b10_cmyk.jpg" << "";
    QTest::newRow("exif rotated") << "b11_exif_rotated.jpg" << "";
    QTest::newRow("1x1") << "b12_one_pixel.png" << "image too small: 1 x 1 pixels";
    QTest::newRow("decompression bomb") << "b13_bomb.png" << "image too large: 100000 x 100000 pixels";
    QTest::newRow("unicode and spaces") << "b14 Teil Ω ü 1.png" << "";
    QTest::newRow("symlink") << "b15_link.png" << "";
    QTest::newRow("dangling symlink") << "b16_dangling.png" << "file not found";
    QTest::newRow("unreadable") << "b17_locked.png" << "permission denied";
}

void TestCliInputs::lotImages()
{
    QFETCH(QString, file);
    QFETCH(QString, reason);
    if (file.startsWith(QLatin1String("b10")) && cmykJpeg(renderPart(0, 64)).isEmpty())
        QSKIP("built without libjpeg, which writes the CMYK JPEG");
    if (file == QLatin1String("b17_locked.png") && geteuid() == 0)
        QSKIP("running as root, which may read any file, so a permission error cannot be provoked");

    const QString filePath = QDir(mLot).filePath(file);
    const QMap<QString, PartRecord> parts = partsByPath(storedParts(mDatabase, QStringLiteral("mixed")));
    QVERIFY2(parts.contains(filePath), qPrintable(QStringLiteral("no row for %1").arg(filePath)));
    const PartRecord part = parts.value(filePath);
    if (reason.isEmpty()) {
        QVERIFY2(part.verdict != Verdict::Error, qPrintable(part.error));
        QVERIFY(part.imageScore > 0.0);
        QVERIFY(!mMixedRun.out.contains(QStringLiteral("ERROR  ") + file));
        if (file == QLatin1String("b11_exif_rotated.jpg")) {
            QCOMPARE(part.imageWidth, 128);
            QCOMPARE(part.imageHeight, 160);
        }
        return;
    }
    QCOMPARE(part.verdict, Verdict::Error);
    QVERIFY2(part.error.contains(reason), qPrintable(part.error));
    // The summary lists the file with its reason, and the live log names the full path.
    QVERIFY2(mMixedRun.out.contains(QStringLiteral("ERROR  ") + file), qPrintable(mMixedRun.out));
    QVERIFY2(mMixedRun.out.contains(reason), qPrintable(mMixedRun.out));
    QVERIFY2(mMixedRun.err.contains(filePath + QStringLiteral(": ") + part.error), qPrintable(mMixedRun.err));
}

void TestCliInputs::lotGoesOnAfterBadImages()
{
    QVERIFY2(mMixedRun.exitCode == 6, qPrintable(mMixedRun.all()));
    const QVector<PartRecord> rows = storedParts(mDatabase, QStringLiteral("mixed"));
    const QMap<QString, PartRecord> parts = partsByPath(rows);
    QCOMPARE(rows.size(), parts.size());
    for (const QString &good : mAfterBad) {
        QVERIFY2(parts.contains(good), qPrintable(good));
        QVERIFY(parts.value(good).verdict != Verdict::Error);
    }
    QVERIFY(!parts.contains(QDir(mLot).filePath(QStringLiteral("b18_png_content.txt"))));
    const int files = QDir(mLot).entryList(QDir::Files | QDir::System).size();
    QCOMPARE(rows.size(), files - 1); // every file but the .txt one
    QVERIFY2(mMixedRun.out.contains(QStringLiteral("3 from earlier runs")), qPrintable(mMixedRun.out));
}

void TestCliInputs::earlierResultsKept()
{
    const QMap<QString, PartRecord> parts = partsByPath(storedParts(mDatabase, QStringLiteral("mixed")));
    for (const PartRecord &earlier : mFirstRun) {
        QVERIFY(parts.contains(earlier.path));
        QCOMPARE(parts.value(earlier.path).id, earlier.id);
        QCOMPARE(parts.value(earlier.path).imageScore, earlier.imageScore);
        QCOMPARE(parts.value(earlier.path).scoredAt, earlier.scoredAt);
    }
}

void TestCliInputs::unreadablePartRetried()
{
    // The empty file is copied again, complete this time; the re-run scores
    // it and every other part stored as unreadable, and replaces their rows.
    const QString fixed = QDir(mLot).filePath(QStringLiteral("b01_empty.png"));
    QFile::remove(fixed);
    cv::Mat bgr;
    cv::cvtColor(renderPart(33, 128), bgr, cv::COLOR_RGB2BGR);
    writeImage(fixed, bgr);
    const QVector<PartRecord> before = storedParts(mDatabase, QStringLiteral("mixed"));
    int errorsBefore = 0;
    for (const PartRecord &part : before)
        errorsBefore += part.verdict == Verdict::Error ? 1 : 0;

    const CommandResult rerun = runPatchead(inspectArguments(mLot, mDatabase, QStringLiteral("mixed")));
    QVERIFY2(rerun.exitCode == 6, qPrintable(rerun.all()));
    QVERIFY2(rerun.out.contains(QStringLiteral("%1 parts unreadable in an earlier run were scored again").arg(errorsBefore)),
             qPrintable(rerun.out));
    const QVector<PartRecord> after = storedParts(mDatabase, QStringLiteral("mixed"));
    QCOMPARE(after.size(), before.size());
    const QMap<QString, PartRecord> byPath = partsByPath(after);
    QCOMPARE(byPath.size(), after.size());
    QCOMPARE(byPath.value(fixed).verdict == Verdict::Error, false);
    QCOMPARE(byPath.value(fixed).id, partsByPath(before).value(fixed).id);
    QVERIFY(byPath.value(fixed).imageScore > 0.0);
}

void TestCliInputs::partStillBeingWritten()
{
    const QString lot = path(QStringLiteral("arriving"));
    writeParts(lot, QStringLiteral("a_good"), 2, 128, 40);
    cv::Mat bgr;
    cv::cvtColor(renderPart(41, 128), bgr, cv::COLOR_RGB2BGR);
    const QByteArray png = encodeImage(bgr, ".png");
    const QString arriving = QDir(lot).filePath(QStringLiteral("c_arriving.png"));

    // A slow copy: half the file at once, then one more byte every 20 ms
    // until the inspection has finished.
    writeBytes(arriving, png.left(png.size() / 2));
    std::atomic<bool> stop{false};
    std::thread writer([&] {
        QFile file(arriving);
        if (!file.open(QIODevice::Append))
            return;
        for (qsizetype next = png.size() / 2; !stop && next < png.size(); ++next) {
            file.write(png.constData() + next, 1);
            file.flush();
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    });
    const QString database = path(QStringLiteral("arriving.sqlite"));
    const CommandResult during = runPatchead(inspectArguments(lot, database, QStringLiteral("arriving")));
    stop = true;
    writer.join();

    QVERIFY2(during.exitCode == 6, qPrintable(during.all()));
    QVERIFY2(during.out.contains(QStringLiteral("c_arriving.png")), qPrintable(during.out));
    QVERIFY2(during.out.contains(QStringLiteral("still being written")), qPrintable(during.out));
    QCOMPARE(partsByPath(storedParts(database, QStringLiteral("arriving"))).value(arriving).verdict, Verdict::Error);

    // The copy completes; the next run scores the part and replaces its row.
    QFile::remove(arriving);
    writeBytes(arriving, png);
    const CommandResult after = runPatchead(inspectArguments(lot, database, QStringLiteral("arriving")));
    QVERIFY2(after.exitCode == 0 || after.exitCode == 1, qPrintable(after.all()));
    const QVector<PartRecord> rows = storedParts(database, QStringLiteral("arriving"));
    QCOMPARE(rows.size(), 3);
    QVERIFY(partsByPath(rows).value(arriving).verdict != Verdict::Error);
}

void TestCliInputs::referencesEmptyFolder()
{
    // The model path does not exist and the database folder is fresh: the
    // reference error must come first, with no database created.
    const QString empty = path(QStringLiteral("no references"));
    QVERIFY(QDir().mkpath(empty));
    writeBytes(QDir(empty).filePath(QStringLiteral("readme.txt")), "put good parts here\n");
    const QString database = path(QStringLiteral("never/lots.sqlite"));
    QStringList arguments{QStringLiteral("inspect"), QStringLiteral("--references"), empty, QStringLiteral("--lot"), mLot,
                          QStringLiteral("--db"), database, QStringLiteral("--out"), path(QStringLiteral("out")),
                          QStringLiteral("--model"), path(QStringLiteral("no-such-model"))};
    const CommandResult result = runPatchead(arguments);
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.contains(QFileInfo(empty).absoluteFilePath()), qPrintable(result.err));
    QVERIFY2(result.err.contains(QStringLiteral("contains no images")), qPrintable(result.err));
    QVERIFY2(!result.err.contains(QStringLiteral("no-such-model")), qPrintable(result.err));
    QVERIFY(!QFileInfo::exists(database));
}

void TestCliInputs::referencesOne()
{
    const QString one = path(QStringLiteral("one reference"));
    writeParts(one, QStringLiteral("ref"), 1, 128, 50);
    const QString database = path(QStringLiteral("one.sqlite"));
    QStringList arguments = inspectArguments(path(QStringLiteral("arriving")), database, QStringLiteral("one"));
    arguments[arguments.indexOf(QStringLiteral("--references")) + 1] = one;

    const CommandResult derived = runPatchead(arguments);
    QCOMPARE(derived.exitCode, 2);
    QVERIFY2(derived.err.contains(QStringLiteral("at least two reference images")), qPrintable(derived.err));
    QVERIFY2(derived.err.contains(QStringLiteral("--threshold")), qPrintable(derived.err));
    // Refused before the encoder loads: no database and no heatmap folder.
    QVERIFY2(!derived.err.contains(QStringLiteral("Loaded encoder")), qPrintable(derived.err));
    QVERIFY(!QFileInfo::exists(database));

    // With a fixed threshold one reference is enough.
    const CommandResult fixed = runPatchead(arguments + QStringList{QStringLiteral("--threshold"), QStringLiteral("0.2")});
    QVERIFY2(fixed.exitCode == 0 || fixed.exitCode == 1, qPrintable(fixed.all()));
    QCOMPARE(storedParts(database, QStringLiteral("one")).size(), 3);
}

void TestCliInputs::referencesIdentical()
{
    const QString copies = path(QStringLiteral("copies"));
    const QString first = writeParts(copies, QStringLiteral("ref"), 1, 128, 60).first();
    for (int i = 1; i < 4; ++i)
        QVERIFY(QFile::copy(first, QDir(copies).filePath(QStringLiteral("copy_%1.png").arg(i))));
    const QString database = path(QStringLiteral("copies.sqlite"));
    QStringList arguments = inspectArguments(path(QStringLiteral("arriving")), database, QStringLiteral("copies"));
    arguments[arguments.indexOf(QStringLiteral("--references")) + 1] = copies;

    const CommandResult result = runPatchead(arguments);
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.contains(QStringLiteral("identical in content")), qPrintable(result.err));
    QVERIFY(storedParts(database, QStringLiteral("copies")).isEmpty());
}

// A frame of sensor noise among the good samples raises the derived
// thresholds so that defects pass; the run names it. (A uniform frame does
// not: the foreground mask leaves it little to score.)
void TestCliInputs::referencesOutlierWarned()
{
    const QString references = path(QStringLiteral("references with a noise frame"));
    writeParts(references, QStringLiteral("ref"), 4, 128, 0);
    const QString noise = QDir(references).filePath(QStringLiteral("ref_noise.png"));
    cv::Mat pixels(128, 128, CV_8UC3);
    cv::RNG random(7);
    random.fill(pixels, cv::RNG::UNIFORM, 0, 256);
    writeImage(noise, pixels);
    const QString database = path(QStringLiteral("outlier.sqlite"));
    QStringList arguments = inspectArguments(mReferences, database, QStringLiteral("outlier"));
    arguments[arguments.indexOf(QStringLiteral("--references")) + 1] = references;
    const CommandResult result = runPatchead(arguments);
    QVERIFY2(result.exitCode == 0 || result.exitCode == 1, qPrintable(result.all()));
    QVERIFY2(result.out.contains(QStringLiteral("warning: reference %1 looks unlike the others").arg(noise)),
             qPrintable(result.out));
    QCOMPARE(result.out.count(QStringLiteral("looks unlike the others")), 1);

    const CommandResult clean = runPatchead(inspectArguments(mLot, path(QStringLiteral("clean.sqlite")),
                                                             QStringLiteral("clean")));
    QVERIFY2(!clean.out.contains(QStringLiteral("looks unlike the others")), qPrintable(clean.out));
}

void TestCliInputs::referencesAreLotRejected()
{
    const QString database = path(QStringLiteral("self.sqlite"));
    QStringList arguments = inspectArguments(mReferences, database, QStringLiteral("self"));
    const CommandResult result = runPatchead(arguments);
    QVERIFY2(result.exitCode == 2, qPrintable(result.all()));
    QVERIFY2(result.err.contains(QStringLiteral("is the lot folder, so every part would be compared with itself")),
             qPrintable(result.err));
    QVERIFY(!QFileInfo::exists(database));
}

void TestCliInputs::referencesOtherSize()
{
    // References of 192 x 192 pixels, parts of 160 x 120: both are resized
    // to the encoder input, so the lot is scored.
    const QString references = path(QStringLiteral("large references"));
    writeParts(references, QStringLiteral("ref"), 4, 192, 0);
    const QString lot = path(QStringLiteral("small parts"));
    for (int i = 0; i < 3; ++i) {
        cv::Mat bgr;
        cv::cvtColor(renderPart(70 + i, 160), bgr, cv::COLOR_RGB2BGR);
        writeImage(QDir(lot).filePath(QStringLiteral("part_%1.png").arg(i)), bgr(cv::Rect(0, 20, 160, 120)).clone());
    }
    const QString database = path(QStringLiteral("sizes.sqlite"));
    QStringList arguments = inspectArguments(lot, database, QStringLiteral("sizes"));
    arguments[arguments.indexOf(QStringLiteral("--references")) + 1] = references;
    const CommandResult result = runPatchead(arguments);
    QVERIFY2(result.exitCode == 0 || result.exitCode == 1, qPrintable(result.all()));
    const QVector<PartRecord> parts = storedParts(database, QStringLiteral("sizes"));
    QCOMPARE(parts.size(), 3);
    for (const PartRecord &part : parts) {
        QVERIFY(part.verdict != Verdict::Error);
        QCOMPARE(part.imageWidth, 160);
        QCOMPARE(part.imageHeight, 120);
    }
}

QString TestCliInputs::writeModelCopy(const QString &name, const std::function<void(QJsonObject &, QByteArray &)> &change)
{
    const QString source = defaultEncoderFolder();
    QFile manifestFile(QDir(source).filePath(QStringLiteral("manifest.json")));
    QFile moduleFile(QDir(source).filePath(QStringLiteral("mobilenet_v2.pt")));
    if (!manifestFile.open(QIODevice::ReadOnly) || !moduleFile.open(QIODevice::ReadOnly))
        return {};
    QJsonObject manifest = QJsonDocument::fromJson(manifestFile.readAll()).object();
    QByteArray module = moduleFile.readAll();
    change(manifest, module);
    const QString folder = path(QStringLiteral("models/") + name);
    writeBytes(QDir(folder).filePath(QStringLiteral("mobilenet_v2.pt")), module);
    if (!manifest.isEmpty())
        writeBytes(QDir(folder).filePath(QStringLiteral("manifest.json")), QJsonDocument(manifest).toJson());
    return folder;
}

void TestCliInputs::model_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QStringList>("expected"); // words of the message, in any order

    QTest::newRow("missing") << "missing" << QStringList{"not found", "models/missing"};
    QTest::newRow("truncated module") << "truncated" << QStringList{"mobilenet_v2.pt", "changed or truncated"};
    QTest::newRow("not torchscript") << "not-torchscript" << QStringList{"mobilenet_v2.pt", "not a TorchScript file"};
    QTest::newRow("manifest missing") << "no-manifest" << QStringList{"models/no-manifest", "manifest"};
    QTest::newRow("manifest not json") << "not-json" << QStringList{"manifest.json", "not valid JSON"};
    QTest::newRow("manifest without outputs") << "no-outputs" << QStringList{"manifest.json", "\"outputs\""};
    QTest::newRow("outputs not matching") << "wrong-channels" << QStringList{"does not match its manifest", "channels"};
    QTest::newRow("wrong input size") << "wrong-input" << QStringList{"mobilenet_v2.pt", "failed on a 8x8 input", "min_width"};
}

void TestCliInputs::model()
{
    QFETCH(QString, name);
    QFETCH(QStringList, expected);

    const auto setHash = [](QJsonObject &manifest, const QByteArray &module) {
        manifest[QStringLiteral("module_sha256")] =
            QString::fromLatin1(QCryptographicHash::hash(module, QCryptographicHash::Sha256).toHex());
    };
    QString folder = path(QStringLiteral("models/missing"));
    if (name == QLatin1String("truncated"))
        folder = writeModelCopy(name, [](QJsonObject &, QByteArray &module) { module.truncate(module.size() / 2); });
    else if (name == QLatin1String("not-torchscript"))
        folder = writeModelCopy(name, [&](QJsonObject &manifest, QByteArray &module) {
            module = "this is a README, not a model\n";
            setHash(manifest, module);
        });
    else if (name == QLatin1String("no-manifest"))
        folder = writeModelCopy(name, [](QJsonObject &manifest, QByteArray &) { manifest = {}; });
    else if (name == QLatin1String("not-json")) {
        folder = writeModelCopy(name, [](QJsonObject &, QByteArray &) {});
        writeBytes(QDir(folder).filePath(QStringLiteral("manifest.json")), "{\"format\": \"patchead-encoder\",");
    } else if (name == QLatin1String("no-outputs"))
        folder = writeModelCopy(name, [](QJsonObject &manifest, QByteArray &) { manifest.remove(QStringLiteral("outputs")); });
    else if (name == QLatin1String("wrong-channels"))
        folder = writeModelCopy(name, [](QJsonObject &manifest, QByteArray &) {
            QJsonArray outputs = manifest.value(QStringLiteral("outputs")).toArray();
            QJsonObject first = outputs.at(0).toObject();
            first[QStringLiteral("channels")] = first.value(QStringLiteral("channels")).toInt() + 8;
            outputs[0] = first;
            manifest[QStringLiteral("outputs")] = outputs;
        });
    else if (name == QLatin1String("wrong-input"))
        folder = writeModelCopy(name, [](QJsonObject &manifest, QByteArray &) {
            // Smaller than the network's first 3 x 3 convolution can take after its strides.
            QJsonObject input = manifest.value(QStringLiteral("input")).toObject();
            input[QStringLiteral("width")] = 8;
            input[QStringLiteral("height")] = 8;
            manifest[QStringLiteral("input")] = input;
        });
    QVERIFY(!folder.isEmpty());

    const QString databaseBefore = fileSha256Hex(mDatabase);
    const CommandResult result = runPatchead(inspectArguments(mLot, mDatabase, QStringLiteral("mixed"))
                                             + QStringList{QStringLiteral("--model"), folder});
    QVERIFY2(result.exitCode == 3, qPrintable(result.all()));
    for (const QString &word : expected)
        QVERIFY2(result.err.contains(word), qPrintable(QStringLiteral("\"%1\" not in: %2").arg(word, result.err)));
    QCOMPARE(errorLineCount(result.err), 1);
    // The encoder loads before the database opens, so the database is untouched.
    QCOMPARE(fileSha256Hex(mDatabase), databaseBefore);
}

QTEST_GUILESS_MAIN(TestCliInputs)
void TestCliInputs::badOptions_data()
{
    QTest::addColumn<QStringList>("options");
    QTest::addColumn<QString>("expected"); // start of the one error line

    QTest::newRow("negative reject margin") << QStringList{"--reject-margin", "-1"} << "Error: Reject margin -1 is out of range";
    QTest::newRow("negative thread count") << QStringList{"--threads", "-3"} << "Error: --threads -3 is out of range";
    QTest::newRow("thread count not a number") << QStringList{"--threads", "two"} << "Error: --threads needs a whole number";
    QTest::newRow("unknown device") << QStringList{"--device", "gpu"} << "Error: --device \"gpu\" is not a device";
    QTest::newRow("device index not a number") << QStringList{"--device", "cuda:x"} << "Error: --device \"cuda:x\" is not a device";
    QTest::newRow("resolution too small") << QStringList{"--resolution", "7"} << "Error: Resolution 7 is out of range";
    QTest::newRow("zero threshold") << QStringList{"--threshold", "0"} << "Error: --threshold 0 is not a reject threshold";
    QTest::newRow("review threshold alone") << QStringList{"--review-threshold", "0.1"}
                                            << "Error: --review-threshold needs --threshold";
    QTest::newRow("sigma not a number") << QStringList{"--sigma", "nan"} << "Error: --sigma needs a number";
    QTest::newRow("option given twice") << QStringList{"--threshold", "0.2", "--threshold", "0.1"}
                                        << "Error: --threshold was given more than once (0.2, 0.1); give it once.";
    QTest::newRow("stray argument") << QStringList{"--name", "a", "b"}
                                    << "Error: \"b\" is not an option or the value of one.";
    QTest::newRow("no mask beside a region") << QStringList{"--mask", "none", "--roi", "0.1,0.1,0.8,0.8"}
                                             << "Error: --mask none turns masking off, but --roi";
    QTest::newRow("decimal comma") << QStringList{"--threshold", "1,5"}
                                   << "Error: --threshold needs a number, got \"1,5\". Write decimals with a point: 1.5.";
    QTest::newRow("region outside the image") << QStringList{"--mask", "region", "--roi", "2,2,0.5,0.5"}
                                              << "Error: --roi needs x,y,width,height";
    QTest::newRow("region not a number") << QStringList{"--mask", "region", "--roi", "nan,0,1,1"}
                                         << "Error: --roi needs x,y,width,height";
    QTest::newRow("region with a fifth value") << QStringList{"--mask", "region", "--roi", "0.1,0.1,0.8,0.8,junk"}
                                               << "Error: --roi needs x,y,width,height";
    QTest::newRow("even neighbourhood") << QStringList{"--neighbourhood", "4"}
                                        << "Error: Neighbourhood 4 must be an odd number from 1 to 9.";
}

// Bad option values are usage errors (exit 2), refused before the encoder
// loads or the database is created.
void TestCliInputs::badOptions()
{
    QFETCH(QStringList, options);
    QFETCH(QString, expected);
    QVERIFY(QDir().mkpath(path(QStringLiteral("bad-options"))));
    const QString database = path(QStringLiteral("bad-options/lots.sqlite"));
    const CommandResult result = runPatchead(withOptions(inspectArguments(mLot, database, QStringLiteral("options")), options));
    QVERIFY2(result.exitCode == 2, qPrintable(result.all()));
    QVERIFY2(result.err.contains(expected), qPrintable(result.err));
    QCOMPARE(errorLineCount(result.err), 1);
    QVERIFY2(!result.err.contains(QStringLiteral("Loaded encoder")), qPrintable(result.err));
    QVERIFY(!QFileInfo::exists(database));
}

void TestCliInputs::encoderSettingsLeaveNoDatabase_data()
{
    QTest::addColumn<QStringList>("options");
    QTest::addColumn<QString>("expected");
    QTest::newRow("unknown layer") << QStringList{"--layers", "nosuchlayer"}
                                   << "Error: Layer \"nosuchlayer\" is not an output of encoder";
    QTest::newRow("unknown layer lists the layers") << QStringList{"--layers", "block_99_add"}
                                                    << "its feature layers are block_";
    QTest::newRow("attention mask on a CNN") << QStringList{"--mask", "attention"}
                                             << "Error: The attention mask needs a ViT encoder";
}

// Settings that only the loaded encoder can check are refused after it
// loads but still before the database file is created.
void TestCliInputs::encoderSettingsLeaveNoDatabase()
{
    QFETCH(QStringList, options);
    QFETCH(QString, expected);
    QVERIFY(QDir().mkpath(path(QStringLiteral("encoder-settings"))));
    const QString database = path(QStringLiteral("encoder-settings/lots.sqlite"));
    const CommandResult result = runPatchead(withOptions(inspectArguments(mLot, database, QStringLiteral("options")), options));
    QVERIFY2(result.exitCode == 2, qPrintable(result.all()));
    QVERIFY2(result.err.contains(expected), qPrintable(result.err));
    QVERIFY(!QFileInfo::exists(database));
}

// With the database in one folder and --out in another that does not exist
// yet, and a lot name with path characters, the CSV lands inside --out.
void TestCliInputs::outputPathsStayWhereGiven()
{
    QVERIFY(QDir().mkpath(path(QStringLiteral("database-folder"))));
    const QString database = path(QStringLiteral("database-folder/lots.sqlite"));
    const QString out = path(QStringLiteral("elsewhere"));
    QStringList arguments = clitest::inspectArguments(mReferences, mLot, database, QStringLiteral("../escape"), out);
    arguments.removeAll(QStringLiteral("--no-heatmaps"));
    const CommandResult result = runPatchead(arguments);
    // Exit code 6, because the lot contains the unreadable images of lotImages().
    QVERIFY2(result.exitCode == 6, qPrintable(result.all()));
    QVERIFY(QFileInfo::exists(database));
    // The name changed on its way to a file name, so it carries 8 hex digits
    // of the SHA-256 of the full name.
    const QString stem = QStringLiteral("___escape-")
        + QString::fromLatin1(QCryptographicHash::hash("../escape", QCryptographicHash::Sha256).toHex().left(8));
    QVERIFY2(QFileInfo::exists(QDir(out).filePath(stem + QStringLiteral(".csv"))), qPrintable(result.all()));
    QVERIFY(!QFileInfo::exists(path(QStringLiteral("escape.csv"))));
    // Overlays go to a folder of their own lot, named like the CSV.
    const QDir heatmaps(QDir(out).filePath(QStringLiteral("heatmaps")));
    QCOMPARE(heatmaps.entryList(QDir::Dirs | QDir::NoDotAndDotDot), QStringList{stem});
    QVERIFY(heatmaps.entryList(QDir::Files).isEmpty());
    QVERIFY2(!QDir(heatmaps.filePath(stem)).entryList(QDir::Files).isEmpty(),
             qPrintable(result.all()));
    const std::unique_ptr<LotStore> store = LotStore::open(database, LotStore::Mode::ReadOnly);
    QVERIFY(store->findLot(QStringLiteral("../escape")).has_value());
}

// Output paths that would replace the database or put heatmaps among the
// lot's images are usage errors, found before the encoder loads. The
// database is left byte for byte as it was.
void TestCliInputs::outputsCollidingWithInputs_data()
{
    QTest::addColumn<QString>("option");
    QTest::addColumn<QString>("target"); // "database", "database link", "database-wal" or "lot"
    QTest::addColumn<QString>("expected");
    QTest::newRow("csv is the database") << "--csv" << "database" << "is the lot database given with --db";
    QTest::newRow("csv is a link to the database") << "--csv" << "database link" << "is the lot database given with --db";
    QTest::newRow("csv is the write-ahead log") << "--csv" << "database-wal" << "(its -wal file)";
    QTest::newRow("heatmaps in the lot folder") << "--heatmaps" << "lot" << "is the lot folder";
}

void TestCliInputs::outputsCollidingWithInputs()
{
    QFETCH(QString, option);
    QFETCH(QString, target);
    QFETCH(QString, expected);
    QString value = target == QLatin1String("lot") ? mLot : mDatabase;
    if (target == QLatin1String("database-wal"))
        value += QStringLiteral("-wal");
    if (target == QLatin1String("database link")) {
        value = path(QStringLiteral("link-to-lots.sqlite"));
        QVERIFY(QFile::link(mDatabase, value) || QFileInfo(value).isSymLink());
    }
    const QString before = fileSha256Hex(mDatabase);
    QStringList arguments = inspectArguments(mLot, mDatabase, QStringLiteral("mixed"));
    arguments.removeAll(QStringLiteral("--no-heatmaps"));
    arguments << option << value;
    const CommandResult result = runPatchead(arguments);
    QVERIFY2(result.exitCode == 2, qPrintable(result.all()));
    QVERIFY2(result.err.contains(expected), qPrintable(result.err));
    QVERIFY2(!result.err.contains(QStringLiteral("Loaded encoder")), qPrintable(result.err));
    QCOMPARE(fileSha256Hex(mDatabase), before);
    QVERIFY(LotStore::open(mDatabase, LotStore::Mode::ReadOnly)->findLot(QStringLiteral("mixed")).has_value());
}

// "line/1" and "line_1" would both become line_1.csv and heatmaps/line_1.
void TestCliInputs::similarLotNamesKeepOwnFiles()
{
    const QString out = path(QStringLiteral("similar-out"));
    const QString database = path(QStringLiteral("similar.sqlite"));
    const QString lot = path(QStringLiteral("similar lot"));
    writeParts(lot, QStringLiteral("part"), 3, 128, 40);
    QStringList csvPaths;
    for (const QString &name : {QStringLiteral("line/1"), QStringLiteral("line_1")}) {
        const CommandResult result = runPatchead(clitest::inspectArguments(mReferences, lot, database, name, out));
        QVERIFY2(result.exitCode == 0 || result.exitCode == 1, qPrintable(result.all()));
        const QRegularExpression csvLine(QStringLiteral("CSV (.+\\.csv)"));
        const QRegularExpressionMatch match = csvLine.match(result.out);
        QVERIFY2(match.hasMatch(), qPrintable(result.out));
        csvPaths.append(match.captured(1));
    }
    QVERIFY2(csvPaths[0] != csvPaths[1], qPrintable(csvPaths.join(QLatin1Char(' '))));
    QVERIFY(QFileInfo::exists(csvPaths[0]));
    QVERIFY(QFileInfo::exists(csvPaths[1]));
    QVERIFY(csvPaths[1].endsWith(QStringLiteral("/line_1.csv")));
}

// A resumed lot keeps its stored threshold and operator, and the run prints
// a note instead of dropping the options without a word.
void TestCliInputs::resumeNamesIgnoredOptions()
{
    const QString database = path(QStringLiteral("resume-options.sqlite"));
    const QString name = QStringLiteral("resume options");
    const QString lot = path(QStringLiteral("resume lot"));
    writeParts(lot, QStringLiteral("part"), 3, 128, 50);
    QStringList first = clitest::inspectArguments(mReferences, lot, database, name, path(QStringLiteral("resume-out")));
    first << QStringLiteral("--threshold") << QStringLiteral("0.05") << QStringLiteral("--operator") << QStringLiteral("alice");
    const CommandResult firstRun = runPatchead(first);
    QVERIFY2(firstRun.exitCode == 0 || firstRun.exitCode == 1, qPrintable(firstRun.all()));
    QVERIFY2(!firstRun.out.contains(QStringLiteral("was not applied")), qPrintable(firstRun.out));

    QStringList second = clitest::inspectArguments(mReferences, lot, database, name, path(QStringLiteral("resume-out")));
    second << QStringLiteral("--threshold") << QStringLiteral("0.2") << QStringLiteral("--operator") << QStringLiteral("bob");
    const CommandResult resumed = runPatchead(second);
    const QString margin = path(QStringLiteral("resume-margin.sqlite"));
    QStringList derived = clitest::inspectArguments(mReferences, lot, margin, name, path(QStringLiteral("resume-out")));
    QVERIFY(runPatchead(derived).exitCode <= 1);
    derived << QStringLiteral("--reject-margin") << QStringLiteral("0.5");
    const CommandResult marginRun = runPatchead(derived);
    QVERIFY2(marginRun.out.contains(QStringLiteral("note: --reject-margin 0.5 was not applied: the lot keeps its "
                                                   "stored thresholds, derived with margin 0.1.")),
             qPrintable(marginRun.all()));
    QVERIFY2(resumed.exitCode == 0 || resumed.exitCode == 1, qPrintable(resumed.all()));
    QVERIFY2(resumed.out.contains(QStringLiteral("note: --threshold 0.2 was not applied: the lot keeps its stored "
                                                 "reject threshold 0.05")),
             qPrintable(resumed.out));
    QVERIFY2(resumed.out.contains(QStringLiteral("note: --operator bob was not applied: the lot keeps its operator alice")),
             qPrintable(resumed.out));
}

void TestCliInputs::commandHelpNamesCommand()
{
    for (const QString &command : {QStringLiteral("inspect"), QStringLiteral("eval"), QStringLiteral("report")}) {
        const CommandResult help = runPatchead({command, QStringLiteral("--help")});
        QCOMPARE(help.exitCode, 0);
        QVERIFY2(help.out.startsWith(QStringLiteral("Usage: patchead %1 [options]").arg(command)), qPrintable(help.out));
    }
}

// Overlays written into a data set would be scored as test images by the
// next evaluation, and a repeated seed would count one draw twice. Both
// stop the command before it loads the encoder.
void TestCliInputs::evalOverlaysOutsideData()
{
    const QString dataset = path(QStringLiteral("eval-set/part"));
    writeParts(dataset + QStringLiteral("/train/good"), QStringLiteral("t"), 2, 64, 80);
    writeParts(dataset + QStringLiteral("/test/good"), QStringLiteral("g"), 2, 64, 90);
    const QStringList before = QDir(dataset + QStringLiteral("/test/good")).entryList(QDir::Files);
    const CommandResult result = runPatchead({QStringLiteral("eval"), QStringLiteral("--dataset"), dataset,
                                              QStringLiteral("--shots"), QStringLiteral("2"), QStringLiteral("--overlays"),
                                              dataset + QStringLiteral("/test/good")});
    QVERIFY2(result.exitCode == 2, qPrintable(result.all()));
    QVERIFY2(result.err.contains(QStringLiteral("lies inside the data set folder")), qPrintable(result.err));
    QCOMPARE(QDir(dataset + QStringLiteral("/test/good")).entryList(QDir::Files), before);

    const CommandResult seeds = runPatchead({QStringLiteral("eval"), QStringLiteral("--dataset"), dataset,
                                             QStringLiteral("--shots"), QStringLiteral("2"), QStringLiteral("--seeds"),
                                             QStringLiteral("0,0")});
    QVERIFY2(seeds.exitCode == 2, qPrintable(seeds.all()));
    QVERIFY2(seeds.err.contains(QStringLiteral("--seeds \"0,0\" repeats seed 0; give distinct seeds.")),
             qPrintable(seeds.err));
}

#include "test_cli_inputs.moc"
