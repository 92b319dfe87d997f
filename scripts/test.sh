#!/usr/bin/env bash
# Build everything, prepare the default encoder, and run the whole test
# suite with CTest. GUI tests run under Xvfb when it is installed.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${BUILD_DIR:-build}"

bash scripts/build.sh
cd "$BUILD_DIR"
runner=()
if command -v xvfb-run >/dev/null 2>&1; then runner=(xvfb-run -a -s "-screen 0 1600x1000x24"); fi
"${runner[@]}" ctest --output-on-failure -j "${CTEST_JOBS:-2}" "$@"
