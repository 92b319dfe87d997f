#include "common/Error.h"
#include "inspection/InspectionSettings.h"

#include <QtTest>

using namespace patchead;

class TestInspectionSettings : public QObject {
    Q_OBJECT

private slots:
    void jsonRoundTrip()
    {
        InspectionSettings settings;
        settings.layers = {QStringLiteral("a"), QStringLiteral("b")};
        settings.resolution = 320;
        settings.features.neighbourhood = 5;
        settings.imageScore.rule = ImageScoreRule::Max;
        settings.alignment.mode = AlignmentMode::Always;
        settings.alignment.rotationStepDegrees = 90;
        settings.alignment.allowFlips = false;
        settings.mapSigma = 0.0;
        settings.threshold.rejectMargin = 0.25;
        settings.fixedRejectThreshold = 0.3;
        settings.fixedReviewThreshold = 0.2;
        const InspectionSettings back = InspectionSettings::fromJson(settings.toJson());
        QCOMPARE(back.toJson(), settings.toJson());
        QCOMPARE(back.layers, settings.layers);
        QCOMPARE(back.alignment.mode, AlignmentMode::Always);
    }

    void invalidValuesAreRejected_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QJsonValue>("value");
        QTest::newRow("even neighbourhood") << "neighbourhood" << QJsonValue(2);
        QTest::newRow("zero top fraction") << "top_fraction" << QJsonValue(0.0);
        QTest::newRow("rotation step 30") << "rotation_step" << QJsonValue(30);
        QTest::newRow("negative sigma") << "map_sigma" << QJsonValue(-1.0);
        QTest::newRow("unknown alignment") << "alignment" << QJsonValue(QStringLiteral("sometimes"));
        QTest::newRow("huge resolution") << "resolution" << QJsonValue(100000);
    }

    void invalidValuesAreRejected()
    {
        QFETCH(QString, key);
        QFETCH(QJsonValue, value);
        QJsonObject json = InspectionSettings().toJson();
        json[key] = value;
        QVERIFY_THROWS_EXCEPTION(SettingsError, InspectionSettings::fromJson(json));
    }

    void reviewAboveRejectIsRejected()
    {
        InspectionSettings settings;
        settings.fixedRejectThreshold = 0.2;
        settings.fixedReviewThreshold = 0.3;
        QVERIFY_THROWS_EXCEPTION(SettingsError, settings.validate());
    }
};

QTEST_APPLESS_MAIN(TestInspectionSettings)
#include "test_inspection_settings.moc"
