#include "common/Error.h"
#include "dataset/KShotSelection.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <random>
#include <set>

using namespace patchead;

// K-shot selection against tests/fixtures/metrics/kshot_selection.json, whose
// indices tools/fixtures/make_metric_fixtures.py computed with numpy's MT19937.
class KShotSelectionTest : public QObject {
    Q_OBJECT

private slots:
    void engineSequenceStandard();
    void matchesFixture_data();
    void matchesFixture();
    void smallerKIsPrefix();
    void indicesDistinct();
    void mapsImages();
    void invalidK_data();
    void invalidK();
};

// The C++ standard fixes the 10000th output of a default-constructed mt19937.
void KShotSelectionTest::engineSequenceStandard()
{
    std::mt19937 engine;
    engine.discard(9999);
    QCOMPARE(quint32(engine()), quint32(4123659995u));
}

void KShotSelectionTest::matchesFixture_data()
{
    QTest::addColumn<int>("count");
    QTest::addColumn<int>("k");
    QTest::addColumn<quint32>("seed");
    QTest::addColumn<QList<int>>("expected");

    QFile file(QStringLiteral(PATCHEAD_SOURCE_DIR "/tests/fixtures/metrics/kshot_selection.json"));
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.fileName()));
    const QJsonArray cases = QJsonDocument::fromJson(file.readAll()).object()["cases"].toArray();
    QVERIFY(!cases.isEmpty());
    for (const QJsonValue &value : cases) {
        const QJsonObject selection = value.toObject();
        QList<int> expected;
        for (const QJsonValue &index : selection["indices"].toArray())
            expected.append(index.toInt());
        const int count = selection["count"].toInt();
        const int k = selection["k"].toInt();
        const quint32 seed = quint32(selection["seed"].toInteger());
        QTest::addRow("%d of %d, seed %u", k, count, seed) << count << k << seed << expected;
    }
}

void KShotSelectionTest::matchesFixture()
{
    QFETCH(int, count);
    QFETCH(int, k);
    QFETCH(quint32, seed);
    QFETCH(QList<int>, expected);
    const std::vector<int> selected = selectKShotIndices(count, k, seed);
    QCOMPARE(QList<int>(selected.begin(), selected.end()), expected);
}

void KShotSelectionTest::smallerKIsPrefix()
{
    const std::vector<int> four = selectKShotIndices(64, 4, 2024);
    const std::vector<int> eight = selectKShotIndices(64, 8, 2024);
    QVERIFY(std::equal(four.begin(), four.end(), eight.begin()));
}

void KShotSelectionTest::indicesDistinct()
{
    const std::vector<int> all = selectKShotIndices(50, 50, 99);
    const std::set<int> unique(all.begin(), all.end());
    QCOMPARE(unique.size(), size_t(50));
    QCOMPARE(*unique.begin(), 0);
    QCOMPARE(*unique.rbegin(), 49);
}

void KShotSelectionTest::mapsImages()
{
    const QStringList images = {"a.png", "b.png", "c.png", "d.png", "e.png"};
    const std::vector<int> indices = selectKShotIndices(5, 2, 17);
    const QStringList expected = {images[indices[0]], images[indices[1]]};
    QCOMPARE(selectKShot(images, 2, 17), expected);
}

void KShotSelectionTest::invalidK_data()
{
    QTest::addColumn<int>("count");
    QTest::addColumn<int>("k");
    QTest::newRow("zero") << 10 << 0;
    QTest::newRow("negative") << 10 << -1;
    QTest::newRow("above count") << 10 << 11;
    QTest::newRow("no images") << 0 << 1;
}

void KShotSelectionTest::invalidK()
{
    QFETCH(int, count);
    QFETCH(int, k);
    QVERIFY_THROWS_EXCEPTION(SettingsError, selectKShotIndices(count, k, 1));
}

QTEST_APPLESS_MAIN(KShotSelectionTest)
#include "KShotSelectionTest.moc"
