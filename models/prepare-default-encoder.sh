#!/usr/bin/env bash
# Prepares the default encoder (MobileNetV2 from nsfwjs 4.4.0) into
# OUTDIR/mobilenet_v2: mobilenet_v2.pt, manifest.json, verification.json,
# reference.npz. Idempotent: returns at once when it is already there and
# unaltered.
#
# usage: models/prepare-default-encoder.sh OUTDIR [--force] [--keep-work]
#            [--layers a,b,c] [--default-layers a,b]
# (options as for models/prepare-encoder.sh; for InceptionV3 run
#  models/prepare-encoder.sh inception_v3 OUTDIR)
set -euo pipefail
if [[ $# -lt 1 ]] || [[ $1 == -* ]]; then
  sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
exec "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/prepare-encoder.sh" mobilenet_v2 "$@"
