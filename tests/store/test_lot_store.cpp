// Tests of LotStore against real SQLite files in a temporary folder. Raw
// sqlite3 connections stand in for other programs: a second writer, a user
// editing the file, or a newer program version.

#include "common/Error.h"
#include "store/LotStore.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>

#include <atomic>
#include <cmath>
#include <cstring>
#include <limits>
#include <sqlite3.h>
#include <unistd.h>

using namespace patchead;

Q_DECLARE_METATYPE(patchead::Verdict)
Q_DECLARE_METATYPE(patchead::LotStore::Mode)

namespace {

// Returns the message of the StoreError that `function` throws, or a null
// string when it throws none.
template <typename Function>
QString storeErrorMessage(Function &&function)
{
    try {
        function();
    } catch (const StoreError &error) {
        return error.message();
    }
    return QString();
}

QByteArray fileBytes(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return QByteArray();
    return file.readAll();
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

// A plain sqlite3 connection, as another program would open the file.
class RawConnection {
public:
    explicit RawConnection(const QString &path)
    {
        sqlite3_open_v2(path.toUtf8().constData(), &mDb, SQLITE_OPEN_READWRITE, nullptr);
    }
    ~RawConnection() { sqlite3_close_v2(mDb); }

    int exec(const char *sql) { return sqlite3_exec(mDb, sql, nullptr, nullptr, nullptr); }
    QString errorMessage() const { return QString::fromUtf8(sqlite3_errmsg(mDb)); }

    // First column of the first row; null or empty when there is no row.
    qint64 integer(const char *sql) { return QString::fromUtf8(bytes(sql)).toLongLong(); }
    QString text(const char *sql) { return QString::fromUtf8(bytes(sql)); }
    QByteArray bytes(const char *sql)
    {
        sqlite3_stmt *statement = nullptr;
        QByteArray value;
        if (sqlite3_prepare_v2(mDb, sql, -1, &statement, nullptr) == SQLITE_OK
            && sqlite3_step(statement) == SQLITE_ROW) {
            const auto *data = static_cast<const char *>(sqlite3_column_blob(statement, 0));
            value = QByteArray(data, sqlite3_column_bytes(statement, 0));
        }
        sqlite3_finalize(statement);
        return value;
    }

private:
    sqlite3 *mDb = nullptr;
};

// Runs the scope as the user "nobody" when the test runs as root, because
// root ignores file permissions and a read-only file would still be
// writable. The saved user id stays 0, so the destructor can switch back.
class UnprivilegedScope {
public:
    UnprivilegedScope()
    {
        if (geteuid() == 0)
            mDropped = setresuid(65534, 65534, 0) == 0;
    }
    ~UnprivilegedScope()
    {
        if (mDropped && setresuid(0, 0, 0) != 0)
            qFatal("Could not switch back to root after the read-only test");
    }
    bool ok() const { return geteuid() != 0; }

private:
    bool mDropped = false;
};

// An SQLite VFS that forwards to the default one but fails every write with
// SQLITE_FULL while gDiskFull is set, which is what the default VFS returns
// when write() fails with ENOSPC. Installed as the default VFS only inside a
// FullDiskScope, so LotStore::open picks it up unchanged.
namespace fulldisk {

std::atomic<bool> gDiskFull{false};
sqlite3_vfs *gRealVfs = nullptr;
sqlite3_vfs gVfs;

struct ShimFile {
    sqlite3_file base;
    sqlite3_file *real;
};

sqlite3_file *real(sqlite3_file *file)
{
    return reinterpret_cast<ShimFile *>(file)->real;
}

int shimClose(sqlite3_file *f) { return real(f)->pMethods->xClose(real(f)); }
int shimRead(sqlite3_file *f, void *buffer, int amount, sqlite3_int64 offset)
{
    return real(f)->pMethods->xRead(real(f), buffer, amount, offset);
}
int shimWrite(sqlite3_file *f, const void *buffer, int amount, sqlite3_int64 offset)
{
    if (gDiskFull)
        return SQLITE_FULL;
    return real(f)->pMethods->xWrite(real(f), buffer, amount, offset);
}
int shimTruncate(sqlite3_file *f, sqlite3_int64 size)
{
    return real(f)->pMethods->xTruncate(real(f), size);
}
int shimSync(sqlite3_file *f, int flags) { return real(f)->pMethods->xSync(real(f), flags); }
int shimFileSize(sqlite3_file *f, sqlite3_int64 *size)
{
    return real(f)->pMethods->xFileSize(real(f), size);
}
int shimLock(sqlite3_file *f, int lock) { return real(f)->pMethods->xLock(real(f), lock); }
int shimUnlock(sqlite3_file *f, int lock) { return real(f)->pMethods->xUnlock(real(f), lock); }
int shimCheckReservedLock(sqlite3_file *f, int *out)
{
    return real(f)->pMethods->xCheckReservedLock(real(f), out);
}
int shimFileControl(sqlite3_file *f, int op, void *arg)
{
    return real(f)->pMethods->xFileControl(real(f), op, arg);
}
int shimSectorSize(sqlite3_file *f) { return real(f)->pMethods->xSectorSize(real(f)); }
int shimDeviceCharacteristics(sqlite3_file *f)
{
    return real(f)->pMethods->xDeviceCharacteristics(real(f));
}
int shimShmMap(sqlite3_file *f, int page, int size, int extend, void volatile **out)
{
    return real(f)->pMethods->xShmMap(real(f), page, size, extend, out);
}
int shimShmLock(sqlite3_file *f, int offset, int n, int flags)
{
    return real(f)->pMethods->xShmLock(real(f), offset, n, flags);
}
void shimShmBarrier(sqlite3_file *f) { real(f)->pMethods->xShmBarrier(real(f)); }
int shimShmUnmap(sqlite3_file *f, int deleteFlag)
{
    return real(f)->pMethods->xShmUnmap(real(f), deleteFlag);
}

// Version 2 methods: no memory-mapped I/O, which SQLite then does not use.
const sqlite3_io_methods kShimMethods = {
    2,
    shimClose,
    shimRead,
    shimWrite,
    shimTruncate,
    shimSync,
    shimFileSize,
    shimLock,
    shimUnlock,
    shimCheckReservedLock,
    shimFileControl,
    shimSectorSize,
    shimDeviceCharacteristics,
    shimShmMap,
    shimShmLock,
    shimShmBarrier,
    shimShmUnmap,
    nullptr, // xFetch
    nullptr, // xUnfetch
};

int shimOpen(sqlite3_vfs *, const char *name, sqlite3_file *file, int flags, int *outFlags)
{
    auto *shim = reinterpret_cast<ShimFile *>(file);
    shim->real = reinterpret_cast<sqlite3_file *>(shim + 1);
    shim->base.pMethods = nullptr;
    const int resultCode = gRealVfs->xOpen(gRealVfs, name, shim->real, flags, outFlags);
    if (shim->real->pMethods)
        shim->base.pMethods = &kShimMethods;
    return resultCode;
}

} // namespace fulldisk

class FullDiskScope {
public:
    FullDiskScope()
    {
        fulldisk::gRealVfs = sqlite3_vfs_find(nullptr);
        fulldisk::gVfs = *fulldisk::gRealVfs;
        fulldisk::gVfs.pNext = nullptr;
        fulldisk::gVfs.zName = "patchead_full_disk";
        fulldisk::gVfs.szOsFile = int(sizeof(fulldisk::ShimFile)) + fulldisk::gRealVfs->szOsFile;
        fulldisk::gVfs.xOpen = fulldisk::shimOpen;
        sqlite3_vfs_register(&fulldisk::gVfs, 1);
    }
    ~FullDiskScope()
    {
        fulldisk::gDiskFull = false;
        sqlite3_vfs_register(fulldisk::gRealVfs, 1);
        sqlite3_vfs_unregister(&fulldisk::gVfs);
    }
    void setFull(bool full) { fulldisk::gDiskFull = full; }
};

LotRecord makeLot(const QString &name)
{
    LotRecord lot;
    lot.name = name;
    lot.folder = QStringLiteral("/data/lots/") + name;
    lot.operatorName = QStringLiteral("Jana Nováková");
    lot.settingsJson = QStringLiteral("{\"encoder\":\"wide_resnet50\",\"sigma\":4}");
    lot.modelName = QStringLiteral("wide_resnet50_layer2_3");
    lot.modelHash = QString(64, QLatin1Char('a'));
    lot.rejectThreshold = 0.5;
    lot.reviewThreshold = 0.3;
    lot.thresholdRule = QStringLiteral("max leave-one-out score x 1.10");
    lot.status = QStringLiteral("running");
    return lot;
}

PartRecord makePart(qint64 lotId, const QString &path, double score, int mapWidth = 4,
                    int mapHeight = 3)
{
    PartRecord part;
    part.lotId = lotId;
    part.path = path;
    part.sha256 = QString(64, QLatin1Char('b'));
    part.imageWidth = 1024;
    part.imageHeight = 768;
    part.imageScore = score;
    part.verdict = verdictForScore(score, 0.5, 0.3);
    part.mapWidth = mapWidth;
    part.mapHeight = mapHeight;
    for (int i = 0; i < mapWidth * mapHeight; ++i)
        part.anomalyMap.push_back(float(score) * float(i + 1) / float(mapWidth * mapHeight));
    part.durationMs = 37.25;
    return part;
}

PartRecord makeErrorPart(qint64 lotId, const QString &path)
{
    PartRecord part = makePart(lotId, path, 0.0, 0, 0);
    part.verdict = Verdict::Error;
    part.error = QStringLiteral("truncated PNG: unexpected end of file");
    return part;
}

// Ids printed by the writer helper, one complete line each.
QVector<qint64> parseIds(const QByteArray &output)
{
    QVector<qint64> ids;
    const QList<QByteArray> lines = output.split('\n');
    // The last element follows the last newline, so it is empty or cut off.
    for (int i = 0; i + 1 < lines.size(); ++i)
        ids.append(lines[i].toLongLong());
    return ids;
}

} // namespace

class TestLotStore : public QObject {
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void verdictBoundaries_data();
    void verdictBoundaries();
    void verdictNames();

    void lotRoundTrip();
    void lotsNewestFirst();
    void lotDuplicateName();
    void lotStatusAndSettings();
    void referencesReplaced();
    void partRoundTrip_data();
    void partRoundTrip();
    void partWithoutMap();
    void mapBlobLittleEndian();
    void partUpsertOneRow();
    void partInvalid_data();
    void partInvalid();
    void storedPaths();
    void countsByVerdict();

    void thresholdsRederive();
    void thresholdsInvalid();
    void operatorVerdictAudited();
    void auditLogGrows();
    void auditLogAppendOnly_data();
    void auditLogAppendOnly();

    void schemaCurrent();
    void schemaNewerRejected_data();
    void schemaNewerRejected();
    void notDatabaseRejected_data();
    void notDatabaseRejected();
    void foreignDatabaseRejected();
    void corruptFileRejected();
    void corruptPageFound();
    void readOnlyFile();
    void hardLinkedFileRejected();
    void readOnlyFolder();
    void missingFileReadOnly();
    void unicodeDatabasePath();

    void secondStoreSeesCommits();
    void readerNotBlocked();
    void lockedWriterTimesOut();
    void diskFullKeepsResults();
    void killedWriterKeepsParts();

private:
    QString dbPath() const { return mDir->filePath(QStringLiteral("lots.sqlite")); }
    // A database with one lot (see makeLot) and no parts; returns the lot id.
    qint64 createLotDatabase(const QString &path);

    std::unique_ptr<QTemporaryDir> mDir;
};

void TestLotStore::init()
{
    mDir = std::make_unique<QTemporaryDir>();
    QVERIFY(mDir->isValid());
}

void TestLotStore::cleanup()
{
    // The read-only tests may leave the folder without write permission.
    QFile::setPermissions(mDir->path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner
                                            | QFileDevice::ExeOwner);
    mDir.reset();
}

qint64 TestLotStore::createLotDatabase(const QString &path)
{
    const auto store = LotStore::open(path);
    LotRecord lot = makeLot(QStringLiteral("L-0001"));
    return store->createLot(lot);
}

void TestLotStore::verdictBoundaries_data()
{
    QTest::addColumn<double>("score");
    QTest::addColumn<double>("reject");
    QTest::addColumn<double>("review");
    QTest::addColumn<Verdict>("expected");

    const double below = std::nextafter(0.3, 0.0);
    QTest::newRow("below review") << below << 0.5 << 0.3 << Verdict::Pass;
    QTest::newRow("equal review") << 0.3 << 0.5 << 0.3 << Verdict::Review;
    QTest::newRow("inside band") << 0.4 << 0.5 << 0.3 << Verdict::Review;
    QTest::newRow("equal reject") << 0.5 << 0.5 << 0.3 << Verdict::Fail;
    QTest::newRow("above reject") << 0.9 << 0.5 << 0.3 << Verdict::Fail;
    QTest::newRow("no band, equal") << 0.5 << 0.5 << 0.5 << Verdict::Fail;
    QTest::newRow("no band, below") << 0.49 << 0.5 << 0.5 << Verdict::Pass;
    QTest::newRow("zero score") << 0.0 << 0.5 << 0.3 << Verdict::Pass;
    QTest::newRow("NaN score") << std::nan("") << 0.5 << 0.3 << Verdict::Fail;
}

void TestLotStore::verdictBoundaries()
{
    QFETCH(double, score);
    QFETCH(double, reject);
    QFETCH(double, review);
    QFETCH(Verdict, expected);
    QCOMPARE(verdictForScore(score, reject, review), expected);
}

void TestLotStore::verdictNames()
{
    for (Verdict verdict : {Verdict::Pass, Verdict::Review, Verdict::Fail, Verdict::Error})
        QCOMPARE(verdictFromName(verdictName(verdict)), verdict);
    for (OperatorVerdict verdict :
         {OperatorVerdict::None, OperatorVerdict::Accepted, OperatorVerdict::Rejected})
        QCOMPARE(operatorVerdictFromName(operatorVerdictName(verdict)), verdict);
    QCOMPARE(verdictName(Verdict::Review), QStringLiteral("review"));
    QVERIFY(!storeErrorMessage([] { verdictFromName(QStringLiteral("maybe")); }).isEmpty());
    QVERIFY(!storeErrorMessage([] { operatorVerdictFromName(QStringLiteral("x")); }).isEmpty());
}

void TestLotStore::lotRoundTrip()
{
    LotRecord lot = makeLot(QStringLiteral("Los 7 – Gehäuse"));
    lot.status.clear();
    const QDateTime before = QDateTime::currentDateTimeUtc();
    {
        const auto store = LotStore::open(dbPath());
        QVERIFY(store->createLot(lot) > 0);
    }
    QVERIFY(lot.id > 0);
    QVERIFY(lot.createdAt >= before.addMSecs(-1));
    QCOMPARE(lot.status, QStringLiteral("created"));

    const auto store = LotStore::open(dbPath());
    const std::optional<LotRecord> stored = store->lot(lot.id);
    QVERIFY(stored.has_value());
    QCOMPARE(stored->id, lot.id);
    QCOMPARE(stored->name, lot.name);
    QCOMPARE(stored->folder, lot.folder);
    QCOMPARE(stored->createdAt, lot.createdAt);
    QCOMPARE(stored->operatorName, lot.operatorName);
    QCOMPARE(stored->settingsJson, lot.settingsJson);
    QCOMPARE(stored->modelName, lot.modelName);
    QCOMPARE(stored->modelHash, lot.modelHash);
    QCOMPARE(stored->rejectThreshold, lot.rejectThreshold);
    QCOMPARE(stored->reviewThreshold, lot.reviewThreshold);
    QCOMPARE(stored->thresholdRule, lot.thresholdRule);
    QCOMPARE(stored->status, QStringLiteral("created"));

    const std::optional<LotRecord> found = store->findLot(lot.name);
    QVERIFY(found.has_value());
    QCOMPARE(found->id, lot.id);
    QVERIFY(!store->findLot(QStringLiteral("no such lot")).has_value());
    QVERIFY(!store->lot(lot.id + 100).has_value());
}

void TestLotStore::lotsNewestFirst()
{
    const auto store = LotStore::open(dbPath());
    LotRecord first = makeLot(QStringLiteral("first"));
    LotRecord second = makeLot(QStringLiteral("second"));
    store->createLot(first);
    store->createLot(second);

    const QVector<LotRecord> lots = store->lots();
    QCOMPARE(lots.size(), 2);
    QCOMPARE(lots[0].name, QStringLiteral("second"));
    QCOMPARE(lots[1].name, QStringLiteral("first"));
}

void TestLotStore::lotDuplicateName()
{
    const auto store = LotStore::open(dbPath());
    LotRecord lot = makeLot(QStringLiteral("L-1"));
    store->createLot(lot);
    LotRecord again = makeLot(QStringLiteral("L-1"));

    const QString message = storeErrorMessage([&] { store->createLot(again); });
    QVERIFY(message.contains(QStringLiteral("already exists")));
    QVERIFY(message.contains(dbPath()));
    QCOMPARE(again.id, qint64(0));
    QCOMPARE(store->lots().size(), 1);
}

void TestLotStore::lotStatusAndSettings()
{
    const qint64 lotId = createLotDatabase(dbPath());
    const auto store = LotStore::open(dbPath());
    store->setLotStatus(lotId, QStringLiteral("complete"));
    store->setLotSettings(lotId, QStringLiteral("{\"sigma\":2}"));
    QCOMPARE(store->lot(lotId)->status, QStringLiteral("complete"));
    QCOMPARE(store->lot(lotId)->settingsJson, QStringLiteral("{\"sigma\":2}"));

    QVERIFY(!storeErrorMessage([&] { store->setLotStatus(lotId + 1, "running"); }).isEmpty());
    QVERIFY(!storeErrorMessage([&] { store->setLotSettings(lotId, "[1,2"); }).isEmpty());
    QCOMPARE(store->lot(lotId)->settingsJson, QStringLiteral("{\"sigma\":2}"));
}

void TestLotStore::referencesReplaced()
{
    const qint64 lotId = createLotDatabase(dbPath());
    QVector<ReferenceRecord> references(3);
    for (int i = 0; i < references.size(); ++i) {
        references[i].path = QStringLiteral("/good/Referenz_%1_äöü.png").arg(i);
        references[i].sha256 = QStringLiteral("%1").arg(i, 64, 10, QLatin1Char('0'));
        references[i].leaveOneOutScore = 0.1 + 0.01 * i;
    }
    {
        const auto store = LotStore::open(dbPath());
        store->setReferences(lotId, references);
        store->setReferences(lotId, references.mid(1));
    }

    const auto store = LotStore::open(dbPath());
    const QVector<ReferenceRecord> stored = store->references(lotId);
    QCOMPARE(stored.size(), 2);
    for (int i = 0; i < stored.size(); ++i) {
        QVERIFY(stored[i].id > 0);
        QCOMPARE(stored[i].lotId, lotId);
        QCOMPARE(stored[i].path, references[i + 1].path);
        QCOMPARE(stored[i].sha256, references[i + 1].sha256);
        QCOMPARE(stored[i].leaveOneOutScore, references[i + 1].leaveOneOutScore);
    }
}

void TestLotStore::partRoundTrip_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<double>("score");
    QTest::addColumn<int>("mapWidth");
    QTest::addColumn<int>("mapHeight");
    QTest::addColumn<bool>("errorPart");

    QTest::newRow("pass, small map") << QStringLiteral("/lot/a.png") << 0.12 << 4 << 3 << false;
    QTest::newRow("fail, 64x64 map") << QStringLiteral("/lot/b.png") << 0.87 << 64 << 64 << false;
    QTest::newRow("unicode path") << QStringLiteral("/Prüfteile/部品 №7/😀.png") << 0.31 << 2
                                  << 5 << false;
    QTest::newRow("error part") << QStringLiteral("/lot/broken.png") << 0.0 << 0 << 0 << true;
}

void TestLotStore::partRoundTrip()
{
    QFETCH(QString, path);
    QFETCH(double, score);
    QFETCH(int, mapWidth);
    QFETCH(int, mapHeight);
    QFETCH(bool, errorPart);

    const qint64 lotId = createLotDatabase(dbPath());
    PartRecord part = errorPart ? makeErrorPart(lotId, path)
                                : makePart(lotId, path, score, mapWidth, mapHeight);
    part.operatorVerdict = OperatorVerdict::Rejected;
    part.operatorName = QStringLiteral("Øyvind");
    if (!part.anomalyMap.empty())
        part.anomalyMap.front() = -std::numeric_limits<float>::denorm_min();
    {
        const auto store = LotStore::open(dbPath());
        store->savePart(part);
    }
    QVERIFY(part.id > 0);
    QVERIFY(part.scoredAt.isValid());

    const auto store = LotStore::open(dbPath());
    const std::optional<PartRecord> stored = store->part(part.id);
    QVERIFY(stored.has_value());
    QCOMPARE(stored->lotId, lotId);
    QCOMPARE(stored->path, path);
    QCOMPARE(stored->sha256, part.sha256);
    QCOMPARE(stored->imageWidth, part.imageWidth);
    QCOMPARE(stored->imageHeight, part.imageHeight);
    QCOMPARE(stored->imageScore, part.imageScore);
    QCOMPARE(stored->verdict, part.verdict);
    QCOMPARE(stored->operatorVerdict, OperatorVerdict::Rejected);
    QCOMPARE(stored->operatorName, part.operatorName);
    QCOMPARE(stored->error, part.error);
    QCOMPARE(stored->mapWidth, mapWidth);
    QCOMPARE(stored->mapHeight, mapHeight);
    QCOMPARE(stored->scoredAt, part.scoredAt);
    QCOMPARE(stored->durationMs, part.durationMs);
    QCOMPARE(stored->anomalyMap.size(), part.anomalyMap.size());
    QVERIFY(stored->anomalyMap == part.anomalyMap);

    const QVector<PartRecord> all = store->parts(lotId, true);
    QCOMPARE(all.size(), 1);
    QVERIFY(all[0].anomalyMap == part.anomalyMap);
}

void TestLotStore::partWithoutMap()
{
    const qint64 lotId = createLotDatabase(dbPath());
    const auto store = LotStore::open(dbPath());
    PartRecord part = makePart(lotId, QStringLiteral("/lot/a.png"), 0.4, 8, 8);
    store->savePart(part);

    const QVector<PartRecord> parts = store->parts(lotId);
    QCOMPARE(parts.size(), 1);
    QVERIFY(parts[0].anomalyMap.empty());
    QCOMPARE(parts[0].mapWidth, 8);
    QVERIFY(store->part(part.id, false)->anomalyMap.empty());
    QCOMPARE(store->part(part.id, true)->anomalyMap.size(), size_t(64));
}

void TestLotStore::mapBlobLittleEndian()
{
    const qint64 lotId = createLotDatabase(dbPath());
    PartRecord part = makePart(lotId, QStringLiteral("/lot/a.png"), 0.2, 2, 1);
    part.anomalyMap = {1.0f, -2.5f};
    LotStore::open(dbPath())->savePart(part);

    RawConnection raw(dbPath());
    const QByteArray blob = raw.bytes("SELECT anomaly_map FROM parts");
    // IEEE 754: 1.0f is 0x3F800000 and -2.5f is 0xC0200000.
    QCOMPARE(blob, QByteArray::fromHex("0000803f000020c0"));
}

void TestLotStore::partUpsertOneRow()
{
    const qint64 lotId = createLotDatabase(dbPath());
    const auto store = LotStore::open(dbPath());
    PartRecord first = makePart(lotId, QStringLiteral("/lot/a.png"), 0.1);
    store->savePart(first);
    PartRecord again = makePart(lotId, QStringLiteral("/lot/a.png"), 0.9, 2, 2);
    store->savePart(again);

    QCOMPARE(again.id, first.id);
    const QVector<PartRecord> parts = store->parts(lotId, true);
    QCOMPARE(parts.size(), 1);
    QCOMPARE(parts[0].imageScore, 0.9);
    QCOMPARE(parts[0].verdict, Verdict::Fail);
    QCOMPARE(parts[0].anomalyMap.size(), size_t(4));

    LotRecord other = makeLot(QStringLiteral("other"));
    store->createLot(other);
    PartRecord samePathOtherLot = makePart(other.id, QStringLiteral("/lot/a.png"), 0.2);
    store->savePart(samePathOtherLot);
    QVERIFY(samePathOtherLot.id != first.id);
    QCOMPARE(store->parts(lotId).size(), 1);
}

void TestLotStore::partInvalid_data()
{
    QTest::addColumn<QString>("problem");
    QTest::newRow("map size mismatch") << QStringLiteral("map");
    QTest::newRow("NaN score") << QStringLiteral("nan");
    QTest::newRow("error without text") << QStringLiteral("error");
    QTest::newRow("text without error") << QStringLiteral("text");
    QTest::newRow("empty path") << QStringLiteral("path");
    QTest::newRow("unknown lot") << QStringLiteral("lot");
}

void TestLotStore::partInvalid()
{
    QFETCH(QString, problem);
    const qint64 lotId = createLotDatabase(dbPath());
    const auto store = LotStore::open(dbPath());
    PartRecord part = makePart(lotId, QStringLiteral("/lot/bad.png"), 0.2);
    if (problem == QLatin1String("map"))
        part.anomalyMap.pop_back();
    else if (problem == QLatin1String("nan"))
        part.imageScore = std::nan("");
    else if (problem == QLatin1String("error"))
        part.verdict = Verdict::Error;
    else if (problem == QLatin1String("text"))
        part.error = QStringLiteral("unreadable");
    else if (problem == QLatin1String("path"))
        part.path.clear();
    else
        part.lotId = lotId + 7;

    const QString message = storeErrorMessage([&] { store->savePart(part); });
    QVERIFY(!message.isEmpty());
    QVERIFY(message.contains(dbPath()));
    QCOMPARE(part.id, qint64(0));
    QCOMPARE(store->counts(lotId).total, 0);
}

void TestLotStore::storedPaths()
{
    const qint64 lotId = createLotDatabase(dbPath());
    const auto store = LotStore::open(dbPath());
    LotRecord other = makeLot(QStringLiteral("other"));
    store->createLot(other);
    for (const QString &path : {QStringLiteral("/a.png"), QStringLiteral("/ü/b.png")}) {
        PartRecord part = makePart(lotId, path, 0.1);
        store->savePart(part);
    }
    PartRecord broken = makeErrorPart(lotId, QStringLiteral("/c.png"));
    store->savePart(broken);
    PartRecord elsewhere = makePart(other.id, QStringLiteral("/d.png"), 0.1);
    store->savePart(elsewhere);

    const QSet<QString> expected{QStringLiteral("/a.png"), QStringLiteral("/ü/b.png"),
                                 QStringLiteral("/c.png")};
    QCOMPARE(store->storedPartPaths(lotId), expected);
    QCOMPARE(store->storedPartPaths(other.id), QSet<QString>{QStringLiteral("/d.png")});
    QVERIFY(store->storedPartPaths(other.id + 1).isEmpty());
}

void TestLotStore::countsByVerdict()
{
    const qint64 lotId = createLotDatabase(dbPath());
    const auto store = LotStore::open(dbPath());
    const QVector<double> scores{0.1, 0.2, 0.3, 0.45, 0.5, 0.7, 0.9};
    for (int i = 0; i < scores.size(); ++i) {
        PartRecord part = makePart(lotId, QStringLiteral("/p%1.png").arg(i), scores[i]);
        store->savePart(part);
    }
    PartRecord broken = makeErrorPart(lotId, QStringLiteral("/broken.png"));
    store->savePart(broken);

    const LotCounts counts = store->counts(lotId);
    QCOMPARE(counts.total, 8);
    QCOMPARE(counts.pass, 2);
    QCOMPARE(counts.review, 2);
    QCOMPARE(counts.fail, 3);
    QCOMPARE(counts.error, 1);
    QCOMPARE(store->counts(lotId + 1).total, 0);
}

void TestLotStore::thresholdsRederive()
{
    const qint64 lotId = createLotDatabase(dbPath());
    QVector<qint64> ids;
    {
        const auto store = LotStore::open(dbPath());
        for (double score : {0.1, 0.35, 0.6}) {
            PartRecord part = makePart(lotId, QStringLiteral("/p%1.png").arg(score), score);
            store->savePart(part);
            ids.append(part.id);
        }
        PartRecord broken = makeErrorPart(lotId, QStringLiteral("/broken.png"));
        store->savePart(broken);
        ids.append(broken.id);
        store->setOperatorVerdict(ids[0], OperatorVerdict::Accepted, QStringLiteral("op"));

        const ThresholdChange change =
            store->setThresholds(lotId, 0.3, 0.1, QStringLiteral("tighter after customer claim"));
        QVERIFY(change.id > 0);
        QCOMPARE(change.oldReject, 0.5);
        QCOMPARE(change.oldReview, 0.3);
        QCOMPARE(change.newReject, 0.3);
        QCOMPARE(change.newReview, 0.1);
    }

    const auto store = LotStore::open(dbPath());
    QCOMPARE(store->part(ids[0])->verdict, Verdict::Review); // equal to the new review threshold
    QCOMPARE(store->part(ids[1])->verdict, Verdict::Fail);
    QCOMPARE(store->part(ids[2])->verdict, Verdict::Fail);
    QCOMPARE(store->part(ids[3])->verdict, Verdict::Error);
    QCOMPARE(store->part(ids[0])->operatorVerdict, OperatorVerdict::Accepted);
    QCOMPARE(store->lot(lotId)->rejectThreshold, 0.3);
    QCOMPARE(store->lot(lotId)->reviewThreshold, 0.1);

    const QVector<ThresholdChange> history = store->thresholdHistory(lotId);
    QCOMPARE(history.size(), 1);
    QCOMPARE(history[0].lotId, lotId);
    QCOMPARE(history[0].oldReject, 0.5);
    QCOMPARE(history[0].newReject, 0.3);
    QCOMPARE(history[0].oldReview, 0.3);
    QCOMPARE(history[0].newReview, 0.1);
    QCOMPARE(history[0].reason, QStringLiteral("tighter after customer claim"));
    QVERIFY(history[0].changedAt.isValid());

    const QVector<AuditEvent> audit = store->auditLog(lotId);
    QCOMPARE(audit.last().event, QStringLiteral("threshold_changed"));
    const QJsonObject details = QJsonDocument::fromJson(audit.last().detailsJson.toUtf8()).object();
    QCOMPARE(details.value(QStringLiteral("old_reject")).toDouble(), 0.5);
    QCOMPARE(details.value(QStringLiteral("new_review")).toDouble(), 0.1);
    QCOMPARE(details.value(QStringLiteral("verdicts_changed")).toInt(), 2);

    store->setThresholds(lotId, 0.5, 0.3, QStringLiteral("undo"));
    QCOMPARE(store->part(ids[0])->verdict, Verdict::Pass);
    QCOMPARE(store->thresholdHistory(lotId).size(), 2);
    QCOMPARE(store->thresholdHistory(lotId)[1].oldReject, 0.3);
}

void TestLotStore::thresholdsInvalid()
{
    const qint64 lotId = createLotDatabase(dbPath());
    const auto store = LotStore::open(dbPath());
    QVERIFY(!storeErrorMessage([&] { store->setThresholds(lotId, 0.2, 0.3, "x"); }).isEmpty());
    QVERIFY(!storeErrorMessage([&] { store->setThresholds(lotId, std::nan(""), 0.3, "x"); })
                 .isEmpty());
    QVERIFY(!storeErrorMessage([&] { store->setThresholds(lotId + 1, 0.5, 0.3, "x"); })
                 .isEmpty());
    QVERIFY(store->thresholdHistory(lotId).isEmpty());
    QCOMPARE(store->lot(lotId)->rejectThreshold, 0.5);
}

void TestLotStore::operatorVerdictAudited()
{
    const qint64 lotId = createLotDatabase(dbPath());
    const auto store = LotStore::open(dbPath());
    PartRecord part = makePart(lotId, QStringLiteral("/Teil ß.png"), 0.4);
    store->savePart(part);
    store->setOperatorVerdict(part.id, OperatorVerdict::Rejected, QStringLiteral("Ana"));

    const std::optional<PartRecord> stored = store->part(part.id, false);
    QCOMPARE(stored->operatorVerdict, OperatorVerdict::Rejected);
    QCOMPARE(stored->operatorName, QStringLiteral("Ana"));
    QCOMPARE(stored->verdict, Verdict::Review);

    const AuditEvent event = store->auditLog(lotId).last();
    QCOMPARE(event.event, QStringLiteral("operator_verdict"));
    const QJsonObject details = QJsonDocument::fromJson(event.detailsJson.toUtf8()).object();
    QCOMPARE(details.value(QStringLiteral("path")).toString(), QStringLiteral("/Teil ß.png"));
    QCOMPARE(details.value(QStringLiteral("decision")).toString(), QStringLiteral("rejected"));
    QCOMPARE(details.value(QStringLiteral("operator")).toString(), QStringLiteral("Ana"));

    const QString message = storeErrorMessage(
        [&] { store->setOperatorVerdict(part.id + 50, OperatorVerdict::Accepted, "Ana"); });
    QVERIFY(message.contains(QStringLiteral("not found")));
}

void TestLotStore::auditLogGrows()
{
    const qint64 lotId = createLotDatabase(dbPath());
    const auto store = LotStore::open(dbPath());
    QCOMPARE(store->auditLog(lotId).size(), 1);
    QCOMPARE(store->auditLog(lotId)[0].event, QStringLiteral("lot_created"));
    QCOMPARE(store->auditLog(lotId)[0].lotId, lotId);

    store->appendAudit(lotId, QStringLiteral("inspection_started"), "{\"parts\":120}");
    store->appendAudit(lotId, QStringLiteral("inspection_finished"));
    store->appendAudit(0, QStringLiteral("database_backup"), "{\"to\":\"/backup\"}");
    const QVector<AuditEvent> audit = store->auditLog(lotId);
    QCOMPARE(audit.size(), 3);
    QCOMPARE(audit[1].event, QStringLiteral("inspection_started"));
    QCOMPARE(audit[1].detailsJson, QStringLiteral("{\"parts\":120}"));
    QCOMPARE(audit[2].detailsJson, QStringLiteral("{}"));
    QVERIFY(audit[1].id < audit[2].id);
    QVERIFY(audit[2].at.isValid());
    QCOMPARE(store->auditLog(0).size(), 1);
    QCOMPARE(store->auditLog(0)[0].event, QStringLiteral("database_backup"));

    QVERIFY(!storeErrorMessage([&] { store->appendAudit(lotId, "x", "not json"); }).isEmpty());
    QVERIFY(!storeErrorMessage([&] { store->appendAudit(lotId + 9, "x"); }).isEmpty());
    QCOMPARE(store->auditLog(lotId).size(), 3);
}

void TestLotStore::auditLogAppendOnly_data()
{
    QTest::addColumn<QByteArray>("sql");
    QTest::newRow("update") << QByteArray("UPDATE audit_log SET event = 'nothing happened'");
    QTest::newRow("delete") << QByteArray("DELETE FROM audit_log");
    QTest::newRow("replace") << QByteArray("REPLACE INTO audit_log (id, lot_id, at, event, "
                                           "details_json) SELECT id, lot_id, at, 'x', '{}' "
                                           "FROM audit_log");
}

void TestLotStore::auditLogAppendOnly()
{
    QFETCH(QByteArray, sql);
    const qint64 lotId = createLotDatabase(dbPath());
    LotStore::open(dbPath())->appendAudit(lotId, QStringLiteral("inspection_started"));

    RawConnection raw(dbPath());
    QVERIFY(raw.exec(sql.constData()) != SQLITE_OK);
    QVERIFY(raw.errorMessage().contains(QStringLiteral("append-only")));
    QCOMPARE(raw.integer("SELECT count(*) FROM audit_log"), qint64(2));

    const QVector<AuditEvent> audit = LotStore::open(dbPath())->auditLog(lotId);
    QCOMPARE(audit.size(), 2);
    QCOMPARE(audit[0].event, QStringLiteral("lot_created"));
    QCOMPARE(audit[1].event, QStringLiteral("inspection_started"));
}

void TestLotStore::schemaCurrent()
{
    createLotDatabase(dbPath());
    QCOMPARE(LotStore::open(dbPath())->schemaVersion(), LotStore::kSchemaVersion);
    QCOMPARE(LotStore::open(dbPath())->integrityCheck(), QStringLiteral("ok"));

    RawConnection raw(dbPath());
    QCOMPARE(raw.integer("PRAGMA user_version"), qint64(LotStore::kSchemaVersion));
    QCOMPARE(raw.integer("PRAGMA application_id"), qint64(0x50454144));
    QCOMPARE(raw.text("PRAGMA journal_mode"), QStringLiteral("wal"));
    QCOMPARE(raw.integer("SELECT count(*) FROM sqlite_master WHERE type = 'index' "
                         "AND name = 'parts_by_lot_score'"),
             qint64(1));
}

void TestLotStore::schemaNewerRejected_data()
{
    QTest::addColumn<LotStore::Mode>("mode");
    QTest::newRow("read-write") << LotStore::Mode::ReadWrite;
    QTest::newRow("read-only") << LotStore::Mode::ReadOnly;
}

void TestLotStore::schemaNewerRejected()
{
    QFETCH(LotStore::Mode, mode);
    createLotDatabase(dbPath());
    {
        RawConnection raw(dbPath());
        QCOMPARE(raw.exec("PRAGMA user_version = 2"), SQLITE_OK);
    }
    const QByteArray before = fileBytes(dbPath());
    QVERIFY(!before.isEmpty());

    const QString message = storeErrorMessage([&] { LotStore::open(dbPath(), mode); });
    QVERIFY(message.contains(dbPath()));
    QVERIFY(message.contains(QStringLiteral("newer")));
    QVERIFY(message.contains(QStringLiteral("Update the program")));
    QCOMPARE(fileBytes(dbPath()), before);
}

void TestLotStore::notDatabaseRejected_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::newRow("text") << QByteArray("Lot L-7, 120 parts, all fine.\n").repeated(300);
    QTest::newRow("short text") << QByteArray("hello");
    QTest::newRow("png header") << QByteArray::fromHex("89504e470d0a1a0a").repeated(1000);
}

void TestLotStore::notDatabaseRejected()
{
    QFETCH(QByteArray, content);
    // The placeholders in the name catch a message built with chained QString::arg().
    const QString path = mDir->filePath(QStringLiteral("report %2 %1.pdf"));
    QVERIFY(writeFile(path, content));

    const QString message = storeErrorMessage([&] { LotStore::open(path); });
    QVERIFY(message.contains(path));
    QVERIFY(message.contains(QStringLiteral("not a PatchEAD lot database")));
    QCOMPARE(fileBytes(path), content);
}

void TestLotStore::foreignDatabaseRejected()
{
    const QString path = mDir->filePath(QStringLiteral("other.db"));
    sqlite3 *db = nullptr;
    sqlite3_open(path.toUtf8().constData(), &db);
    sqlite3_exec(db, "CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)", nullptr,
                 nullptr, nullptr);
    sqlite3_close(db);
    const QByteArray before = fileBytes(path);

    const QString message = storeErrorMessage([&] { LotStore::open(path); });
    QVERIFY(message.contains(path));
    QVERIFY(message.contains(QStringLiteral("another program")));
    QCOMPARE(fileBytes(path), before);
}

void TestLotStore::corruptFileRejected()
{
    createLotDatabase(dbPath());
    QByteArray bytes = fileBytes(dbPath());
    // Page 1 contains the schema table from byte 100 on; overwrite its b-tree
    // header and cell pointers, keeping the valid 100-byte file header.
    QVERIFY(bytes.size() > 4096);
    for (int i = 100; i < 400; ++i)
        bytes[i] = char(0xA5);
    QVERIFY(writeFile(dbPath(), bytes));

    const QString message = storeErrorMessage([&] { LotStore::open(dbPath()); });
    QVERIFY(message.contains(dbPath()));
    QVERIFY(message.contains(QStringLiteral("corrupt")));
}

void TestLotStore::corruptPageFound()
{
    const qint64 lotId = createLotDatabase(dbPath());
    {
        const auto store = LotStore::open(dbPath());
        for (int i = 0; i < 100; ++i) {
            PartRecord part = makePart(lotId, QStringLiteral("/p%1.png").arg(i), 0.2, 32, 32);
            store->savePart(part);
        }
    }
    const int pageSize = int(RawConnection(dbPath()).integer("PRAGMA page_size"));
    QVERIFY(pageSize >= 512);
    QByteArray bytes = fileBytes(dbPath());
    // A page in the middle of the file belongs to the parts table or its
    // indexes, which open() does not read.
    const int page = int(bytes.size() / pageSize / 2);
    QVERIFY(page > 2);
    for (int i = 0; i < 200; ++i)
        bytes[page * pageSize + i] = char(0xA5);
    QVERIFY(writeFile(dbPath(), bytes));

    const auto store = LotStore::open(dbPath(), LotStore::Mode::ReadOnly);
    const QString result = store->integrityCheck();
    QVERIFY(result != QStringLiteral("ok"));
    QVERIFY(result.contains(QStringLiteral("page")));
}

// Two writers through two hard links keep two write-ahead logs and corrupt
// the file, so a hard-linked database is not opened for writing. Reading
// stays possible for exports.
void TestLotStore::hardLinkedFileRejected()
{
    const qint64 lotId = createLotDatabase(dbPath());
    const QString second = mDir->filePath(QStringLiteral("second-name.sqlite"));
    QVERIFY(::link(QFile::encodeName(dbPath()).constData(), QFile::encodeName(second).constData()) == 0);

    for (const QString &path : {dbPath(), second}) {
        const QString message = storeErrorMessage([&] { LotStore::open(path); });
        QVERIFY2(message.contains(QStringLiteral("has 2 hard links")), qPrintable(message));
        QVERIFY2(message.contains(path), qPrintable(message));
    }
    QCOMPARE(LotStore::open(second, LotStore::Mode::ReadOnly)->lot(lotId)->name, QStringLiteral("L-0001"));

    QVERIFY(QFile::remove(second));
    QCOMPARE(LotStore::open(dbPath())->lot(lotId)->name, QStringLiteral("L-0001"));
}

void TestLotStore::readOnlyFile()
{
    const qint64 lotId = createLotDatabase(dbPath());
    {
        const auto store = LotStore::open(dbPath());
        PartRecord part = makePart(lotId, QStringLiteral("/a.png"), 0.2);
        store->savePart(part);
    }
    QVERIFY(QFile::setPermissions(dbPath(), QFileDevice::ReadOwner | QFileDevice::ReadGroup
                                                | QFileDevice::ReadOther));
    QVERIFY(QFile::setPermissions(mDir->path(), QFileDevice::Permissions(0x7777)));

    const UnprivilegedScope unprivileged;
    if (!unprivileged.ok())
        QSKIP("Running as root without permission to switch to the user nobody, so a "
              "read-only file would still be writable.");
    const auto reader = LotStore::open(dbPath(), LotStore::Mode::ReadOnly);
    QCOMPARE(reader->parts(lotId).size(), 1);
    QCOMPARE(reader->lot(lotId)->name, QStringLiteral("L-0001"));

    const QString message = storeErrorMessage([&] { LotStore::open(dbPath()); });
    QVERIFY(message.contains(dbPath()));
    QVERIFY(message.contains(QStringLiteral("read-only")));

    PartRecord part = makePart(lotId, QStringLiteral("/b.png"), 0.2);
    const QString writeMessage = storeErrorMessage([&] { reader->savePart(part); });
    QVERIFY(writeMessage.contains(dbPath()));
    QCOMPARE(reader->parts(lotId).size(), 1);
}

void TestLotStore::readOnlyFolder()
{
    // A space and non-ASCII letters check the file: URI used for such folders.
    QVERIFY(QDir(mDir->path()).mkdir(QStringLiteral("Archiv 2024 ü")));
    const QString folder = mDir->filePath(QStringLiteral("Archiv 2024 ü"));
    const QString path = folder + QStringLiteral("/lots.sqlite");
    const qint64 lotId = createLotDatabase(path);
    QVERIFY(QFile::setPermissions(mDir->path(), QFileDevice::Permissions(0x7755)));
    QVERIFY(QFile::setPermissions(folder, QFileDevice::Permissions(0x5555)));
    const auto restoreFolder = qScopeGuard([&] {
        QFile::setPermissions(folder, QFileDevice::Permissions(0x7700));
    });

    const UnprivilegedScope unprivileged;
    if (!unprivileged.ok())
        QSKIP("Running as root without permission to switch to the user nobody, so a "
              "read-only file would still be writable.");
    const auto reader = LotStore::open(path, LotStore::Mode::ReadOnly);
    QCOMPARE(reader->lot(lotId)->name, QStringLiteral("L-0001"));

    const QString message = storeErrorMessage([&] { LotStore::open(path); });
    QVERIFY(message.contains(path));
    QVERIFY(message.contains(QStringLiteral("folder")));
    QVERIFY(message.contains(QStringLiteral("read-only")));
}

void TestLotStore::missingFileReadOnly()
{
    const QString message =
        storeErrorMessage([&] { LotStore::open(dbPath(), LotStore::Mode::ReadOnly); });
    QVERIFY(message.contains(dbPath()));
    QVERIFY(message.contains(QStringLiteral("not found")));
    QVERIFY(!QFile::exists(dbPath()));

    const QString missingFolder = mDir->filePath(QStringLiteral("missing/lots.sqlite"));
    QVERIFY(storeErrorMessage([&] { LotStore::open(missingFolder); }).contains(missingFolder));
}

void TestLotStore::unicodeDatabasePath()
{
    const QString path = mDir->filePath(QStringLiteral("Los Ä 日本.sqlite"));
    const qint64 lotId = createLotDatabase(path);
    QVERIFY(QFile::exists(path));
    QCOMPARE(LotStore::open(path, LotStore::Mode::ReadOnly)->lot(lotId)->name,
             QStringLiteral("L-0001"));
}

void TestLotStore::secondStoreSeesCommits()
{
    const auto writer = LotStore::open(dbPath());
    LotRecord lot = makeLot(QStringLiteral("shared"));
    writer->createLot(lot);
    for (int i = 0; i < 3; ++i) {
        PartRecord part = makePart(lot.id, QStringLiteral("/p%1.png").arg(i), 0.1 * i);
        writer->savePart(part);
    }

    const auto reader = LotStore::open(dbPath(), LotStore::Mode::ReadOnly);
    QCOMPARE(reader->parts(lot.id).size(), 3);
    QCOMPARE(reader->lot(lot.id)->status, QStringLiteral("running"));

    PartRecord more = makePart(lot.id, QStringLiteral("/p3.png"), 0.7);
    writer->savePart(more);
    QCOMPARE(reader->parts(lot.id).size(), 4);
    QCOMPARE(reader->counts(lot.id).fail, 1);

    const auto secondWriter = LotStore::open(dbPath());
    secondWriter->appendAudit(lot.id, QStringLiteral("note"));
    PartRecord last = makePart(lot.id, QStringLiteral("/p4.png"), 0.2);
    writer->savePart(last);
    QCOMPARE(reader->auditLog(lot.id).size(), 2);
    QCOMPARE(reader->parts(lot.id).size(), 5);
}

void TestLotStore::readerNotBlocked()
{
    const qint64 lotId = createLotDatabase(dbPath());
    const auto reader = LotStore::open(dbPath(), LotStore::Mode::ReadOnly, 200);
    RawConnection writer(dbPath());
    QCOMPARE(writer.exec("BEGIN IMMEDIATE"), SQLITE_OK);
    QCOMPARE(writer.exec("UPDATE lots SET status = 'complete'"), SQLITE_OK);

    QCOMPARE(reader->lot(lotId)->status, QStringLiteral("running"));
    QCOMPARE(writer.exec("COMMIT"), SQLITE_OK);
    QCOMPARE(reader->lot(lotId)->status, QStringLiteral("complete"));
}

void TestLotStore::lockedWriterTimesOut()
{
    const qint64 lotId = createLotDatabase(dbPath());
    RawConnection other(dbPath());
    QCOMPARE(other.exec("BEGIN IMMEDIATE"), SQLITE_OK);

    const auto store = LotStore::open(dbPath(), LotStore::Mode::ReadWrite, 300);
    PartRecord part = makePart(lotId, QStringLiteral("/a.png"), 0.2);
    QElapsedTimer timer;
    timer.start();
    const QString message = storeErrorMessage([&] { store->savePart(part); });
    const qint64 waitedMs = timer.elapsed();

    QVERIFY(message.contains(dbPath()));
    QVERIFY(message.contains(QStringLiteral("locked")));
    QVERIFY(message.contains(QStringLiteral("300 ms")));
    QVERIFY2(waitedMs >= 250, qPrintable(QStringLiteral("waited %1 ms").arg(waitedMs)));
    QCOMPARE(part.id, qint64(0));

    QCOMPARE(other.exec("ROLLBACK"), SQLITE_OK);
    store->savePart(part);
    QVERIFY(part.id > 0);
}

void TestLotStore::diskFullKeepsResults()
{
    FullDiskScope disk;
    const qint64 lotId = createLotDatabase(dbPath());
    {
        const auto store = LotStore::open(dbPath());
        for (int i = 0; i < 3; ++i) {
            PartRecord part = makePart(lotId, QStringLiteral("/p%1.png").arg(i), 0.2, 32, 32);
            store->savePart(part);
        }

        disk.setFull(true);
        PartRecord lost = makePart(lotId, QStringLiteral("/lost.png"), 0.9, 32, 32);
        const QString message = storeErrorMessage([&] { store->savePart(lost); });
        QVERIFY(message.contains(dbPath()));
        QVERIFY(message.contains(QStringLiteral("full")));
        QCOMPARE(lost.id, qint64(0));
        const QString thresholdMessage =
            storeErrorMessage([&] { store->setThresholds(lotId, 0.1, 0.05, "full disk"); });
        QVERIFY(thresholdMessage.contains(QStringLiteral("full")));

        disk.setFull(false);
        PartRecord after = makePart(lotId, QStringLiteral("/after.png"), 0.1, 32, 32);
        store->savePart(after);
        QVERIFY(after.id > 0);
    }

    const auto store = LotStore::open(dbPath());
    QCOMPARE(store->integrityCheck(), QStringLiteral("ok"));
    const QSet<QString> expected{QStringLiteral("/p0.png"), QStringLiteral("/p1.png"),
                                 QStringLiteral("/p2.png"), QStringLiteral("/after.png")};
    QCOMPARE(store->storedPartPaths(lotId), expected);
    QCOMPARE(store->counts(lotId).pass, 4);
    QCOMPARE(store->lot(lotId)->rejectThreshold, 0.5);
    QVERIFY(store->thresholdHistory(lotId).isEmpty());
}

void TestLotStore::killedWriterKeepsParts()
{
    const QString lotName = QStringLiteral("killed");
    QVector<qint64> printed;
    for (int run = 0; run < 3; ++run) {
        QProcess writer;
        writer.setProgram(QStringLiteral(LOT_STORE_WRITER_PATH));
        writer.setArguments({dbPath(), lotName, QString::number(run), QStringLiteral("100000")});
        writer.setProcessChannelMode(QProcess::SeparateChannels);
        writer.start();
        QVERIFY2(writer.waitForStarted(10000), qPrintable(writer.errorString()));

        QByteArray output;
        const int killAfter = 20 + 15 * run;
        while (output.count('\n') < killAfter && writer.state() == QProcess::Running) {
            writer.waitForReadyRead(10000);
            output += writer.readAllStandardOutput();
        }
        writer.kill(); // SIGKILL on Unix
        QVERIFY(writer.waitForFinished(10000));
        output += writer.readAllStandardOutput();
        QCOMPARE(writer.exitStatus(), QProcess::CrashExit);

        const QVector<qint64> ids = parseIds(output);
        QVERIFY2(ids.size() >= killAfter, writer.readAllStandardError().constData());
        printed += ids;
    }

    const auto store = LotStore::open(dbPath(), LotStore::Mode::ReadOnly);
    QCOMPARE(store->integrityCheck(), QStringLiteral("ok"));
    const std::optional<LotRecord> lot = store->findLot(lotName);
    QVERIFY(lot.has_value());
    for (qint64 id : printed) {
        const std::optional<PartRecord> part = store->part(id);
        QVERIFY2(part.has_value(), qPrintable(QStringLiteral("part %1 lost").arg(id)));
        QCOMPARE(part->lotId, lot->id);
        QCOMPARE(part->anomalyMap.size(), size_t(32 * 32));
    }
    // Each kill may land after a commit and before its id was printed.
    const int stored = store->counts(lot->id).total;
    QVERIFY(stored >= printed.size());
    QVERIFY(stored <= printed.size() + 3);
}

QTEST_GUILESS_MAIN(TestLotStore)
#include "test_lot_store.moc"
