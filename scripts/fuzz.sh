#!/usr/bin/env bash
# Build one libFuzzer target of tests/fuzz with clang and run it for a given
# time, starting from the committed corpus, then merge the inputs that found
# new coverage back into tests/fuzz/corpus/<target>.
#
#   bash scripts/fuzz.sh image_load 600      # target, seconds
#
# Crashes, leaks and undefined behaviour stop the run and leave the input in
# $BUILD_DIR/fuzz-work/<target>/; copy it to tests/fuzz/regressions/<target>/
# after fixing the cause, so that CTest replays it (fuzz_replay_<target>).
# Needs clang-14 and libclang-rt-14-dev (Debian 12).
set -euo pipefail
cd "$(dirname "$0")/.."
target="${1:?usage: fuzz.sh TARGET SECONDS (targets: tests/fuzz/*.cpp except FuzzSupport and ReplayMain)}"
seconds="${2:-600}"
BUILD_DIR="${BUILD_DIR:-build-fuzz}"
JOBS="${JOBS:-1}"

if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  cmake -G Ninja -S . -B "$BUILD_DIR" -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DPATCHEAD_BUILD_GUI=OFF -DPATCHEAD_BUILD_FUZZERS=ON "${@:3}"
fi
# NO_BUILD=1 runs the fuzzer already built in BUILD_DIR.
if [ -z "${NO_BUILD:-}" ]; then ninja -C "$BUILD_DIR" -j "$JOBS" "fuzz_$target"; fi

work="$BUILD_DIR/fuzz-work/$target"
mkdir -p "$work/corpus"
cp -n tests/fuzz/corpus/"$target"/* "$work/corpus/"
if [ -d "tests/fuzz/regressions/$target" ]; then cp -n tests/fuzz/regressions/"$target"/* "$work/corpus/"; fi

# -max_len: image headers and manifests fit in 64 KiB, and longer inputs only
# slow the decoders down. -rss_limit_mb stays at libFuzzer's 2048 default.
status=0
"$BUILD_DIR/tests/fuzz/fuzz_$target" "$work/corpus" -max_total_time="$seconds" -max_len=65536 \
  -timeout=25 -print_final_stats=1 -artifact_prefix="$work/" > "$work/run.log" 2>&1 || status=$?
grep -v '^#[0-9]*.*\(NEW\|REDUCE\|pulse\)' "$work/run.log" | tail -n 40 || true
if [ "$status" -ne 0 ]; then
  echo "fuzz: $target stopped with a finding (exit $status); the input is in $work/ (crash-*, leak-*, timeout-*, oom-*)" >&2
  exit "$status"
fi

# Keep only the inputs that add coverage, so the committed corpus stays small.
# The seeds go into the merge folder first, so only inputs that add coverage
# beyond them are kept.
rm -rf "$work/merged"
mkdir -p "$work/merged"
cp tests/fuzz/corpus/"$target"/seed-* "$work/merged/"
"$BUILD_DIR/tests/fuzz/fuzz_$target" -merge=1 -max_len=65536 "$work/merged" "$work/corpus" > "$work/merge.log" 2>&1
rm -f tests/fuzz/corpus/"$target"/[0-9a-f]*
for input in "$work/merged"/*; do
  case "$(basename "$input")" in seed-*) ;; *) cp "$input" "tests/fuzz/corpus/$target/" ;; esac
done
echo "fuzz: $target ran ${seconds} s; corpus of $(ls "tests/fuzz/corpus/$target" | wc -l) files in tests/fuzz/corpus/$target"
