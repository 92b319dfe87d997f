#pragma once

#include "store/LotStore.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>

struct sqlite3_stmt;

namespace patchead {

// A prepared statement on a LotStore's connection, finalized when it goes out
// of scope. Parameter indexes start at 1 and column indexes at 0, as in
// SQLite. Every failure throws StoreError naming the database file.
class LotStoreStatement {
public:
    LotStoreStatement(const LotStore &store, const char *sql);
    ~LotStoreStatement();
    LotStoreStatement(const LotStoreStatement &) = delete;
    LotStoreStatement &operator=(const LotStoreStatement &) = delete;

    LotStoreStatement &bindInt64(int index, qint64 value);
    LotStoreStatement &bindDouble(int index, double value);
    LotStoreStatement &bindText(int index, const QString &value);
    LotStoreStatement &bindBlob(int index, const QByteArray &value); // empty binds NULL
    LotStoreStatement &bindTime(int index, const QDateTime &value);  // stored as UTC ISO 8601

    // Steps to the next result row, or returns false once there are no more.
    bool next();
    // Steps until the statement is done, ignoring any result rows.
    void run();
    // Rewinds the statement and clears its parameters for the next run.
    void reset();

    qint64 int64(int column) const;
    double real(int column) const;
    QString text(int column) const;
    QByteArray blob(int column) const;
    QDateTime time(int column) const;
    bool isNull(int column) const;

    // Runs SQL text that may hold several statements and has no parameters.
    static void execScript(const LotStore &store, const char *sql);
    // Returns whether the connection has no open transaction.
    static bool isAutocommit(const LotStore &store);

private:
    void check(int resultCode) const;

    const LotStore &mStore;
    sqlite3_stmt *mStatement = nullptr;
};

// A write transaction, begun with BEGIN IMMEDIATE so that the write lock is
// taken (or the busy timeout runs out) before any change. The destructor
// rolls back unless commit() succeeded.
class LotStoreTransaction {
public:
    explicit LotStoreTransaction(const LotStore &store);
    ~LotStoreTransaction();
    LotStoreTransaction(const LotStoreTransaction &) = delete;
    LotStoreTransaction &operator=(const LotStoreTransaction &) = delete;

    void commit();

private:
    const LotStore &mStore;
    bool mCommitted = false;
};

} // namespace patchead
