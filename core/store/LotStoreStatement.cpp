#include "store/LotStoreStatement.h"

#include "common/Error.h"
#include "common/Logging.h"
#include "store/SqliteError.h"

#include <sqlite3.h>

namespace patchead {

LotStoreStatement::LotStoreStatement(const LotStore &store, const char *sql) : mStore(store)
{
    check(sqlite3_prepare_v2(mStore.mDb, sql, -1, &mStatement, nullptr));
}

LotStoreStatement::~LotStoreStatement()
{
    sqlite3_finalize(mStatement);
}

LotStoreStatement &LotStoreStatement::bindInt64(int index, qint64 value)
{
    check(sqlite3_bind_int64(mStatement, index, value));
    return *this;
}

LotStoreStatement &LotStoreStatement::bindDouble(int index, double value)
{
    check(sqlite3_bind_double(mStatement, index, value));
    return *this;
}

LotStoreStatement &LotStoreStatement::bindText(int index, const QString &value)
{
    const QByteArray utf8 = value.toUtf8();
    check(sqlite3_bind_text64(mStatement, index, utf8.constData(), sqlite3_uint64(utf8.size()),
                              SQLITE_TRANSIENT, SQLITE_UTF8));
    return *this;
}

LotStoreStatement &LotStoreStatement::bindBlob(int index, const QByteArray &value)
{
    if (value.isEmpty())
        check(sqlite3_bind_null(mStatement, index));
    else
        check(sqlite3_bind_blob64(mStatement, index, value.constData(),
                                  sqlite3_uint64(value.size()), SQLITE_TRANSIENT));
    return *this;
}

LotStoreStatement &LotStoreStatement::bindTime(int index, const QDateTime &value)
{
    return bindText(index, value.toUTC().toString(Qt::ISODateWithMs));
}

bool LotStoreStatement::next()
{
    const int resultCode = sqlite3_step(mStatement);
    if (resultCode == SQLITE_ROW)
        return true;
    if (resultCode == SQLITE_DONE)
        return false;
    check(resultCode);
    return false;
}

void LotStoreStatement::run()
{
    while (next()) {
    }
}

void LotStoreStatement::reset()
{
    // sqlite3_reset() repeats the error of the last step, which next() has
    // already thrown, so its result is not checked again.
    sqlite3_reset(mStatement);
    sqlite3_clear_bindings(mStatement);
}

qint64 LotStoreStatement::int64(int column) const
{
    return sqlite3_column_int64(mStatement, column);
}

double LotStoreStatement::real(int column) const
{
    return sqlite3_column_double(mStatement, column);
}

QString LotStoreStatement::text(int column) const
{
    const auto *utf8 = reinterpret_cast<const char *>(sqlite3_column_text(mStatement, column));
    return QString::fromUtf8(utf8, sqlite3_column_bytes(mStatement, column));
}

QByteArray LotStoreStatement::blob(int column) const
{
    const auto *data = static_cast<const char *>(sqlite3_column_blob(mStatement, column));
    return QByteArray(data, sqlite3_column_bytes(mStatement, column));
}

QDateTime LotStoreStatement::time(int column) const
{
    return QDateTime::fromString(text(column), Qt::ISODateWithMs);
}

bool LotStoreStatement::isNull(int column) const
{
    return sqlite3_column_type(mStatement, column) == SQLITE_NULL;
}

void LotStoreStatement::execScript(const LotStore &store, const char *sql)
{
    const int resultCode = sqlite3_exec(store.mDb, sql, nullptr, nullptr, nullptr);
    if (resultCode != SQLITE_OK)
        throwSqliteError(store.mPath, store.mDb, resultCode, store.mBusyTimeoutMs);
}

bool LotStoreStatement::isAutocommit(const LotStore &store)
{
    return sqlite3_get_autocommit(store.mDb) != 0;
}

void LotStoreStatement::check(int resultCode) const
{
    if (resultCode != SQLITE_OK)
        throwSqliteError(mStore.mPath, mStore.mDb, resultCode, mStore.mBusyTimeoutMs);
}

LotStoreTransaction::LotStoreTransaction(const LotStore &store) : mStore(store)
{
    LotStoreStatement(mStore, "BEGIN IMMEDIATE").run();
}

LotStoreTransaction::~LotStoreTransaction()
{
    // SQLite may already have rolled back by itself, for example after
    // SQLITE_FULL, so only an open transaction is rolled back here.
    if (mCommitted || LotStoreStatement::isAutocommit(mStore))
        return;
    try {
        LotStoreStatement(mStore, "ROLLBACK").run();
    } catch (const StoreError &error) {
        qCWarning(lcStore).noquote() << "Rollback failed:" << error.message();
    }
}

void LotStoreTransaction::commit()
{
    LotStoreStatement(mStore, "COMMIT").run();
    mCommitted = true;
}

} // namespace patchead
