"""Helpers shared by convert_tfjs_cnn.py, verify_encoder.py and the prepare
scripts: reading the exporter's tensor files, comparing activations, checking
a manifest. Importing this module does not import torch, so that
`python3 encoder_tools.py ready DIR` answers within a fraction of a second.
"""

import hashlib
import json
import math
import os
import sys
import zipfile

FORMAT = "patchead-encoder"
FORMAT_VERSION = 1
CONVERTER_VERSION = 1
DEFAULT_MIN_COSINE = 0.9999

HERE = os.path.dirname(os.path.abspath(__file__))
CONFIG_FILE = os.path.join(HERE, "encoders.json")


class EncoderError(Exception):
    """A failed check; the message names what failed."""


def strip_debug_records(module_path):
    """Rewrites a saved TorchScript archive without its *.debug_pkl records.

    torch.jit.trace stores the Python call stack of every traced operation
    for error messages, and with it the absolute path of the converter
    script. The module's SHA-256, which each lot stores to name the encoder
    it was scored with, would then differ between two checkouts of the same
    converter. LibTorch loads an archive without these records (PyTorch
    1.13 reads them only when present). Entries keep their order, are stored
    uncompressed as torch.jit.save writes them, and get a fixed timestamp.
    """
    stripped = module_path + ".stripped"
    with zipfile.ZipFile(module_path) as source, zipfile.ZipFile(stripped, "w", zipfile.ZIP_STORED) as target:
        for entry in source.infolist():
            if entry.filename.endswith(".debug_pkl"):
                continue
            record = zipfile.ZipInfo(entry.filename, date_time=(1980, 1, 1, 0, 0, 0))
            record.compress_type = zipfile.ZIP_STORED
            target.writestr(record, source.read(entry.filename))
    os.replace(stripped, module_path)


def load_config(path=CONFIG_FILE):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_tensor_file(base):
    """Reads BASE.json + BASE.bin written by tfjs/export_tfjs.mjs.

    Returns (header dict, {name: numpy float32 array}) in file order."""
    import numpy as np

    with open(base + ".json", encoding="utf-8") as handle:
        header = json.load(handle)
    if header.get("dtype") != "float32" or header.get("byte_order") != "little":
        raise EncoderError(f"{base}.json: expected little-endian float32")
    data = np.fromfile(base + ".bin", dtype="<f4")
    tensors = {}
    for entry in header["tensors"]:
        offset, length = entry["offset"], entry["length"]
        if offset + length > data.size or length != math.prod(entry["shape"]):
            raise EncoderError(f"{base}: tensor {entry['name']} does not fit its shape or the file")
        tensors[entry["name"]] = data[offset:offset + length].reshape(entry["shape"])
    return header, tensors


def compare(actual, expected):
    """Agreement of two [1, C, h, w] maps: cosine of the whole tensors (the
    pass/fail measure), max abs difference, the largest reference value,
    and the lowest cosine of any patch (per-position C-vector) as a hint."""
    import numpy as np

    a = np.asarray(actual, dtype=np.float64).reshape(-1)
    b = np.asarray(expected, dtype=np.float64).reshape(-1)
    if a.shape != b.shape:
        raise EncoderError(f"shape {tuple(actual.shape)} != reference {tuple(expected.shape)}")
    denominator = np.linalg.norm(a) * np.linalg.norm(b)
    cosine = float(a @ b / denominator) if denominator > 0 else (1.0 if not a.any() and not b.any() else 0.0)
    pa = np.asarray(actual, dtype=np.float64).reshape(actual.shape[1], -1)
    pb = np.asarray(expected, dtype=np.float64).reshape(expected.shape[1], -1)
    norms = np.linalg.norm(pa, axis=0) * np.linalg.norm(pb, axis=0)
    valid = norms > 1e-12
    patch = (pa * pb).sum(axis=0)[valid] / norms[valid]
    return {
        "cosine": cosine,
        "max_abs_diff": float(np.abs(a - b).max()),
        "max_abs_reference": float(np.abs(b).max()),
        "min_patch_cosine": float(patch.min()) if patch.size else 1.0,
    }


def _json_text(value, indent=0):
    if isinstance(value, dict):
        if not value:
            return "{}"
        if all(not isinstance(v, (dict, list)) for v in value.values()):
            line = json.dumps(value)
            if len(line) + indent <= 100:
                return line
        pad = " " * (indent + 2)
        items = [f"{pad}{json.dumps(k)}: {_json_text(v, indent + 2)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + " " * indent + "}"
    if isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value):
        if all(isinstance(v, list) and not any(isinstance(w, (dict, list)) for w in v) for v in value):
            return "[" + ", ".join(_json_text(v) for v in value) + "]"
        pad = " " * (indent + 2)
        return "[\n" + ",\n".join(pad + _json_text(v, indent + 2) for v in value) + "\n" + " " * indent + "]"
    if isinstance(value, list):
        return "[" + ", ".join(json.dumps(v) for v in value) + "]"
    return json.dumps(value)


def dump_json(value, path):
    """Writes JSON with 2-space indents, short lists on one line, atomically
    (PATH.tmp, then rename)."""
    text = _json_text(value)
    json.loads(text)  # the writer above must produce valid JSON
    with open(path + ".tmp", "w", encoding="utf-8") as handle:
        handle.write(text + "\n")
    os.replace(path + ".tmp", path)


def _fail(problems, message):
    problems.append(message)


def check_manifest(manifest, model_dir, check_hash=True):
    """Checks the manifest fields (models/README.md). Returns a list of
    problems; empty when the manifest is valid."""
    problems = []

    def need(key, kind, where=manifest, prefix=""):
        if key not in where:
            _fail(problems, f"missing field {prefix}{key}")
            return None
        value = where[key]
        if kind is not None and not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            _fail(problems, f"field {prefix}{key} has the wrong type ({type(value).__name__})")
            return None
        return value

    if need("format", str) != FORMAT:
        _fail(problems, f"format must be {FORMAT!r}")
    if need("format_version", int) != FORMAT_VERSION:
        _fail(problems, f"format_version must be {FORMAT_VERSION}")
    need("name", str)
    need("display_name", str)
    source = need("source", dict)
    if source is not None:
        for key in ("package", "licence", "origin"):
            need(key, str, source, "source.")
    architecture = need("architecture", dict)
    if architecture is not None:
        if need("kind", str, architecture, "architecture.") != "cnn":
            _fail(problems, "architecture.kind must be 'cnn' for this converter")
        need("family", str, architecture, "architecture.")
    module_file = need("module_file", str)
    module_sha = need("module_sha256", str)
    if module_file is not None:
        if os.path.basename(module_file) != module_file:
            _fail(problems, "module_file must be a file name beside the manifest")
        path = os.path.join(model_dir, module_file)
        if not os.path.isfile(path):
            _fail(problems, f"module file {path} is missing")
        elif check_hash and module_sha is not None and sha256_file(path) != module_sha:
            _fail(problems, f"SHA-256 of {module_file} does not match module_sha256 (file altered or manifest stale)")
    inp = need("input", dict)
    if inp is not None:
        for key in ("width", "height", "size_multiple", "min_width", "min_height"):
            value = need(key, int, inp, "input.")
            if value is not None and value < 1:
                _fail(problems, f"input.{key} must be positive")
        if need("color", str, inp, "input.") not in ("rgb", "bgr"):
            _fail(problems, "input.color must be 'rgb' or 'bgr'")
        if need("scale", str, inp, "input.") != "1/255":
            _fail(problems, "input.scale must be '1/255'")
        for key in ("mean", "std"):
            value = need(key, list, inp, "input.")
            if value is not None and (len(value) != 3 or not all(isinstance(v, (int, float)) for v in value)):
                _fail(problems, f"input.{key} must hold 3 numbers")
        if inp.get("std") and any(isinstance(v, (int, float)) and v <= 0 for v in inp["std"]):
            _fail(problems, "input.std must be positive")
        if need("interpolation", str, inp, "input.") not in ("area", "bilinear", "bicubic"):
            _fail(problems, "input.interpolation must be area, bilinear or bicubic")
    outputs = need("outputs", list)
    names = []
    if outputs is not None:
        if not outputs:
            _fail(problems, "outputs is empty")
        for i, output in enumerate(outputs):
            if not isinstance(output, dict):
                _fail(problems, f"outputs[{i}] is not an object")
                continue
            name = need("name", str, output, f"outputs[{i}].")
            for key in ("stride", "channels"):
                value = need(key, int, output, f"outputs[{i}].")
                if value is not None and value < 1:
                    _fail(problems, f"outputs[{i}].{key} must be positive")
            names.append(name)
        if len(set(names)) != len(names):
            _fail(problems, "output names are not unique")
    default_layers = need("default_layers", list)
    if default_layers is not None:
        if not default_layers:
            _fail(problems, "default_layers is empty")
        for name in default_layers:
            if name not in names:
                _fail(problems, f"default layer {name!r} is not an output")
    if "global_embedding" not in manifest:
        _fail(problems, "missing field global_embedding")
    elif manifest["global_embedding"] is not None and manifest["global_embedding"] not in names:
        _fail(problems, "global_embedding must be null or an output name")
    if need("attention", bool) is not False:
        _fail(problems, "attention must be false for a CNN")
    if need("prefix_tokens", int) != 0:
        _fail(problems, "prefix_tokens must be 0 for a CNN")
    if need("register_tokens", int) != 0:
        _fail(problems, "register_tokens must be 0 for a CNN")
    verification = need("verification", dict)
    if verification is not None:
        need("reference", str, verification, "verification.")
        for key in ("min_cosine", "threshold"):
            value = need(key, (int, float), verification, "verification.")
            if value is not None and not 0 < value <= 1.0000001:
                _fail(problems, f"verification.{key} out of range")
        sizes = need("sizes", list, verification, "verification.")
        if sizes is not None and not all(isinstance(s, list) and len(s) == 2 and all(isinstance(v, int) for v in s) for s in sizes):
            _fail(problems, "verification.sizes must be a list of [height, width]")
    if need("converter_version", int) != CONVERTER_VERSION:
        _fail(problems, f"converter_version must be {CONVERTER_VERSION}")
    return problems


def ready(model_dir, layers=None, default_layers=None):
    """True when MODEL_DIR holds a manifest whose module hash matches (and,
    when given, the same exported and default layers)."""
    path = os.path.join(model_dir, "manifest.json")
    try:
        with open(path, encoding="utf-8") as handle:
            manifest = json.load(handle)
    except (OSError, ValueError):
        return False, "no readable manifest.json"
    problems = check_manifest(manifest, model_dir)
    if problems:
        return False, "; ".join(problems)
    if layers and [o["name"] for o in manifest["outputs"]] != layers:
        return False, "exported layers differ from the requested ones"
    if default_layers and manifest["default_layers"] != default_layers:
        return False, "default layers differ from the requested ones"
    for name in ("verification.json", "reference.npz"):
        if not os.path.isfile(os.path.join(model_dir, name)):
            return False, f"{name} is missing"
    return True, "ready"


def _main(argv):
    import argparse

    parser = argparse.ArgumentParser(description="Quick checks for the prepare scripts (no torch).")
    sub = parser.add_subparsers(dest="command", required=True)
    p_ready = sub.add_parser("ready", help="exit 0 when MODEL_DIR holds a valid, unaltered encoder")
    p_ready.add_argument("model_dir")
    p_ready.add_argument("--layers", default="")
    p_ready.add_argument("--default-layers", default="")
    args = parser.parse_args(argv)
    if args.command == "ready":
        split = lambda text: [s for s in text.split(",") if s]
        ok, why = ready(args.model_dir, split(args.layers), split(args.default_layers))
        print(why)
        return 0 if ok else 1
    return 2


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
