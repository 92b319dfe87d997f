#!/usr/bin/python3
"""Export a Vision Transformer as a patchead TorchScript encoder.

Families: dinov2, dinov2_reg (4 registers), dinov3 (RoPE, 4 registers),
clip (OpenAI CLIP) and openclip. The module implements the ViT contract of
models/README.md ("Vision Transformers"). Its forward(x [1, 3, H, W])
returns, per exported block, the block's tokens after the final LayerNorm
[1, 1 + registers + h * w, C]. The last block's CLS-to-patch attention
[1, h * w] follows.

Weights, one of:
  --hub             the public model (torch.hub for DINOv2/DINOv3, the clip or
                    open_clip package); needs internet or a filled cache. The
                    export is then checked against the original model's code.
  --weights PATH    a checkpoint of the public model saved on disk (state dict,
                    or OpenAI CLIP's TorchScript .pt).
  --random-weights  seeded random weights in the exact structure, for testing
                    the contract without any download; the features mean nothing.

Writes OUT/NAME/: NAME.pt, manifest.json (written last), verification.json,
reference.json + reference.bin (fixed inputs and the saved module's outputs
at every verification size, little-endian float32).

usage: /usr/bin/python3 models/export_hub_vit.py --family dinov2 --size s --hub --out build/models
       /usr/bin/python3 models/export_hub_vit.py --family dinov3 --size s --random-weights --tiny --out /tmp/m
"""

import argparse
import datetime
import os
import shutil
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import encoder_tools as tools  # noqa: E402
from vit import families  # noqa: E402
from vit import manifest as vit_manifest  # noqa: E402
from vit.families import FamilyError  # noqa: E402

DEFAULT_MIN_COSINE = 0.9999
DEFAULT_MAX_RELATIVE_DIFF = 1e-3
ATTENTION_NAME = "cls_attention"


class ExportError(Exception):
    """A failed export step; the message names what failed."""


def block_name(block):
    return f"block_{block}"


def parse_blocks(text, depth):
    """Parses --layers: 1-based block numbers, negative numbers counted
    from the end (-1 is the last block) or "last". Returns them sorted."""
    blocks = set()
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        if item == "last":
            value = depth
        else:
            try:
                value = int(item.replace("block_", ""))
            except ValueError:
                raise ExportError(f"--layers: {item!r} is not a block number, a negative index or 'last'")
            if value < 0:
                value = depth + 1 + value
        if not 1 <= value <= depth:
            raise ExportError(f"--layers: block {item} is outside 1 to {depth}")
        blocks.add(value)
    if not blocks:
        raise ExportError("--layers selects no block")
    return sorted(blocks)


def default_blocks(depth):
    """Blocks at a quarter, half, three quarters and the full depth."""
    return sorted({b for b in (depth // 4, depth // 2, 3 * depth // 4, depth) if b >= 1})


def verification_sizes(config, input_size):
    """[height, width] pairs: the default input, a non-square grid and, for
    a learned position embedding, the native grid (no resampling)."""
    patch = config.patch_size
    sizes = [[input_size, input_size], [input_size, input_size + 3 * patch]]
    if config.position == "learned":
        sizes.append([config.native_grid * patch] * 2)
    unique = []
    for size in sizes:
        if size not in unique:
            unique.append(size)
    return unique


def make_input(height, width, mean, std, seed):
    """Build a fixed input: uniform noise in [0, 1] mixed with a smooth
    ramp, normalised with the family's mean and std."""
    import torch

    generator = torch.Generator().manual_seed(seed * 7919 + height * 31 + width)
    pixels = torch.rand(1, 3, height, width, generator=generator)
    ramp = torch.linspace(0.0, 1.0, width).reshape(1, 1, 1, width)
    pixels = 0.5 * pixels + 0.5 * ramp
    mean_t = torch.tensor(mean).reshape(1, 3, 1, 1)
    std_t = torch.tensor(std).reshape(1, 3, 1, 1)
    return (pixels - mean_t) / std_t


def cosine(actual, expected):
    import torch

    a = actual.double().reshape(-1)
    b = expected.double().reshape(-1)
    denominator = float(a.norm() * b.norm())
    if denominator == 0.0:
        return 1.0 if float(a.abs().max()) == 0.0 and float(b.abs().max()) == 0.0 else 0.0
    return float(torch.dot(a, b)) / denominator


def check_contract(outputs, blocks, channels, registers, patch, height, width, with_attention):
    """Returns the problems of one forward result against the contract."""
    import torch

    problems = []
    h, w = height // patch, width // patch
    expected_count = len(blocks) + (1 if with_attention else 0)
    if not isinstance(outputs, list) or len(outputs) != expected_count:
        return [f"forward returned {len(outputs)} tensors, expected {expected_count}"]
    tokens = 1 + registers + h * w
    for block, tensor in zip(blocks, outputs):
        if tuple(tensor.shape) != (1, tokens, channels):
            problems.append(f"{block_name(block)} at {height}x{width}: shape {tuple(tensor.shape)}, expected "
                            f"(1, {tokens}, {channels}) = 1 CLS + {registers} registers + {h} x {w} patches")
        elif not bool(torch.isfinite(tensor).all()):
            problems.append(f"{block_name(block)} at {height}x{width}: non-finite values")
    if with_attention:
        attention = outputs[-1]
        if tuple(attention.shape) != (1, h * w):
            problems.append(f"attention at {height}x{width}: shape {tuple(attention.shape)}, expected (1, {h * w})")
        else:
            if float(attention.min()) < 0.0:
                problems.append(f"attention at {height}x{width}: negative weights")
            if float(attention.sum()) > 1.0 + 1e-4:
                problems.append(f"attention at {height}x{width}: sums to {float(attention.sum())} > 1")
    return problems


def compare_with_hub(family, hub_model, module, x, blocks, registers, extras, threshold, max_relative, log):
    """Checks the converted module against the original model's code: each
    output must reach the cosine threshold, and its max abs difference must
    stay within max_relative times the largest reference value. Returns
    (rows, failures)."""
    import torch

    reference, attention = families.hub_reference(family, hub_model, x, blocks, registers)
    with torch.no_grad():
        outputs = module(x)
    rows, failures = [], []
    size = f"{x.shape[2]}x{x.shape[3]}"

    def record(what, actual, expected):
        value = cosine(actual, expected)
        difference = float((actual.double() - expected.double()).abs().max())
        largest = float(expected.double().abs().max())
        relative = difference / largest if largest > 0 else difference
        rows.append({"output": what, "cosine": value, "max_abs_diff": difference, "max_abs_reference": largest})
        log(f"  {size} {what}: cosine {value:.8f}, max abs diff {difference:.3g} (largest value {largest:.3g})")
        if value < threshold:
            failures.append(f"{size} {what}: cosine {value:.6f} < {threshold} against the original model")
        elif relative > max_relative:
            failures.append(f"{size} {what}: max abs difference {difference:.3g} is more than {max_relative} "
                            f"times the largest value {largest:.3g}")

    for block, tensor in zip(blocks, outputs):
        cls, patches = reference[block]
        record(f"{block_name(block)} CLS", tensor[0, 0], cls)
        record(f"{block_name(block)} patches", tensor[0, 1 + registers:], patches)
    if module.with_attention:
        record(ATTENTION_NAME, outputs[-1][0], attention)
    last_block = module.config.depth
    if "pooled" in reference and "proj" in extras and last_block in blocks:
        projected = outputs[blocks.index(last_block)][0, 0] @ extras["proj"]
        record("image embedding (CLS @ proj)", projected, reference["pooled"])
    return rows, failures


def build_argument_parser():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--family", required=True, choices=sorted(families.FAMILIES))
    parser.add_argument("--size", required=True, choices=["s", "b", "l"],
                        help="s, b or l (ViT-S, ViT-B, ViT-L); CLIP and OpenCLIP have b (ViT-B/16) and l (ViT-L/14)")

    weights = parser.add_mutually_exclusive_group(required=True)
    weights.add_argument("--hub", action="store_true", help="load the public model (needs internet or a filled cache)")
    weights.add_argument("--weights", metavar="PATH", help="checkpoint of the public model on disk")
    weights.add_argument("--random-weights", action="store_true",
                         help="seeded random weights in the family's structure (structure tests only)")

    parser.add_argument("--out", required=True, help="parent folder; the encoder goes to OUT/NAME")
    parser.add_argument("--name", default="", help="encoder name and folder name (default: derived, e.g. dinov2_vits14)")
    parser.add_argument("--layers", default="",
                        help="comma-separated blocks to export: 1-based numbers, negative from the end, or 'last' "
                             "(default: blocks at 1/4, 1/2, 3/4 and full depth)")
    parser.add_argument("--default-layers", default="",
                        help="blocks the workstation uses unless the user picks others (default: the last exported)")
    parser.add_argument("--global-embedding", default="",
                        help="block whose CLS token is the global embedding (default: the last exported)")
    parser.add_argument("--no-attention", action="store_true",
                        help="leave out the CLS attention output; the module then stops at the deepest exported block")

    parser.add_argument("--input-size", type=int, default=224,
                        help="default input side in pixels, a multiple of the patch size (default 224)")
    parser.add_argument("--tiny", action="store_true",
                        help=f"width {families.TINY_WIDTH}, {families.TINY_HEADS} heads, depth {families.TINY_DEPTH}; "
                             "only with --random-weights")
    parser.add_argument("--seed", type=int, default=0, help="seed of --random-weights and of the fixed test inputs")

    parser.add_argument("--hub-name", default="", help="hub entry point or package model name to load instead of the "
                                                       "size's default (e.g. ViT-L/14@336px for clip)")
    parser.add_argument("--pretrained", default="", help="OpenCLIP pretrained tag (default per size, e.g. laion2b_s34b_b88k)")
    parser.add_argument("--hub-weights", default="", help="DINOv3 only: URL or path of the weights for torch.hub "
                                                          "(DINOv3 downloads need a URL from Meta's access form)")

    parser.add_argument("--min-cosine", type=float, default=DEFAULT_MIN_COSINE,
                        help="pass mark of the comparison with the original model (default 0.9999)")
    parser.add_argument("--max-relative-diff", type=float, default=DEFAULT_MAX_RELATIVE_DIFF,
                        help="largest allowed max abs difference from the original model, as a fraction of the "
                             "largest reference value (default 1e-3)")
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    return parser


def load_source(args, log):
    """Returns (converted state dict or None, native grid or None,
    activation or None, hub model or None, extras, weights description)."""
    sizes = families.size_spec(args.family, args.size)
    if args.random_weights:
        return None, None, None, None, {}, families.RANDOM_WEIGHTS
    hub_model, activation = None, None
    if args.hub:
        name = args.hub_name or sizes.hub_name
        log(f"loading {name} from {families.family_spec(args.family).source}")
        hub_model, state, activation = families.load_hub_model(args.family, args.size, name, args.pretrained,
                                                               args.hub_weights or None)
        description = f"{families.family_spec(args.family).source}: {name}"
        if args.family == "openclip":
            description += f" pretrained={args.pretrained or sizes.pretrained}"
    else:
        state = families.read_weights_file(args.weights, args.family)
        description = f"{os.path.basename(args.weights)} (SHA-256 {tools.sha256_file(args.weights)})"
    converted, grid, extras = families.convert_state_dict(args.family, state)
    return converted, grid or None, activation, hub_model, extras, description


def count_blocks(converted):
    indices = {int(key.split(".")[1]) for key in converted if key.startswith("blocks.") and key.split(".")[1].isdigit()}
    return len(indices)


def export(args, log=print):
    import numpy as np
    import torch

    from vit.modules import ContractViT, init_random

    started = time.time()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    if args.tiny and not args.random_weights:
        raise ExportError("--tiny changes the structure, so it only goes with --random-weights")
    spec = families.family_spec(args.family)
    sizes = families.size_spec(args.family, args.size)
    converted, native_grid, activation, hub_model, extras, weights_description = load_source(args, log)
    config = families.make_config(args.family, args.size, args.tiny, native_grid, activation)
    if converted is not None and count_blocks(converted) != config.depth:
        raise ExportError(f"the weights have {count_blocks(converted)} blocks, {spec.display} size {args.size} has "
                          f"{config.depth}: wrong --size?")
    if args.input_size < config.patch_size or args.input_size % config.patch_size:
        raise ExportError(f"--input-size {args.input_size} is not a multiple of the patch size {config.patch_size}")

    blocks = parse_blocks(args.layers, config.depth) if args.layers else default_blocks(config.depth)
    default_layers = parse_blocks(args.default_layers, config.depth) if args.default_layers else [blocks[-1]]
    global_block = parse_blocks(args.global_embedding, config.depth) if args.global_embedding else [blocks[-1]]
    for block in default_layers + global_block:
        if block not in blocks:
            raise ExportError(f"block {block} is not among the exported blocks {blocks}")
    if len(global_block) != 1:
        raise ExportError("--global-embedding names one block")
    with_attention = not args.no_attention

    module = ContractViT(config, blocks, with_attention)
    if converted is None:
        init_random(module, args.seed)
    else:
        families.load_converted(module, converted)
    module.eval()
    name = args.name or families.model_name(args.family, args.size, sizes, args.random_weights, args.tiny)
    log(f"{name}: {spec.display} patch {config.patch_size}, width {config.embed_dim}, {config.depth} blocks, "
        f"{config.num_heads} heads, {config.register_tokens} registers, exported blocks {blocks}")

    check_sizes = verification_sizes(config, args.input_size)
    inputs = {tuple(size): make_input(size[0], size[1], spec.mean, spec.std, args.seed) for size in check_sizes}
    failures, results = [], []
    min_cosine_seen = None

    # 1. Against the original model (DINO: every size; CLIP only runs at its native size).
    if hub_model is not None:
        for (height, width), x in inputs.items():
            if config.position == "learned" and args.family in ("clip", "openclip") \
                    and (height, width) != (config.native_grid * config.patch_size,) * 2:
                continue
            rows, fails = compare_with_hub(args.family, hub_model, module, x, blocks, config.register_tokens,
                                           extras, args.min_cosine, args.max_relative_diff, log)
            failures += fails
            results.append({"size": [height, width], "stage": "original model", "outputs": rows})
            for row in rows:
                min_cosine_seen = row["cosine"] if min_cosine_seen is None else min(min_cosine_seen, row["cosine"])
        if failures:
            raise ExportError("the converted module does not reproduce the original model:\n  " + "\n  ".join(failures))

    # 2. Script, save, load back, compare with the eager module.
    out_root = os.path.abspath(args.out)
    os.makedirs(out_root, exist_ok=True)
    final_dir = os.path.join(out_root, name)
    staging = os.path.join(out_root, f".{name}.staging")
    shutil.rmtree(staging, ignore_errors=True)
    os.makedirs(staging)
    module_file = f"{name}.pt"
    module_path = os.path.join(staging, module_file)
    scripted = torch.jit.script(module)
    torch.jit.save(scripted, module_path)
    tools.strip_debug_records(module_path)
    loaded = torch.jit.load(module_path, map_location="cpu").eval()
    schema = str(loaded.forward.schema)
    if not schema.endswith("-> Tensor[]"):
        raise ExportError(f"the saved module's forward returns {schema.split('->')[-1].strip()}, expected Tensor[]")
    saved_outputs = {}
    for (height, width), x in inputs.items():
        with torch.no_grad():
            got = loaded(x)
            eager = module(x)
        problems = check_contract(got, blocks, config.embed_dim, config.register_tokens, config.patch_size,
                                  height, width, with_attention)
        failures += problems
        rows = []
        for index, (a, b) in enumerate(zip(got, eager)):
            what = ATTENTION_NAME if with_attention and index == len(got) - 1 else block_name(blocks[index])
            difference = float((a - b).abs().max()) if a.shape == b.shape else float("inf")
            rows.append({"output": what, "max_abs_diff": difference})
            if difference > 1e-5:
                failures.append(f"{height}x{width} {what}: saved module differs from the eager module by {difference}")
        results.append({"size": [height, width], "stage": "torchscript vs eager", "outputs": rows})
        saved_outputs[(height, width)] = got
        log(f"  {height}x{width}: saved module ok, {(height // config.patch_size)} x {(width // config.patch_size)} patches")
    try:
        loaded(torch.zeros(1, 3, config.patch_size + 1, config.patch_size))
        failures.append("the module accepted an input that is not a multiple of the patch size")
    except (RuntimeError, torch.jit.Error):
        pass
    if failures:
        shutil.rmtree(staging, ignore_errors=True)
        raise ExportError("checks of the saved module failed:\n  " + "\n  ".join(failures))

    # 3. Reference tensors for the C++ tests and later re-checks.
    tensors = []
    for (height, width), outputs in saved_outputs.items():
        tensors.append((f"{height}x{width}__input", inputs[(height, width)].numpy()))
        for index, tensor in enumerate(outputs):
            what = ATTENTION_NAME if with_attention and index == len(outputs) - 1 else block_name(blocks[index])
            tensors.append((f"{height}x{width}__{what}", tensor.numpy()))
    vit_manifest.write_tensor_file(os.path.join(staging, "reference"), tensors)

    outputs_field = [{"name": block_name(b), "kind": "tokens", "block": b, "stride": config.patch_size,
                      "channels": config.embed_dim} for b in blocks]
    if with_attention:
        outputs_field.append({"name": ATTENTION_NAME, "kind": "attention", "block": config.depth,
                              "stride": config.patch_size, "channels": 1})
    notes = list(spec.notes)
    if args.random_weights:
        notes.insert(0, "Random weights: the module has the family's structure but its features and scores "
                        "mean nothing; use it to test the encoder contract only.")
    if args.tiny:
        notes.insert(1, f"Tiny structure: width {config.embed_dim}, {config.num_heads} heads, {config.depth} blocks "
                        f"instead of {sizes.embed_dim}, {sizes.num_heads}, {sizes.depth}.")
    reference_name = (f"original model code ({weights_description})" if hub_model is not None
                      else "the eager torch module (no original model code was run)")
    manifest = {
        "format": tools.FORMAT,
        "format_version": tools.FORMAT_VERSION,
        "name": name,
        "display_name": f"{spec.display} ViT-{args.size.upper()}/{config.patch_size}"
                        + (" (tiny, random weights)" if args.tiny else " (random weights)" if args.random_weights else ""),
        "source": {
            "package": spec.source if not args.random_weights else "none (random weights)",
            "licence": spec.licence if not args.random_weights else "not applicable",
            "origin": f"{spec.display} {sizes.hub_name} structure"
                      + (", weights from " + weights_description if not args.random_weights else ""),
            "weights": weights_description,
        },
        "architecture": {
            "kind": "vit",
            "family": args.family,
            "size": args.size,
            "patch_size": config.patch_size,
            "embed_dim": config.embed_dim,
            "depth": config.depth,
            "num_heads": config.num_heads,
            "position_embedding": config.position,
            "activation": config.activation,
        },
        "module_file": module_file,
        "module_sha256": tools.sha256_file(module_path),
        "input": {
            "width": args.input_size,
            "height": args.input_size,
            "size_multiple": config.patch_size,
            "min_width": config.patch_size,
            "min_height": config.patch_size,
            "color": "rgb",
            "scale": "1/255",
            "mean": spec.mean,
            "std": spec.std,
            "interpolation": "bicubic",
        },
        "outputs": outputs_field,
        "default_layers": [block_name(b) for b in default_layers],
        "global_embedding": block_name(global_block[0]),
        "attention": with_attention,
        "prefix_tokens": 1,
        "register_tokens": config.register_tokens,
        "notes": notes,
        "verification": {
            "reference": reference_name,
            "min_cosine": min_cosine_seen,
            "threshold": args.min_cosine,
            "sizes": check_sizes,
        },
        "converter_version": vit_manifest.EXPORTER_VERSION,
    }
    problems = vit_manifest.check_vit_manifest(manifest, staging)
    if problems:
        shutil.rmtree(staging, ignore_errors=True)
        raise ExportError("the written manifest is invalid: " + "; ".join(problems))
    verification = {
        "passed": True,
        "torch": torch.__version__,
        "numpy": np.__version__,
        "weights": weights_description,
        "reference_file": "reference.json",
        "reference_sha256": tools.sha256_file(os.path.join(staging, "reference.bin")),
        "module_sha256": manifest["module_sha256"],
        "results": results,
        "exported_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "seconds": round(time.time() - started, 1),
    }
    tools.dump_json(verification, os.path.join(staging, "verification.json"))
    tools.dump_json(manifest, os.path.join(staging, "manifest.json"))  # last: marks the folder complete

    previous = os.path.join(out_root, f".{name}.previous")
    shutil.rmtree(previous, ignore_errors=True)
    if os.path.exists(final_dir):
        os.replace(final_dir, previous)
    os.replace(staging, final_dir)
    shutil.rmtree(previous, ignore_errors=True)
    log(f"wrote {final_dir}: {module_file} ({os.path.getsize(os.path.join(final_dir, module_file)) / 1e6:.1f} MB), "
        f"manifest.json, verification.json, reference.json/.bin; {time.time() - started:.1f} s")
    return final_dir


def main(argv=None):
    args = build_argument_parser().parse_args(argv)
    try:
        export(args, log=lambda text: print(text, flush=True))
    except (ExportError, FamilyError) as error:
        print(f"export_hub_vit: error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
