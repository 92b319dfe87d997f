#!/usr/bin/python3
"""CTest entry for a prepared encoder folder (models/README.md):

1. models/verify_encoder.py accepts the folder: manifest fields, module
   SHA-256, and every output against the saved tfjs reference activations
   (cosine >= the manifest threshold, 0.9999) at every saved size.
2. It rejects a copy whose module file has one byte changed (hash check).
3. It rejects a copy whose module was re-saved with one weight changed and
   whose manifest hash was updated to match (the numerical check alone).
4. It rejects a copy whose manifest lost a required field.
5. The module archive names no path of the machine that converted it (no
   traced call stacks in *.debug_pkl records), so that every checkout of the
   converter writes a module with the same SHA-256.

Exit 77 (skipped) when the encoder has not been prepared.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile


def run_verifier(verifier, model_dir):
    result = subprocess.run([sys.executable, verifier, "--model-dir", model_dir],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return result.returncode, result.stdout


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model-dir", required=True)
    parser.add_argument("--verifier", required=True)
    args = parser.parse_args()
    if not os.path.isfile(os.path.join(args.model_dir, "manifest.json")):
        print(f"SKIP: no encoder in {args.model_dir}; run "
              f"models/prepare-encoder.sh {os.path.basename(args.model_dir)} {os.path.dirname(args.model_dir)}")
        return 77
    sys.path.insert(0, os.path.dirname(os.path.abspath(args.verifier)))
    import encoder_tools as tools

    failures = []
    code, output = run_verifier(args.verifier, args.model_dir)
    print(output)
    if code != 0:
        failures.append("the prepared encoder does not verify")

    with open(os.path.join(args.model_dir, "manifest.json"), encoding="utf-8") as handle:
        manifest = json.load(handle)
    module_file = manifest["module_file"]
    with tempfile.TemporaryDirectory(prefix="patchead-encoder-test-") as tmp:
        # 2. One byte of the module changed.
        copy = os.path.join(tmp, "byte")
        shutil.copytree(args.model_dir, copy)
        path = os.path.join(copy, module_file)
        with open(path, "r+b") as handle:
            handle.seek(os.path.getsize(path) // 2)
            value = handle.read(1)
            handle.seek(-1, os.SEEK_CUR)
            handle.write(bytes([value[0] ^ 0xFF]))
        code, output = run_verifier(args.verifier, copy)
        if code == 0 or "SHA-256" not in output:
            failures.append(f"a module with one byte changed was not rejected by its hash:\n{output}")
        else:
            print("altered byte: rejected as expected")

        # 3. One weight changed, manifest hash updated: only the cosine check can tell.
        import torch

        copy = os.path.join(tmp, "weight")
        shutil.copytree(args.model_dir, copy)
        path = os.path.join(copy, module_file)
        module = torch.jit.load(path, map_location="cpu")
        name, parameter = next((n, p) for n, p in module.named_parameters() if p.dim() == 4)
        with torch.no_grad():
            parameter[0].mul_(-1.0)  # flip the first output channel of the first convolution
        torch.jit.save(module, path)
        digest = tools.sha256_file(path)
        tools.dump_json(dict(manifest, module_sha256=digest), os.path.join(copy, "manifest.json"))
        with open(os.path.join(copy, "verification.json"), encoding="utf-8") as handle:
            verification = json.load(handle)
        tools.dump_json(dict(verification, module_sha256=digest), os.path.join(copy, "verification.json"))
        code, output = run_verifier(args.verifier, copy)
        failed = [line for line in output.splitlines() if "FAILED" in line]
        if code == 0 or not failed or not all("cosine" in line for line in failed):
            failures.append(f"a module with weight {name} changed was not rejected by the cosine check:\n{output}")
        else:
            print(f"altered weight {name}: rejected as expected, {len(failed)} failed checks, "
                  f"e.g. {failed[0].split('FAILED: ')[-1]}")

        # 4. A manifest without a required field.
        copy = os.path.join(tmp, "field")
        shutil.copytree(args.model_dir, copy)
        broken = dict(manifest)
        del broken["default_layers"]
        tools.dump_json(broken, os.path.join(copy, "manifest.json"))
        code, output = run_verifier(args.verifier, copy)
        if code == 0 or "default_layers" not in output:
            failures.append(f"a manifest without default_layers was not rejected:\n{output}")
        else:
            print("manifest without default_layers: rejected as expected")

    # 5. Nothing in the archive depends on where the converter ran.
    converter_dir = os.path.dirname(os.path.abspath(args.verifier)).encode()
    with zipfile.ZipFile(os.path.join(args.model_dir, module_file)) as archive:
        debug_records = [name for name in archive.namelist() if name.endswith(".debug_pkl")]
        local_paths = [name for name in archive.namelist() if converter_dir in archive.read(name)]
    if debug_records or local_paths:
        failures.append(f"the module archive has {len(debug_records)} debug records and {len(local_paths)} records "
                        f"that name {converter_dir.decode()}, so its SHA-256 depends on the checkout")
    else:
        print("module archive: no debug records and no local paths")

    for failure in failures:
        print(f"FAIL: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
