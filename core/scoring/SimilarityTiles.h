#pragma once

#include "scoring/MemoryBank.h"

#include <functional>

namespace patchead {

// Tile sizes of the nearest-patch search, in patches. Each search thread
// holds one similarity tile of at most queryTile x bankTile floats (2 MiB at
// the defaults; 784 KiB per thread for a 784-patch part on 2 threads), so
// memory in use does not depend on the query grid or the bank. On the
// 2-core EPYC build machine a 512-patch bank tile ran at 24 to 35 GFLOP/s,
// the 4096-patch tile of earlier versions at 21 to 25 (patchead-bench gemm
// case, docs/benchmarks.md).
struct NearestPatchOptions {
    int queryTile = 1024;
    int bankTile = 512;
    // Few-shot search without an excluded source runs the fused kernel
    // (FusedMaxSimilarity.h) where the CPU has AVX2 and FMA. False keeps the
    // sgemm tiles, which benchmarks compare it with.
    bool fusedKernel = true;
    // With the fused kernel and a bank whose search index is built, skip the
    // bank groups that cannot hold a query's nearest patch
    // (ConeBoundSearch.h). Exact; false multiplies every pair.
    bool coneBounds = true;
    // Threads of one search, or 0 for the OpenBLAS count. Parts scored on
    // several lanes at once search on one thread each.
    int threads = 0;
};

// Called with one tile of cosine similarities: rows x columns floats, row
// after row, for queries [queryStart, queryStart + rows) against bank
// patches [bankStart, bankStart + columns).
// Threads one search runs on: options.threads, or the OpenBLAS count when 0.
int searchThreadCount(const NearestPatchOptions &options);

using SimilarityTileVisitor =
    std::function<void(int queryStart, int rows, int bankStart, int columns, const float *tile)>;

// Computes the query x bank similarity matrix tile by tile and hands each
// tile to `visit`. The queries are split into blocks of at most queryTile
// rows, as many per thread as balances the work; blocks run in parallel on
// the BLAS thread count (OpenMP), each with a single-threaded sgemm because
// OpenBLAS's OpenMP build runs one thread inside a parallel region.
// Contract for `visit`: calls for different query blocks run concurrently,
// so it may write only state of its own query rows; the calls for one block
// come from one thread in increasing bankStart.
void forEachSimilarityTile(const float *queries, int count, const MemoryBank &bank,
                           const NearestPatchOptions &options, const SimilarityTileVisitor &visit);

} // namespace patchead
