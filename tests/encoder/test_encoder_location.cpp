// Where the programs look for prepared encoders, which preparation command
// they name, and the --version text built from both. The per-user folder
// follows XDG_DATA_HOME, so each test points it at a temporary folder.
#include "common/Error.h"
#include "encoder/EncoderLocation.h"
#include "encoder/EncoderManifest.h"
#include "encoder/VersionReport.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest>

using namespace patchead;

namespace {

// The default encoder the build prepared (CTest sets PATCHEAD_MODEL_DIR to
// the build's encoder folder), or an empty string.
QString preparedDefaultEncoder()
{
    const QString folder = qEnvironmentVariable("PATCHEAD_MODEL_DIR", QStringLiteral(PATCHEAD_BINARY_DIR "/models"))
                           + QStringLiteral("/mobilenet_v2");
    return QFileInfo::exists(folder + QStringLiteral("/manifest.json")) ? folder : QString();
}

// Copies the manifest and module of a prepared encoder into `target`.
bool copyEncoder(const QString &source, const QString &target)
{
    QDir().mkpath(target);
    return QFile::copy(source + QStringLiteral("/manifest.json"), target + QStringLiteral("/manifest.json"))
        && QFile::copy(source + QStringLiteral("/mobilenet_v2.pt"), target + QStringLiteral("/mobilenet_v2.pt"));
}

} // namespace

class TestEncoderLocation : public QObject {
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void userFolderFollowsXdgDataHome();
    void searchOrderPutsUserBeforeShare();
    void preparationCommandForBuildTree();
    void missingEncoderNamesCommand();
    void versionReportsEncoderHash();
    void versionReportsAlteredModule();

private:
    QTemporaryDir mData;
    QByteArray mSavedModelDir;
    QByteArray mSavedDataHome;
};

void TestEncoderLocation::init()
{
    QVERIFY(mData.isValid());
    mSavedModelDir = qgetenv("PATCHEAD_MODEL_DIR");
    mSavedDataHome = qgetenv("XDG_DATA_HOME");
    qputenv("XDG_DATA_HOME", mData.path().toUtf8());
}

void TestEncoderLocation::cleanup()
{
    qputenv("PATCHEAD_MODEL_DIR", mSavedModelDir);
    qputenv("XDG_DATA_HOME", mSavedDataHome);
}

void TestEncoderLocation::userFolderFollowsXdgDataHome()
{
    QCOMPARE(userEncoderFolder(), mData.filePath(QStringLiteral("patchead/models")));
}

void TestEncoderLocation::searchOrderPutsUserBeforeShare()
{
    qputenv("PATCHEAD_MODEL_DIR", "/nonexistent/models");
    const QStringList folders = encoderSearchFolders();
    QCOMPARE(folders.size(), 4);
    QCOMPARE(folders.at(0), QStringLiteral("/nonexistent/models"));
    QCOMPARE(folders.at(2), userEncoderFolder());
    QVERIFY2(folders.at(3).endsWith(QStringLiteral("share/patchead/models")), qPrintable(folders.at(3)));
}

void TestEncoderLocation::preparationCommandForBuildTree()
{
    // The test runs from the build tree, where no models-src is installed.
    QVERIFY(installedEncoderSources().isEmpty());
    qputenv("PATCHEAD_MODEL_DIR", "/tmp/prepared-models");
    QCOMPARE(encoderPreparationFolder(), QStringLiteral("/tmp/prepared-models"));
    const QString command = encoderPreparationCommand();
    QVERIFY2(command.endsWith(QStringLiteral("/models/prepare-default-encoder.sh /tmp/prepared-models")),
             qPrintable(command));
    QVERIFY2(QFileInfo::exists(command.section(QLatin1Char(' '), 0, 0)), qPrintable(command));
}

void TestEncoderLocation::missingEncoderNamesCommand()
{
    QTemporaryDir empty;
    qputenv("PATCHEAD_MODEL_DIR", empty.path().toUtf8());
    try {
        loadEncoderManifest(empty.filePath(QStringLiteral("mobilenet_v2/manifest.json")));
        QFAIL("A missing manifest was loaded");
    } catch (const ModelError &error) {
        QVERIFY2(error.message().contains(encoderPreparationCommand()), qPrintable(error.message()));
    }
}

void TestEncoderLocation::versionReportsEncoderHash()
{
    const QString prepared = preparedDefaultEncoder();
    if (prepared.isEmpty())
        QSKIP("The default encoder is not prepared: run models/prepare-default-encoder.sh BUILD_DIR/models");
    QTemporaryDir models;
    QVERIFY(copyEncoder(prepared, models.filePath(QStringLiteral("mobilenet_v2"))));
    qputenv("PATCHEAD_MODEL_DIR", models.path().toUtf8());

    QFile module(models.filePath(QStringLiteral("mobilenet_v2/mobilenet_v2.pt")));
    QVERIFY(module.open(QIODevice::ReadOnly));
    const QString sha256 = QString::fromLatin1(QCryptographicHash::hash(module.readAll(), QCryptographicHash::Sha256).toHex());

    const QStringList lines = versionReport(QStringLiteral("patchead"), QStringLiteral("9.9.9")).split(QLatin1Char('\n'));
    QCOMPARE(lines.value(0), QStringLiteral("patchead 9.9.9"));
    QVERIFY2(lines.value(1).startsWith(QStringLiteral("LibTorch ")), qPrintable(lines.value(1)));
    QVERIFY2(lines.value(1).contains(QStringLiteral("device ")), qPrintable(lines.value(1)));
    QVERIFY2(lines.value(2).contains(QStringLiteral("sha256 ") + sha256), qPrintable(lines.value(2)));
}

void TestEncoderLocation::versionReportsAlteredModule()
{
    const QString prepared = preparedDefaultEncoder();
    if (prepared.isEmpty())
        QSKIP("The default encoder is not prepared: run models/prepare-default-encoder.sh BUILD_DIR/models");
    QTemporaryDir models;
    QVERIFY(copyEncoder(prepared, models.filePath(QStringLiteral("mobilenet_v2"))));
    qputenv("PATCHEAD_MODEL_DIR", models.path().toUtf8());
    QFile module(models.filePath(QStringLiteral("mobilenet_v2/mobilenet_v2.pt")));
    QVERIFY(module.open(QIODevice::Append));
    QVERIFY(module.write("x") == 1);
    module.close();

    const QString report = versionReport(QStringLiteral("patchead"), QStringLiteral("9.9.9"));
    QVERIFY2(report.contains(QStringLiteral("altered")), qPrintable(report));
    QVERIFY2(report.contains(encoderPreparationCommand()), qPrintable(report));
}

QTEST_GUILESS_MAIN(TestEncoderLocation)
#include "test_encoder_location.moc"
