// Replays saved fuzz inputs through a target's LLVMFuzzerTestOneInput without
// libFuzzer, so that every build checks the committed corpus and the crash
// regressions. Arguments are files or folders (read without recursion). The
// run fails when an input crashes, when an argument does not exist, or when
// no input is found at all.

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStringList>

#include <cstdint>
#include <cstdio>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

namespace {

QStringList inputFiles(const QString &argument)
{
    const QFileInfo info(argument);
    if (info.isFile())
        return {info.filePath()};
    QStringList files;
    const QDir folder(argument);
    for (const QString &name : folder.entryList(QDir::Files | QDir::Hidden, QDir::Name))
        files.append(folder.filePath(name));
    return files;
}

} // namespace

int main(int argc, char **argv)
{
    int replayed = 0;
    for (int i = 1; i < argc; ++i) {
        const QString argument = QString::fromLocal8Bit(argv[i]);
        if (!QFileInfo::exists(argument)) {
            std::fprintf(stderr, "replay: %s not found; pass corpus files or folders\n", argv[i]);
            return 2;
        }
        for (const QString &path : inputFiles(argument)) {
            QFile file(path);
            if (!file.open(QIODevice::ReadOnly)) {
                std::fprintf(stderr, "replay: cannot read %s: %s\n", qPrintable(path),
                             qPrintable(file.errorString()));
                return 2;
            }
            const QByteArray bytes = file.readAll();
            // Printed first, so that the last line before a crash names the input.
            std::fprintf(stderr, "replay: %s (%lld bytes)\n", qPrintable(path), static_cast<long long>(bytes.size()));
            LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t *>(bytes.constData()), size_t(bytes.size()));
            ++replayed;
        }
    }
    if (replayed == 0) {
        std::fprintf(stderr, "replay: no inputs found; pass corpus files or folders\n");
        return 2;
    }
    std::printf("replay: %d inputs ran without a finding\n", replayed);
    return 0;
}
