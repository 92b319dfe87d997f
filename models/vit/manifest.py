"""Checks a ViT encoder manifest (models/README.md, "Vision Transformers")
and writes the tensor files beside the module. Importing this module does
not import torch."""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import encoder_tools as tools  # noqa: E402

EXPORTER_VERSION = 1


def check_vit_manifest(manifest, model_dir, check_hash=True):
    """Returns a list of problems; empty when the manifest is a valid ViT
    manifest whose module file exists (and matches module_sha256)."""
    problems = []

    def need(where, key, kind, prefix=""):
        if not isinstance(where, dict) or key not in where:
            problems.append(f"missing field {prefix}{key}")
            return None
        value = where[key]
        wrong_bool = kind is int and isinstance(value, bool)
        if not isinstance(value, kind) or wrong_bool:
            problems.append(f"field {prefix}{key} has the wrong type ({type(value).__name__})")
            return None
        return value

    if need(manifest, "format", str) != tools.FORMAT:
        problems.append(f"format must be {tools.FORMAT!r}")
    if need(manifest, "format_version", int) != tools.FORMAT_VERSION:
        problems.append(f"format_version must be {tools.FORMAT_VERSION}")
    need(manifest, "name", str)
    need(manifest, "display_name", str)
    source = need(manifest, "source", dict)
    if source is not None:
        for key in ("package", "licence", "origin", "weights"):
            need(source, key, str, "source.")
    architecture = need(manifest, "architecture", dict) or {}
    if need(architecture, "kind", str, "architecture.") != "vit":
        problems.append("architecture.kind must be 'vit'")
    need(architecture, "family", str, "architecture.")
    patch = need(architecture, "patch_size", int, "architecture.")
    if patch is not None and patch < 1:
        problems.append("architecture.patch_size must be positive")
        patch = None

    module_file = need(manifest, "module_file", str)
    module_sha = need(manifest, "module_sha256", str)
    if module_file is not None:
        path = os.path.join(model_dir, module_file)
        if os.path.basename(module_file) != module_file:
            problems.append("module_file must be a file name beside the manifest")
        elif not os.path.isfile(path):
            problems.append(f"module file {path} is missing")
        elif check_hash and module_sha is not None and tools.sha256_file(path) != module_sha:
            problems.append(f"SHA-256 of {module_file} does not match module_sha256")

    inp = need(manifest, "input", dict) or {}
    for key in ("width", "height", "size_multiple", "min_width", "min_height"):
        value = need(inp, key, int, "input.")
        if value is not None and value < 1:
            problems.append(f"input.{key} must be positive")
    if patch is not None and isinstance(inp.get("size_multiple"), int) and inp["size_multiple"] % patch:
        problems.append(f"input.size_multiple {inp['size_multiple']} is not a multiple of the patch size {patch}")
    if patch is not None:
        for key in ("width", "height"):
            if isinstance(inp.get(key), int) and inp[key] % patch:
                problems.append(f"input.{key} {inp[key]} is not a multiple of the patch size {patch}")
    if need(inp, "color", str, "input.") != "rgb":
        problems.append("input.color must be 'rgb'")
    if need(inp, "scale", str, "input.") != "1/255":
        problems.append("input.scale must be '1/255'")
    for key in ("mean", "std"):
        value = need(inp, key, list, "input.")
        if value is not None and (len(value) != 3 or not all(isinstance(v, (int, float)) for v in value)):
            problems.append(f"input.{key} must hold 3 numbers")
    if need(inp, "interpolation", str, "input.") not in ("area", "bilinear", "bicubic"):
        problems.append("input.interpolation must be area, bilinear or bicubic")

    prefix_tokens = need(manifest, "prefix_tokens", int)
    if prefix_tokens is not None and prefix_tokens != 1:
        problems.append("prefix_tokens must be 1 (the CLS token)")
    registers = need(manifest, "register_tokens", int)
    if registers is not None and registers < 0:
        problems.append("register_tokens must be 0 or more")
    attention = need(manifest, "attention", bool)

    outputs = need(manifest, "outputs", list) or []
    token_names, attention_entries = [], []
    for i, output in enumerate(outputs):
        where = f"outputs[{i}]."
        if not isinstance(output, dict):
            problems.append(f"outputs[{i}] is not an object")
            continue
        name = need(output, "name", str, where)
        kind = need(output, "kind", str, where)
        stride = need(output, "stride", int, where)
        channels = need(output, "channels", int, where)
        need(output, "block", int, where)
        if patch is not None and stride is not None and stride != patch:
            problems.append(f"{where}stride must equal the patch size {patch}")
        if kind == "tokens":
            token_names.append(name)
            if channels is not None and channels < 1:
                problems.append(f"{where}channels must be positive")
        elif kind == "attention":
            attention_entries.append(i)
            if channels != 1:
                problems.append(f"{where}channels must be 1 for the attention output")
        else:
            problems.append(f"{where}kind must be 'tokens' or 'attention'")
    if not token_names:
        problems.append("outputs must list at least one tokens output")
    if len(set(token_names)) != len(token_names):
        problems.append("output names are not unique")
    if len(attention_entries) > 1:
        problems.append("outputs may list one attention output only")
    if attention_entries and attention_entries[0] != len(outputs) - 1:
        problems.append("the attention output must be the last output")
    if attention is not None and attention != bool(attention_entries):
        problems.append("attention must be true exactly when outputs lists an attention output")

    default_layers = need(manifest, "default_layers", list)
    if default_layers is not None:
        if not default_layers:
            problems.append("default_layers is empty")
        for name in default_layers:
            if name not in token_names:
                problems.append(f"default layer {name!r} is not a tokens output")
    if manifest.get("global_embedding") not in token_names:
        problems.append("global_embedding must name a tokens output")
    verification = need(manifest, "verification", dict)
    if verification is not None:
        need(verification, "reference", str, "verification.")
        sizes = need(verification, "sizes", list, "verification.")
        if sizes is not None and not all(isinstance(s, list) and len(s) == 2 and all(isinstance(v, int) for v in s)
                                         for s in sizes):
            problems.append("verification.sizes must be a list of [height, width]")
    if need(manifest, "converter_version", int) != EXPORTER_VERSION:
        problems.append(f"converter_version must be {EXPORTER_VERSION}")
    return problems


def write_tensor_file(base, tensors):
    """Writes BASE.json (index) and BASE.bin (little-endian float32), the
    format encoder_tools.read_tensor_file reads. tensors: list of
    (name, numpy array)."""
    import numpy as np

    entries, offset = [], 0
    with open(base + ".bin.tmp", "wb") as handle:
        for name, array in tensors:
            data = np.ascontiguousarray(array, dtype="<f4")
            handle.write(data.tobytes())
            entries.append({"name": name, "shape": list(data.shape), "offset": offset, "length": int(data.size)})
            offset += int(data.size)
    header = {"dtype": "float32", "byte_order": "little", "tensors": entries}
    with open(base + ".json.tmp", "w", encoding="utf-8") as handle:
        json.dump(header, handle, indent=1)
        handle.write("\n")
    os.replace(base + ".bin.tmp", base + ".bin")
    os.replace(base + ".json.tmp", base + ".json")
