#!/usr/bin/python3
"""Exports the tiny random-weight ViT encoders that test_vit_encoder loads.

OUT/<fixture>/ for every family (models/export_hub_vit.py --random-weights
--tiny, fixed names), plus OUT/dinov2_reg_marked_registers: the dinov2_reg
module wrapped so that every tokens output carries 1e4 at the register
positions. A reader that drops the CLS and register tokens gets the same
patch grid from both modules, and one that keeps any register token does not.

usage: /usr/bin/python3 make_vit_fixtures.py --out DIR
"""

import argparse
import json
import os
import shutil
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "models"))

import export_hub_vit  # noqa: E402
import encoder_tools as tools  # noqa: E402

# (fixture folder, family, size); the sizes cover both patch sizes of CLIP.
FIXTURES = [
    ("dinov2", "dinov2", "s"),
    ("dinov2_reg", "dinov2_reg", "s"),
    ("dinov3", "dinov3", "s"),
    ("clip_b16", "clip", "b"),
    ("clip_l14", "clip", "l"),
    ("openclip_b16", "openclip", "b"),
]
MARKED = "dinov2_reg_marked_registers"
MARK_VALUE = 1.0e4


def make_marked_copy(out, source_name):
    """Writes OUT/MARKED: the module of OUT/source_name with its register
    token outputs set to MARK_VALUE, and a manifest naming that module."""
    import torch
    from torch import Tensor, nn
    from typing import List

    class MarkRegisters(nn.Module):
        def __init__(self, inner, first: int, count: int, value: float):
            super().__init__()
            self.inner = inner
            self.first = first
            self.count = count
            self.value = value

        def forward(self, x: Tensor) -> List[Tensor]:
            outputs = self.inner(x)
            marked: List[Tensor] = []
            for tensor in outputs:
                if tensor.dim() == 3:
                    tensor = tensor.clone()
                    tensor[:, self.first:self.first + self.count] = self.value
                marked.append(tensor)
            return marked

    source = os.path.join(out, source_name)
    with open(os.path.join(source, "manifest.json"), encoding="utf-8") as handle:
        manifest = json.load(handle)
    inner = torch.jit.load(os.path.join(source, manifest["module_file"]), map_location="cpu")
    wrapped = torch.jit.script(MarkRegisters(inner, manifest["prefix_tokens"], manifest["register_tokens"],
                                             MARK_VALUE))
    target = os.path.join(out, MARKED)
    shutil.rmtree(target, ignore_errors=True)
    os.makedirs(target)
    module_file = f"{MARKED}.pt"
    torch.jit.save(wrapped, os.path.join(target, module_file))
    manifest["name"] = MARKED
    manifest["module_file"] = module_file
    manifest["module_sha256"] = tools.sha256_file(os.path.join(target, module_file))
    manifest["notes"] = [f"Test fixture: {source_name} with every register token output set to {MARK_VALUE}."]
    tools.dump_json(manifest, os.path.join(target, "manifest.json"))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True, help="folder to write the fixture encoders into")
    args = parser.parse_args(argv)
    started = time.time()
    for name, family, size in FIXTURES:
        status = export_hub_vit.main(["--family", family, "--size", size, "--random-weights", "--tiny",
                                      "--name", name, "--out", args.out, "--threads", "1"])
        if status != 0:
            print(f"make_vit_fixtures: export of {name} failed", file=sys.stderr)
            return 1
    make_marked_copy(args.out, "dinov2_reg")
    print(f"wrote {len(FIXTURES) + 1} fixture encoders to {args.out} in {time.time() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
