#!/usr/bin/env bash
# Configure and build the project into BUILD_DIR (default: build/), then
# prepare the default encoder there. Extra arguments go to CMake's configure
# step, for example -DTorch_DIR=/opt/libtorch/share/cmake/Torch for an
# official LibTorch with CUDA.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${BUILD_DIR:-build}"
JOBS="${JOBS:-$(nproc)}"

bash scripts/install-deps.sh
generator=()
if command -v ninja >/dev/null 2>&1; then generator=(-G Ninja); fi
if [ ! -f "$BUILD_DIR/CMakeCache.txt" ]; then
  cmake -S . -B "$BUILD_DIR" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@"
elif [ "$#" -gt 0 ]; then
  cmake -S . -B "$BUILD_DIR" "$@"
fi
cmake --build "$BUILD_DIR" -j "$JOBS"
bash models/prepare-default-encoder.sh "$BUILD_DIR/models"
