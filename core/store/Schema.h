#pragma once

#include "store/LotStore.h"

namespace patchead {

// PRAGMA application_id of a lot database, the ASCII bytes "PEAD", which
// distinguishes a lot database from an SQLite file of another program.
constexpr int kLotStoreApplicationId = 0x50454144;

int readSchemaVersion(const LotStore &store);

// Throws StoreError when this program cannot use the file in `mode`: a newer
// schema, another program's SQLite file, or (read-only) a file that would
// need creating or upgrading. Reads only, so a rejected file stays unchanged.
void checkSchemaCompatible(const LotStore &store, LotStore::Mode mode);

// Upgrades the file to LotStore::kSchemaVersion in one transaction. Another
// process may upgrade the same file at the same time, so the version is
// re-read under the write lock and each step runs once.
void migrateSchema(const LotStore &store);

} // namespace patchead
