#!/usr/bin/env bash
# Builds the Debian package and installs it with apt-get into a clean
# Debian 12 root made by debootstrap. Then it runs the installed
# /usr/bin/patchead there as a normal user: --version, make-sample, and
# inspect without an encoder, which must name the preparation command.
# Last, it copies the default encoder into the user's encoder folder and
# runs inspect and report on the sample lot.
#
# usage: packaging/test-deb-install.sh --build-dir DIR --encoder DIR
#            [--keep-root]
#   --build-dir  a configured build folder; the root goes to DIR/packaging/debian-root
#   --encoder    a prepared default encoder folder (DIR/manifest.json)
#   --keep-root  leave the root in place after a pass (it is kept after a failure)
#
# Needs root, debootstrap, dpkg-dev, appstream, desktop-file-utils and a
# Debian mirror: the first mirror for bookworm in /etc/apt/sources.list*,
# or $PATCHEAD_DEBIAN_MIRROR. Exits 77 (skipped) when not root or when the
# mirror is unreachable.
set -euo pipefail

SKIP=77
build_dir=""
encoder=""
keep_root=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --build-dir) build_dir=$2; shift 2 ;;
    --encoder) encoder=$2; shift 2 ;;
    --keep-root) keep_root=1; shift ;;
    *) echo "test-deb-install: unknown option $1" >&2; exit 2 ;;
  esac
done
[[ -n $build_dir && -n $encoder ]] || { sed -n '9,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

say() { echo "test-deb-install: $*"; }
fail() { echo "test-deb-install: FAIL: $*" >&2; exit 1; }
skip() { echo "test-deb-install: SKIP: $*"; exit "$SKIP"; }
seconds_since() { echo $(( $(date +%s) - $1 )); }

[[ $(id -u) -eq 0 ]] || skip "needs root for debootstrap, chroot and mount; run ctest -L packaging as root"
for tool in debootstrap dpkg-shlibdeps appstreamcli desktop-file-validate; do
  command -v "$tool" >/dev/null 2>&1 \
    || fail "$tool not found: install debootstrap dpkg-dev appstream desktop-file-utils (scripts/install-deps.sh)"
done
[[ -f $encoder/manifest.json ]] \
  || fail "no prepared encoder at $encoder: run models/prepare-default-encoder.sh $(dirname "$encoder")"

# The bookworm mirror of this machine's apt sources (one-line and deb822).
find_mirror() {
  local file
  for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f $file ]] || continue
    awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/) { uri = $i; suite = $(i + 1); break }
                       if (suite == "bookworm") { print uri; exit } }' "$file"
  done
  for file in /etc/apt/sources.list.d/*.sources; do
    [[ -f $file ]] || continue
    awk 'BEGIN { RS = ""; FS = "\n" }
         { uri = ""; ok = 0
           for (i = 1; i <= NF; i++) {
             if ($i ~ /^URIs:/) { split($i, f, /[ \t]+/); uri = f[2] }
             if ($i ~ /^Suites:/ && $i ~ /[ \t]bookworm([ \t]|$)/) ok = 1 }
           if (ok && uri != "") { print uri; exit } }' "$file"
  done
}
mirror=${PATCHEAD_DEBIAN_MIRROR:-$(find_mirror | head -n 1)}
mirror=${mirror:-http://deb.debian.org/debian}
release_file=$(mktemp)
if ! /usr/lib/apt/apt-helper download-file "$mirror/dists/bookworm/Release" "$release_file" >/dev/null 2>&1; then
  rm -f "$release_file"
  skip "the Debian mirror $mirror is unreachable; set PATCHEAD_DEBIAN_MIRROR to a reachable bookworm mirror"
fi
rm -f "$release_file"
say "mirror $mirror"

build_dir=$(cd "$build_dir" && pwd)
work="$build_dir/packaging"
root="$work/debian-root"
user=inspector
home="/home/$user"

# Unmounts everything below the root, deepest first. Called on every exit.
unmount_root() {
  local mounts
  mounts=$(awk -v r="$root" '$2 == r || index($2, r "/") == 1 { print $2 }' /proc/mounts | sort -r)
  for m in $mounts; do umount "$m" || umount -l "$m" || true; done
}
remove_root() {
  unmount_root
  # Never delete through a bind mount of the host's /dev.
  if awk -v r="$root" 'index($2, r "/") == 1 { found = 1 } END { exit !found }' /proc/mounts; then
    fail "mounts remain below $root; unmount them and delete it by hand"
  fi
  rm -rf "$root"
}
trap unmount_root EXIT

# 1. The package.
started=$(date +%s)
cmake --build "$build_dir" --target patchead patchead-workstation
rm -f "$work"/deb/patchead_*.deb
(cd "$build_dir" && cpack -G DEB -B "$work/deb" >"$work/cpack.log" 2>&1) \
  || { cat "$work/cpack.log" >&2; fail "cpack failed (log above)"; }
deb=$(ls "$work"/deb/patchead_*.deb 2>/dev/null | head -n 1)
[[ -f $deb ]] || fail "cpack wrote no patchead_*.deb into $work/deb"
say "package $deb ($(du -k "$deb" | cut -f1) KiB, cpack $(seconds_since "$started") s)"

# 2. Its contents and metadata, checked on the host.
contents=$(dpkg-deb -c "$deb")
for path in ./usr/bin/patchead ./usr/bin/patchead-workstation \
    ./usr/share/applications/org.patchead.workstation.desktop \
    ./usr/share/metainfo/org.patchead.workstation.metainfo.xml \
    ./usr/share/icons/hicolor/scalable/apps/org.patchead.workstation.svg \
    ./usr/share/icons/hicolor/256x256/apps/org.patchead.workstation.png \
    ./usr/share/patchead/models-src/prepare-default-encoder.sh \
    ./usr/share/patchead/models-src/tfjs/package-lock.json; do
  grep -q " $path\$" <<<"$contents" || fail "$deb lacks $path"
done
if grep -q "node_modules" <<<"$contents"; then fail "$deb carries node_modules"; fi
depends=$(dpkg-deb -f "$deb" Depends)
for package in libtorch1.13 libqt6widgets6 libopencv-imgcodecs406 libsqlite3-0 libqt6svg6; do
  grep -q "$package" <<<"$depends" || fail "Depends lacks $package: $depends"
done
say "Depends: $depends"
say "Installed-Size: $(dpkg-deb -f "$deb" Installed-Size) KiB"
extracted="$work/deb-contents"
rm -rf "$extracted"
dpkg-deb -x "$deb" "$extracted"
desktop-file-validate "$extracted/usr/share/applications/org.patchead.workstation.desktop" \
  || fail "desktop-file-validate rejected the desktop entry"
appstreamcli validate --no-net "$extracted/usr/share/metainfo/org.patchead.workstation.metainfo.xml" \
  || fail "appstreamcli rejected the metainfo"
rm -rf "$extracted"

# 3. A clean Debian 12 root. The download caches survive between runs; the
#    root itself is made anew every time.
remove_root
mkdir -p "$work/debootstrap-cache" "$work/apt-archives/partial"
started=$(date +%s)
debootstrap --variant=minbase --cache-dir="$work/debootstrap-cache" bookworm "$root" "$mirror" \
  >"$work/debootstrap.log" 2>&1 || { tail -n 30 "$work/debootstrap.log" >&2; fail "debootstrap failed (log: $work/debootstrap.log)"; }
debootstrap_seconds=$(seconds_since "$started")
base_kib=$(du -sxk "$root" | cut -f1)
say "debootstrap $debootstrap_seconds s, base root $((base_kib / 1024)) MiB"

mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
mount -t sysfs -o ro sysfs "$root/sys"
mount --bind "$work/apt-archives" "$root/var/cache/apt/archives"
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
in_root() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 "$@"; }
as_user() { chroot --userspec="$user:$user" "$root" env -i PATH=/usr/bin:/bin HOME="$home" LANG=C.UTF-8 "$@"; }

# 4. apt-get install ./patchead_*.deb, as a user would.
cp "$deb" "$root/tmp/"
started=$(date +%s)
in_root apt-get update -q >"$work/apt.log" 2>&1 || { cat "$work/apt.log" >&2; fail "apt-get update failed in the root"; }
in_root sh -c "cd /tmp && apt-get install -y -q ./$(basename "$deb")" >>"$work/apt.log" 2>&1 \
  || { tail -n 40 "$work/apt.log" >&2; fail "apt-get install ./$(basename "$deb") failed (log: $work/apt.log)"; }
install_seconds=$(seconds_since "$started")
installed_kib=$(( $(du -sxk "$root" | cut -f1) - base_kib ))
# du counts the bind-mounted download cache too (same file system).
say "apt-get install $install_seconds s, root grew by $((installed_kib / 1024)) MiB with apt's downloads ($(grep -m1 'After this operation' "$work/apt.log" || echo 'size line missing'))"
suggested=$(in_root apt-get install --assume-no nodejs npm python3-torch python3-numpy 2>&1 | grep -m1 'After this operation' || true)
say "the suggested encoder preparation packages would add: ${suggested:-unknown}"
in_root useradd --create-home --shell /bin/bash "$user"

# 5. The installed programs, before the encoder is prepared.
[[ $(in_root sh -c 'command -v patchead') == /usr/bin/patchead ]] || fail "patchead is not /usr/bin/patchead in the root"
version=$(as_user patchead --version) || fail "patchead --version failed"
echo "$version"
grep -q '^patchead [0-9]' <<<"$version" || fail "patchead --version names no version"
grep -q 'LibTorch 1\.13.*device cpu' <<<"$version" || fail "patchead --version names no LibTorch version and device"
grep -q 'patchead prepare-encoder' <<<"$version" || fail "patchead --version does not name the preparation command"
workstation_version=$(as_user patchead-workstation --version) || fail "patchead-workstation --version failed without a display"
grep -q '^patchead-workstation [0-9]' <<<"$workstation_version" || fail "patchead-workstation --version: $workstation_version"

as_user patchead make-sample --out "$home/sample" || fail "patchead make-sample failed"
inspect=(patchead inspect --references "$home/sample/flange/train/good" --lot "$home/sample/lot"
         --db "$home/out/lots.sqlite" --out "$home/out" --name sample-lot)
set +e
missing_output=$(as_user "${inspect[@]}" 2>&1)
status=$?
set -e
[[ $status -eq 3 ]] || fail "inspect without an encoder exited $status, expected 3: $missing_output"
grep -q 'patchead prepare-encoder' <<<"$missing_output" \
  || fail "inspect without an encoder does not name the preparation command: $missing_output"
say "without an encoder: $(grep -m1 -i 'encoder' <<<"$missing_output")"

# The first-run command copies the scripts and stops at the missing
# /usr/bin/python3 with the packages to install.
set +e
prepare_output=$(as_user patchead prepare-encoder 2>&1)
status=$?
set -e
[[ $status -ne 0 ]] || fail "patchead prepare-encoder succeeded without python3, node and npm"
grep -q 'apt-get install' <<<"$prepare_output" || fail "patchead prepare-encoder names no package to install: $prepare_output"
[[ -f $root$home/.cache/patchead/models-src/prepare-default-encoder.sh ]] \
  || fail "patchead prepare-encoder did not copy the scripts to ~/.cache/patchead/models-src"
say "prepare-encoder without its tools: $(tail -n 2 <<<"$prepare_output" | head -n 1)"

# 6. With the default encoder in the user's encoder folder.
models="$root$home/.local/share/patchead/models"
mkdir -p "$models"
cp -r "$encoder" "$models/mobilenet_v2"
in_root chown -R "$user:$user" "$home/.local"
expected_sha=$(sha256sum "$encoder/$(sed -n 's/.*"module_file": *"\([^"]*\)".*/\1/p' "$encoder/manifest.json")" | cut -d' ' -f1)
version=$(as_user patchead --version)
echo "$version"
grep -q "default encoder .* sha256 $expected_sha" <<<"$version" || fail "patchead --version does not report the encoder hash $expected_sha"

set +e
as_user "${inspect[@]}"
status=$?
set -e
# 1 means finished with flagged parts, which the sample lot is made to have.
[[ $status -eq 1 ]] || fail "patchead inspect on the sample lot exited $status, expected 1 (parts flagged)"
[[ -s $root$home/out/sample-lot.csv ]] || fail "inspect wrote no $home/out/sample-lot.csv"
parts=$(( $(wc -l <"$root$home/out/sample-lot.csv") - 1 ))
[[ $parts -eq 40 ]] || fail "sample-lot.csv holds $parts parts, expected 40"
as_user patchead report --db "$home/out/lots.sqlite" --name sample-lot --pdf "$home/out/sample-lot.pdf" \
  || fail "patchead report failed"
[[ $(head -c 5 "$root$home/out/sample-lot.pdf") == "%PDF-" ]] || fail "the report is not a PDF"

say "PASS: debootstrap $debootstrap_seconds s, apt-get install $install_seconds s, .deb $(du -k "$deb" | cut -f1) KiB"
unmount_root
if [[ $keep_root -eq 0 ]]; then remove_root; fi
