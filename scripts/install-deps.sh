#!/usr/bin/env bash
# Install the Debian 12 packages that building, testing and preparing the
# default encoder need. Idempotent: when every package is present it only
# checks and exits within a second or two.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  qt6-base-dev qt6-base-dev-tools libqt6sql6-sqlite libqt6svg6
  libtorch-dev libopenblas0-openmp libopenblas-dev
  libopencv-dev
  libqcustomplot-dev libqcustomplot2.1-qt6
  libsqlite3-dev sqlite3
  python3-torch python3-numpy python3-opencv python3-sklearn python3-scipy python3-skimage
  xvfb xauth x11-apps imagemagick poppler-utils
  fonts-dejavu-core fonts-droid-fallback
  debootstrap appstream desktop-file-utils
)

# Node.js with npm runs the TensorFlow.js reference of the default encoder's
# conversion. Some machines carry a newer Node.js whose package bundles npm;
# install Debian's only where no npm is on the PATH.
if ! command -v npm >/dev/null 2>&1; then PACKAGES+=(nodejs npm); fi

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-deps: installing ${#missing[@]} missing packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "install-deps: all ${#PACKAGES[@]} packages present"
fi

# LibTorch runs 3x slower when BLAS is the pthread OpenBLAS build, because
# its threads fight LibTorch's OpenMP pool. Point every BLAS alternative at
# the OpenMP build when it is installed.
arch_dir="/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)"
omp_dir="$arch_dir/openblas-openmp"
if [ -d "$omp_dir" ]; then
  for alt in libblas.so.3 liblapack.so.3 libopenblas.so.0; do
    target="$omp_dir/$alt"
    name="$alt-$(basename "$arch_dir")"
    if [ -e "$target" ] && update-alternatives --query "$name" >/dev/null 2>&1; then
      current=$(update-alternatives --query "$name" | awk '/^Value:/ {print $2}')
      if [ "$current" != "$target" ]; then
        $SUDO update-alternatives --set "$name" "$target" >/dev/null
        echo "install-deps: $name -> $target"
      fi
    fi
  done
fi
