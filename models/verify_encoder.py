#!/usr/bin/python3
"""Re-checks a prepared encoder folder (manifest.json, the TorchScript module,
verification.json, reference.npz):

- every manifest field (models/README.md) and the module's SHA-256,
- the reference data's SHA-256 against verification.json,
- the module's forward: List[Tensor], one [1, C, h, w] map per output with
  the manifest's channels, at every size of reference.npz,
- every output against the saved tfjs-backend-cpu activations: cosine
  similarity >= the manifest's verification threshold (or --min-cosine).

Exit status 0 when everything holds, 1 otherwise (the message names the
field, layer, size and cosine).

usage: /usr/bin/python3 verify_encoder.py --model-dir OUTDIR/mobilenet_v2
"""

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import encoder_tools as tools  # noqa: E402


def verify(model_dir, min_cosine=None, log=print):
    failures = []
    manifest_path = os.path.join(model_dir, "manifest.json")
    try:
        with open(manifest_path, encoding="utf-8") as handle:
            manifest = json.load(handle)
    except (OSError, ValueError) as error:
        return [f"cannot read {manifest_path}: {error}"]
    failures += [f"manifest: {p}" for p in tools.check_manifest(manifest, model_dir)]
    if failures:
        return failures  # an altered or stale module is not worth running
    threshold = min_cosine if min_cosine is not None else manifest["verification"]["threshold"]
    try:
        with open(os.path.join(model_dir, "verification.json"), encoding="utf-8") as handle:
            verification = json.load(handle)
    except (OSError, ValueError) as error:
        return [f"cannot read verification.json: {error}"]
    reference_path = os.path.join(model_dir, verification.get("reference_file", "reference.npz"))
    if not os.path.isfile(reference_path):
        return [f"{reference_path} is missing"]
    if tools.sha256_file(reference_path) != verification.get("reference_sha256"):
        return [f"SHA-256 of {os.path.basename(reference_path)} does not match verification.json"]
    if verification.get("module_sha256") != manifest["module_sha256"]:
        failures.append("verification.json describes another module (module_sha256 differs)")

    import numpy as np
    import torch

    module = torch.jit.load(os.path.join(model_dir, manifest["module_file"]), map_location="cpu").eval()
    schema = str(module.forward.schema)
    if not schema.endswith("-> Tensor[]"):
        failures.append(f"forward returns {schema.split('->')[-1].strip()}, expected Tensor[] (List[Tensor])")
    outputs = manifest["outputs"]
    references = np.load(reference_path)
    in_file = {tuple(int(v) for v in key.split("__")[0].split("x")) for key in references.files}
    listed = [tuple(s) for s in manifest["verification"]["sizes"]]
    if in_file != set(listed):
        failures.append(f"reference.npz holds sizes {sorted(in_file)}, the manifest lists {listed}")
    sizes = [s for s in listed if s in in_file]
    lowest = 1.0
    for h, w in sizes:
        prefix = f"{h}x{w}__"
        x = torch.from_numpy(references[prefix + "input"])
        if tuple(x.shape) != (1, 3, h, w):
            failures.append(f"reference input at {h}x{w} has shape {tuple(x.shape)}")
            continue
        if h % manifest["input"]["size_multiple"] or w % manifest["input"]["size_multiple"]:
            failures.append(f"reference size {h}x{w} is not a multiple of input.size_multiple")
        started = time.time()
        with torch.no_grad():
            got = module(x)
        seconds = time.time() - started
        if not isinstance(got, list) or len(got) != len(outputs):
            failures.append(f"{h}x{w}: forward returned {type(got).__name__} with {len(got) if hasattr(got, '__len__') else '?'} items, expected {len(outputs)} maps")
            continue
        log(f"{manifest['name']} {h}x{w} ({seconds * 1000:.0f} ms forward):")
        for output, tensor in zip(outputs, got):
            name = output["name"]
            key = prefix + name
            if key not in references.files:
                failures.append(f"reference.npz lacks {name} at {h}x{w}")
                continue
            expected = references[key]
            if tensor.dim() != 4 or tensor.shape[0] != 1 or tensor.shape[1] != output["channels"]:
                failures.append(f"layer {name} at {h}x{w}: shape {tuple(tensor.shape)}, expected [1, {output['channels']}, h, w]")
                continue
            if tensor.dtype != torch.float32:
                failures.append(f"layer {name} at {h}x{w}: dtype {tensor.dtype}, expected float32")
                continue
            try:
                stats = tools.compare(tensor.numpy(), expected)
            except tools.EncoderError as error:
                failures.append(f"layer {name} at {h}x{w}: {error}")
                continue
            lowest = min(lowest, stats["cosine"])
            ok = stats["cosine"] >= threshold
            log(f"  {name:<24} {str(list(tensor.shape)):<20} cosine {stats['cosine']:.10f}  "
                f"max abs diff {stats['max_abs_diff']:.3e}{'' if ok else '  FAIL'}")
            if not ok:
                failures.append(f"layer {name} at {h}x{w}: cosine {stats['cosine']:.8f} < {threshold}")
    if not failures:
        log(f"{manifest['name']}: all {len(outputs)} outputs at {len(sizes)} sizes agree with the tfjs reference "
            f"(lowest cosine {lowest:.10f}, threshold {threshold})")
    return failures


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model-dir", required=True, help="folder holding manifest.json")
    parser.add_argument("--min-cosine", type=float, default=None, help="threshold (default: the manifest's verification.threshold)")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    failures = verify(args.model_dir, args.min_cosine, log=(lambda s: None) if args.quiet else print)
    if failures:
        for failure in failures:
            print(f"verify_encoder: FAILED: {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
