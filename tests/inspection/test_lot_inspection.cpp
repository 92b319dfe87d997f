#include "EncoderFixture.h"

#include "common/Error.h"
#include "inspection/LotInspection.h"
#include "inspection/LotRunLock.h"
#include "metrics/RankingMetrics.h"
#include "synthetic/SampleLot.h"

#include <QLockFile>
#include <QtTest>

using namespace patchead;

class TestLotInspection : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<Encoder> mEncoder;
    QTemporaryDir mSampleDir;
    SampleLotSummary mSample;

    LotRequest request(const QString &name) const
    {
        LotRequest r;
        r.lotName = name;
        r.lotFolder = mSample.lotDir;
        r.referencePaths = LotInspection::listImages(mSample.trainGoodDir);
        r.settings.alignment.mode = AlignmentMode::Off;
        return r;
    }

private slots:
    void initTestCase()
    {
        QString why;
        mEncoder = testing::loadDefaultEncoder(why);
        if (!mEncoder)
            QSKIP(qPrintable(why));
        SampleLotOptions options;
        options.imageSize = 256;
        options.referenceCount = 4;
        options.extraReferenceCount = 0;
        options.goodParts = 6;
        options.defectiveParts = 7;
        mSample = generateSampleLot(mSampleDir.path(), options);
    }

    void scoresSeparateDefects()
    {
        auto store = LotStore::open(mSampleDir.filePath(QStringLiteral("separate.sqlite")));
        LotRequest r = request(QStringLiteral("separate"));
        r.heatmapFolder = mSampleDir.filePath(QStringLiteral("heatmaps"));
        LotInspection inspection(*mEncoder, *store);
        const LotSummary summary = inspection.run(r);

        QCOMPARE(summary.counts.total, 13);
        QCOMPARE(summary.counts.error, 0);
        QVERIFY(summary.lot.rejectThreshold > summary.lot.reviewThreshold);
        QCOMPARE(store->references(summary.lot.id).size(), 4);

        std::vector<double> scores;
        std::vector<int> labels;
        const QVector<PartRecord> parts = store->parts(summary.lot.id, true);
        for (const PartRecord &part : parts) {
            const auto entry = std::find_if(mSample.lot.begin(), mSample.lot.end(), [&](const SampleLotEntry &e) {
                return part.path.endsWith(e.partFile); });
            QVERIFY(entry != mSample.lot.end());
            scores.push_back(part.imageScore);
            labels.push_back(entry->label == QLatin1String("good") ? 0 : 1);
            QCOMPARE(part.anomalyMap.size(), std::size_t(part.mapWidth * part.mapHeight));
        }
        const double auroc = rocAuc(scores, labels);
        qInfo("synthetic lot image AUROC %.3f", auroc);
        QVERIFY2(auroc >= 0.8, qPrintable(QString::number(auroc)));
        QCOMPARE(QDir(r.heatmapFolder).entryList(QDir::Files).size(), 13);
    }

    void lanesScoreLikeOneLane()
    {
        QHash<QString, double> oneLane;
        for (const int lanes : {1, 3}) {
            auto store = LotStore::open(mSampleDir.filePath(QStringLiteral("lanes%1.sqlite").arg(lanes)));
            LotRequest r = request(QStringLiteral("lanes"));
            r.partLanes = lanes;
            LotInspection inspection(*mEncoder, *store);
            const LotSummary summary = inspection.run(r);
            QCOMPARE(summary.counts.total, 13);
            QCOMPARE(summary.counts.error, 0);
            for (const PartRecord &part : store->parts(summary.lot.id)) {
                if (lanes == 1) {
                    oneLane.insert(part.path, part.imageScore);
                    continue;
                }
                QVERIFY2(oneLane.contains(part.path), qPrintable(part.path));
                QVERIFY2(std::abs(oneLane.value(part.path) - part.imageScore) < 1e-5, qPrintable(part.path));
            }
        }
    }

    void cancelThenResume_data()
    {
        QTest::addColumn<int>("lanes");
        QTest::newRow("one lane") << 1;
        QTest::newRow("two lanes") << 2;
    }

    // With two lanes, the parts the lanes finished before they saw the cancel
    // request are still stored.
    void cancelThenResume()
    {
        QFETCH(int, lanes);
        auto store = LotStore::open(mSampleDir.filePath(QStringLiteral("resume%1.sqlite").arg(lanes)));
        LotInspection inspection(*mEncoder, *store);
        std::atomic<bool> cancel{false};
        LotCallbacks callbacks;
        callbacks.partStored = [&](const LotProgress &progress, const PartRecord &) {
            if (progress.scoredThisRun == 3)
                cancel = true;
        };
        LotRequest r = request(QStringLiteral("resume"));
        r.partLanes = lanes;
        const LotSummary first = inspection.run(r, callbacks, &cancel);
        QVERIFY(first.cancelled);
        QVERIFY(first.counts.total >= 3);
        QVERIFY(first.counts.total < 13);
        if (lanes == 1)
            QCOMPARE(first.counts.total, 3);
        QCOMPARE(first.lot.status, QStringLiteral("cancelled"));

        const LotSummary second = inspection.run(r);
        QVERIFY(!second.cancelled);
        QCOMPARE(second.alreadyStored, first.counts.total);
        QCOMPARE(second.scoredThisRun, 13 - first.counts.total);
        QCOMPARE(second.counts.total, 13);
        QCOMPARE(store->parts(second.lot.id).size(), 13);
        QCOMPARE(second.lot.status, QStringLiteral("complete"));
    }

    void resumeWithOtherSettingsIsRejected()
    {
        auto store = LotStore::open(mSampleDir.filePath(QStringLiteral("mismatch.sqlite")));
        LotInspection inspection(*mEncoder, *store);
        LotRequest r = request(QStringLiteral("mismatch"));
        r.partPaths = LotInspection::listImages(mSample.lotDir).mid(0, 2);
        inspection.run(r);
        r.settings.features.neighbourhood = 1;
        QVERIFY_THROWS_EXCEPTION(SettingsError, inspection.run(r));
        QCOMPARE(store->parts(store->findLot(QStringLiteral("mismatch"))->id).size(), 2);
    }

    // A mistyped --lot with a known lot name must not add another folder's
    // parts to that lot.
    void resumeFromOtherFolderIsRejected()
    {
        auto store = LotStore::open(mSampleDir.filePath(QStringLiteral("moved.sqlite")));
        LotInspection inspection(*mEncoder, *store);
        LotRequest r = request(QStringLiteral("moved"));
        r.partPaths = LotInspection::listImages(mSample.lotDir).mid(0, 2);
        inspection.run(r);
        r.lotFolder = mSample.trainGoodDir;
        r.partPaths = LotInspection::listImages(mSample.trainGoodDir).mid(0, 2);
        QVERIFY_THROWS_EXCEPTION(SettingsError, inspection.run(r));
        QCOMPARE(store->parts(store->findLot(QStringLiteral("moved"))->id).size(), 2);
    }

    void unreadablePartDoesNotStopLot()
    {
        QTemporaryDir lotDir;
        const QStringList good = LotInspection::listImages(mSample.lotDir).mid(0, 2);
        for (const QString &path : good)
            QVERIFY(QFile::copy(path, lotDir.filePath(QFileInfo(path).fileName())));
        QFile empty(lotDir.filePath(QStringLiteral("part_000_empty.png")));
        QVERIFY(empty.open(QIODevice::WriteOnly));
        empty.close();

        auto store = LotStore::open(mSampleDir.filePath(QStringLiteral("bad.sqlite")));
        LotInspection inspection(*mEncoder, *store);
        LotRequest r = request(QStringLiteral("bad"));
        r.lotFolder = lotDir.path();
        const LotSummary summary = inspection.run(r);
        QCOMPARE(summary.counts.total, 3);
        QCOMPARE(summary.counts.error, 1);
        const QVector<PartRecord> parts = store->parts(summary.lot.id);
        const auto bad = std::find_if(parts.begin(), parts.end(), [](const PartRecord &p) {
            return p.verdict == Verdict::Error; });
        QVERIFY(bad != parts.end());
        QVERIFY(bad->path.endsWith(QStringLiteral("part_000_empty.png")));
        QVERIFY2(bad->error.contains(QStringLiteral("empty"), Qt::CaseInsensitive), qPrintable(bad->error));
    }

    // A region mask halves the scores of patches outside it, on parts and on
    // the references' leave-one-out scores alike, so the derived reject
    // threshold must fall too.
    void maskLowersDerivedThreshold()
    {
        auto store = LotStore::open(mSampleDir.filePath(QStringLiteral("masked.sqlite")));
        LotInspection inspection(*mEncoder, *store);
        LotRequest plain = request(QStringLiteral("unmasked"));
        plain.partPaths = LotInspection::listImages(mSample.lotDir).mid(0, 1);
        LotRequest masked = plain;
        masked.lotName = QStringLiteral("masked");
        masked.settings.mask.source = MaskSource::Region;
        masked.settings.mask.regionOfInterest = QRectF(0.25, 0.25, 0.5, 0.5);
        const LotSummary plainSummary = inspection.run(plain);
        const LotSummary maskedSummary = inspection.run(masked);
        QVERIFY2(maskedSummary.lot.rejectThreshold < plainSummary.lot.rejectThreshold,
                 qPrintable(QStringLiteral("%1 against %2").arg(maskedSummary.lot.rejectThreshold)
                                .arg(plainSummary.lot.rejectThreshold)));
    }

    void missingMaskImageIsRejected()
    {
        auto store = LotStore::open(mSampleDir.filePath(QStringLiteral("maskimage.sqlite")));
        LotInspection inspection(*mEncoder, *store);
        LotRequest r = request(QStringLiteral("maskimage"));
        r.settings.mask.source = MaskSource::Region;
        r.settings.mask.maskImagePath = mSampleDir.filePath(QStringLiteral("no-such-mask.png"));
        try {
            inspection.run(r);
            QFAIL("a missing mask image was accepted");
        } catch (const SettingsError &error) {
            QVERIFY2(error.message().contains(QStringLiteral("no-such-mask.png")), qPrintable(error.message()));
        }
        QVERIFY(!store->findLot(QStringLiteral("maskimage")).has_value());
    }

    // Two parts cannot give thresholds from the lot's own scores: the lot
    // is rejected before it is stored, and --threshold makes it run.
    void zeroShotSmallLotNeedsThreshold()
    {
        auto store = LotStore::open(mSampleDir.filePath(QStringLiteral("zeroshot-small.sqlite")));
        LotInspection inspection(*mEncoder, *store);
        LotRequest r = request(QStringLiteral("two parts"));
        r.referencePaths.clear();
        r.partPaths = LotInspection::listImages(mSample.lotDir).mid(0, 2);
        r.settings.zeroShot.enabled = true;
        try {
            inspection.run(r);
            QFAIL("a two-part zero-shot lot without a threshold was accepted");
        } catch (const SettingsError &error) {
            QVERIFY2(error.message().contains(QStringLiteral("--threshold")), qPrintable(error.message()));
        }
        QVERIFY(!store->findLot(QStringLiteral("two parts")).has_value());

        r.settings.fixedRejectThreshold = 0.2;
        const LotSummary summary = inspection.run(r);
        QCOMPARE(summary.lot.status, QStringLiteral("complete"));
        QCOMPARE(summary.counts.total, 2);
        QCOMPARE(summary.lot.rejectThreshold, 0.2);
    }

    // ext4 allows 255 bytes per file name, and "_heatmap.png" must not push a
    // long but valid part name over it.
    void longPartNameGetsShortHeatmapName()
    {
        QTemporaryDir lotDir;
        const QString longName = QString(250, QLatin1Char('p')) + QStringLiteral(".png");
        QVERIFY(QFile::copy(LotInspection::listImages(mSample.lotDir).first(), lotDir.filePath(longName)));
        auto store = LotStore::open(mSampleDir.filePath(QStringLiteral("longname.sqlite")));
        LotInspection inspection(*mEncoder, *store);
        LotRequest r = request(QStringLiteral("longname"));
        r.lotFolder = lotDir.path();
        r.heatmapFolder = lotDir.filePath(QStringLiteral("heatmaps"));
        const LotSummary summary = inspection.run(r);
        QCOMPARE(summary.counts.error, 0);
        const QStringList heatmaps = QDir(r.heatmapFolder).entryList(QDir::Files);
        QCOMPARE(heatmaps.size(), 1);
        QVERIFY(heatmaps.first().toUtf8().size() <= 255);
        QVERIFY(heatmaps.first().endsWith(QStringLiteral("_heatmap.png")));
    }

    // a.png and a.bmp in one lot would both map to a_heatmap.png, and
    // a.png.bmp would then map to a.png's name.
    void sharedBaseNameKeepsBothHeatmaps()
    {
        QTemporaryDir lotDir;
        const QStringList sources = LotInspection::listImages(mSample.lotDir);
        QVERIFY(QFile::copy(sources.at(0), lotDir.filePath(QStringLiteral("a.png"))));
        QVERIFY(QImage(sources.at(1)).save(lotDir.filePath(QStringLiteral("a.bmp"))));
        QVERIFY(QImage(sources.at(2)).save(lotDir.filePath(QStringLiteral("a.png.bmp")), "BMP"));
        QVERIFY(QFile::copy(sources.at(3), lotDir.filePath(QStringLiteral("b.png"))));
        auto store = LotStore::open(mSampleDir.filePath(QStringLiteral("basenames.sqlite")));
        LotInspection inspection(*mEncoder, *store);
        LotRequest r = request(QStringLiteral("basenames"));
        r.lotFolder = lotDir.path();
        r.heatmapFolder = lotDir.filePath(QStringLiteral("heatmaps"));
        QCOMPARE(inspection.run(r).counts.error, 0);
        const QStringList heatmaps = QDir(r.heatmapFolder).entryList(QDir::Files, QDir::Name);
        QCOMPARE(heatmaps.size(), 4);
        QVERIFY(heatmaps.contains(QStringLiteral("a.bmp_heatmap.png")));
        QVERIFY(heatmaps.contains(QStringLiteral("b_heatmap.png")));
        QCOMPARE(heatmaps.filter(QRegularExpression(QStringLiteral("^a\\.png~[0-9a-f]{8}_heatmap\\.png$"))).size(), 2);
    }

    // A second run of a lot that another run is inspecting would score
    // every part twice. It is rejected before anything is stored, and runs once the
    // lock is released.
    void heldLotIsRejected()
    {
        auto store = LotStore::open(mSampleDir.filePath(QStringLiteral("held.sqlite")));
        LotInspection inspection(*mEncoder, *store);
        const LotRequest r = request(QStringLiteral("held lot"));
        QLockFile other(LotRunLock::lockFilePath(store->path(), r.lotName));
        QVERIFY(other.tryLock(0));
        try {
            inspection.run(r);
            QFAIL("a held lot was inspected");
        } catch (const SettingsError &error) {
            const QString message = QString::fromUtf8(error.what());
            QVERIFY2(message.contains(QStringLiteral("is being inspected by another run")), qPrintable(message));
            QVERIFY2(message.contains(other.fileName()), qPrintable(message));
        }
        QVERIFY(!store->findLot(r.lotName).has_value());

        // A symbolic link to the database leads to the same lock.
        const QString link = mSampleDir.filePath(QStringLiteral("held-link.sqlite"));
        QVERIFY(QFile::link(store->path(), link));
        QCOMPARE(LotRunLock::lockFilePath(link, r.lotName), other.fileName());
        other.unlock();
        QCOMPARE(inspection.run(r).counts.total, 13);
        QVERIFY(!QFile::exists(other.fileName()));
    }

    // A part file replaced after it was scored (a camera retake under the
    // same name) must not keep the score of the old image.
    void changedFileIsScoredAgain()
    {
        QTemporaryDir lotDir;
        const QStringList sources = LotInspection::listImages(mSample.lotDir);
        for (int i = 0; i < 3; ++i)
            QVERIFY(QFile::copy(sources.at(i), lotDir.filePath(QStringLiteral("p%1.png").arg(i))));
        auto store = LotStore::open(mSampleDir.filePath(QStringLiteral("changed.sqlite")));
        LotInspection inspection(*mEncoder, *store);
        LotRequest r = request(QStringLiteral("changed"));
        r.lotFolder = lotDir.path();
        r.settleMs = 0;
        const LotSummary first = inspection.run(r);
        QCOMPARE(first.changedFiles, 0);
        const QString replaced = lotDir.filePath(QStringLiteral("p1.png"));
        const QVector<PartRecord> firstParts = store->parts(first.lot.id);
        const auto stored = std::find_if(firstParts.cbegin(), firstParts.cend(), [&](const PartRecord &part) {
            return part.path == replaced;
        });
        QVERIFY(stored != firstParts.cend());
        const PartRecord before = *stored;

        QVERIFY(QFile::remove(replaced));
        QVERIFY(QFile::copy(sources.at(5), replaced));
        const LotSummary second = inspection.run(r);
        QCOMPARE(second.changedFiles, 1);
        QCOMPARE(second.scoredThisRun, 1);
        QCOMPARE(second.alreadyStored, 2);
        QCOMPARE(second.counts.total, 3);
        const QVector<PartRecord> parts = store->parts(first.lot.id);
        const auto after = std::find_if(parts.cbegin(), parts.cend(), [&](const PartRecord &part) {
            return part.path == replaced;
        });
        QVERIFY(after != parts.cend());
        QVERIFY(after->sha256 != before.sha256);
        QVERIFY(after->imageScore != before.imageScore);

        bool audited = false;
        for (const AuditEvent &event : store->auditLog(first.lot.id)) {
            if (event.event == QLatin1String("part_file_changed"))
                audited = event.detailsJson.contains(before.sha256) && event.detailsJson.contains(after->sha256);
        }
        QVERIFY(audited);
        QCOMPARE(inspection.run(r).changedFiles, 0);
    }

    // The same folder reached through a symbolic link must resume the lot,
    // not store every part a second time under the other path.
    void linkedLotFolderResumes()
    {
        QTemporaryDir dir;
        const QString realFolder = dir.filePath(QStringLiteral("lot"));
        QVERIFY(QDir().mkpath(realFolder));
        const QStringList sources = LotInspection::listImages(mSample.lotDir);
        for (int i = 0; i < 3; ++i)
            QVERIFY(QFile::copy(sources.at(i), QDir(realFolder).filePath(QStringLiteral("p%1.png").arg(i))));
        const QString link = dir.filePath(QStringLiteral("lot-link"));
        QVERIFY(QFile::link(realFolder, link));
        auto store = LotStore::open(mSampleDir.filePath(QStringLiteral("linked.sqlite")));
        LotInspection inspection(*mEncoder, *store);
        LotRequest r = request(QStringLiteral("linked"));
        r.settleMs = 0;
        r.lotFolder = link;
        QCOMPARE(inspection.run(r).counts.total, 3);

        r.lotFolder = realFolder;
        const LotSummary resumed = inspection.run(r);
        QCOMPARE(resumed.scoredThisRun, 0);
        QCOMPARE(resumed.alreadyStored, 3);
        QCOMPARE(resumed.counts.total, 3);
    }

    void noUsableReferenceIsRejected()
    {
        QTemporaryDir dir;
        QFile text(dir.filePath(QStringLiteral("notes.png")));
        QVERIFY(text.open(QIODevice::WriteOnly));
        text.write("not an image");
        text.close();
        auto store = LotStore::open(mSampleDir.filePath(QStringLiteral("norefs.sqlite")));
        LotInspection inspection(*mEncoder, *store);
        LotRequest r = request(QStringLiteral("norefs"));
        r.referencePaths = {text.fileName()};
        QVERIFY_THROWS_EXCEPTION(SettingsError, inspection.run(r));
        QVERIFY(!store->findLot(QStringLiteral("norefs")).has_value());
    }
};

QTEST_GUILESS_MAIN(TestLotInspection)
#include "test_lot_inspection.moc"
