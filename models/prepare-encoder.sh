#!/usr/bin/env bash
# Prepares one encoder from the nsfwjs npm package into OUTDIR/NAME:
#   NAME.pt (TorchScript), manifest.json, verification.json, reference.npz.
#
# usage: models/prepare-encoder.sh NAME OUTDIR [options]
#   NAME                    mobilenet_v2 or inception_v3 (models/encoders.json)
#   --layers a,b,c          Keras layers to export (default: encoders.json)
#   --default-layers a,b    manifest default_layers (default: encoders.json)
#   --force                 rebuild even when OUTDIR/NAME is ready
#   --keep-work             keep OUTDIR/work/NAME (tfjs export) afterwards
#
# Idempotent: when OUTDIR/NAME/manifest.json exists and the module's SHA-256
# matches it, the script says so and exits 0 without touching anything.
# Otherwise it runs `npm ci` in models/tfjs (skipped when node_modules was
# installed from the same package-lock.json), exports the Keras model and
# tfjs reference activations with Node into OUTDIR/work/NAME, converts and
# verifies with /usr/bin/python3 (torch), and moves the result into place.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python=${PATCHEAD_PYTHON:-/usr/bin/python3}

die() { echo "prepare-encoder: error: $*" >&2; exit 1; }
usage() { sed -n '5,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }

[[ $# -ge 2 ]] || usage
name=$1
outdir=$2
shift 2
layers=""
default_layers=""
force=0
keep_work=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --layers) [[ $# -ge 2 ]] || usage; layers=$2; shift 2 ;;
    --default-layers) [[ $# -ge 2 ]] || usage; default_layers=$2; shift 2 ;;
    --force) force=1; shift ;;
    --keep-work) keep_work=1; shift ;;
    -h|--help) usage ;;
    *) echo "prepare-encoder: unknown option $1" >&2; usage ;;
  esac
done
[[ $name =~ ^[a-z0-9_]+$ ]] || die "bad encoder name '$name'"
[[ -x $python ]] || die "$python not found (Debian: apt-get install python3 python3-torch python3-numpy)"

mkdir -p "$outdir" || die "cannot create $outdir"
outdir="$(cd "$outdir" && pwd)"
model_dir="$outdir/$name"

# Fast path: already prepared and unaltered (no torch import, well under 1 s).
if [[ $force -eq 0 ]] && [[ -f $model_dir/manifest.json ]]; then
  if why=$("$python" "$here/encoder_tools.py" ready "$model_dir" --layers "$layers" --default-layers "$default_layers"); then
    echo "prepare-encoder: $name is ready in $model_dir"
    exit 0
  fi
  echo "prepare-encoder: $model_dir is not usable ($why); rebuilding"
fi

"$python" -c 'import sys, json; c = json.load(open(sys.argv[1])); sys.exit(0 if sys.argv[2] in c["encoders"] else 1)' \
  "$here/encoders.json" "$name" || die "unknown encoder '$name' (see models/encoders.json)"
"$python" -c 'import torch, numpy' 2>/dev/null \
  || die "$python cannot import torch and numpy (Debian: apt-get install python3-torch python3-numpy)"
command -v node >/dev/null 2>&1 || die "node not found: install Node.js 18 or later (Debian: apt-get install nodejs npm)"
command -v npm >/dev/null 2>&1 || die "npm not found: install npm (Debian: apt-get install npm)"
node_major=$(node -p 'process.versions.node.split(".")[0]')
[[ $node_major -ge 18 ]] || die "node $(node --version) is too old: Node.js 18 or later is needed"

# One preparation at a time per OUTDIR.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$outdir/.prepare.lock"
  flock 9
fi

started=$(date +%s)

# 1. Node packages, pinned by models/tfjs/package-lock.json.
tfjs="$here/tfjs"
lock_sum=$(sha256sum "$tfjs/package-lock.json" | cut -d' ' -f1)
stamp="$tfjs/node_modules/.patchead-lock-sha256"
if [[ -f $stamp ]] && [[ "$(cat "$stamp")" == "$lock_sum" ]] && [[ -f $tfjs/node_modules/nsfwjs/package.json ]]; then
  echo "prepare-encoder: reusing $tfjs/node_modules"
else
  echo "prepare-encoder: npm ci in $tfjs"
  npm_log="$outdir/work/npm-ci.log"
  mkdir -p "$outdir/work"
  if ! (cd "$tfjs" && npm ci --no-audit --no-fund --fetch-retries=2 --fetch-timeout=60000) >"$npm_log" 2>&1; then
    cat "$npm_log" >&2
    if grep -Eq 'ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|network|socket hang up|request to .* failed' "$npm_log"; then
      die "the npm registry ($(cd "$tfjs" && npm config get registry)) is unreachable; connect to it (or set npm's registry/proxy) and rerun"
    fi
    die "npm ci failed in $tfjs (log above, also in $npm_log)"
  fi
  echo "$lock_sum" >"$stamp"
  rm -f "$npm_log"
fi

# 2. Topology, dequantised weights and tfjs reference activations.
work="$outdir/work/$name"
rm -rf "$work"
echo "prepare-encoder: exporting $name with tfjs-backend-cpu into $work"
export_args=(--encoder "$name" --out "$work")
[[ -n $layers ]] && export_args+=(--layers "$layers")
node "$tfjs/export_tfjs.mjs" "${export_args[@]}" || die "the tfjs export of $name failed"

# 3. TorchScript module, verified layer by layer, written to a staging
#    folder and moved into place only when every check passed.
staging="$outdir/.$name.staging"
rm -rf "$staging"
convert_args=(--encoder "$name" --work "$work" --out "$staging")
[[ -n $layers ]] && convert_args+=(--layers "$layers")
[[ -n $default_layers ]] && convert_args+=(--default-layers "$default_layers")
if ! "$python" "$here/convert_tfjs_cnn.py" "${convert_args[@]}"; then
  rm -rf "$staging"
  die "verification failed: the converted $name does not reproduce the tfjs reference (see above); nothing was installed"
fi
"$python" "$here/verify_encoder.py" --model-dir "$staging" --quiet \
  || { rm -rf "$staging"; die "verification of the staged $name failed; nothing was installed"; }

rm -rf "$model_dir.old"
[[ -e $model_dir ]] && mv "$model_dir" "$model_dir.old"
mv "$staging" "$model_dir"
rm -rf "$model_dir.old"
[[ $keep_work -eq 1 ]] || rm -rf "$work"
rmdir "$outdir/work" 2>/dev/null || true
echo "prepare-encoder: $name ready in $model_dir ($(( $(date +%s) - started )) s)"
