#!/usr/bin/python3
"""Tests of models/export_hub_vit.py and models/vit/ that run without any
download: argument checks, the manifest checker, weight conversion from the
public parameter names, RoPE's relative-position property, and the
comparison with an original model on a small CLIP vision tower built here
from torch.nn.MultiheadAttention (the layer OpenAI's CLIP uses).

usage: /usr/bin/python3 tests/encoder/test_export_hub_vit.py
"""

import contextlib
import io
import json
import os
import shutil
import sys
import tempfile
import unittest
from collections import OrderedDict

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "models"))

import torch  # noqa: E402
from torch import nn  # noqa: E402

import encoder_tools as tools  # noqa: E402
import export_hub_vit  # noqa: E402
from vit import families  # noqa: E402
from vit.manifest import check_vit_manifest  # noqa: E402
from vit.modules import ContractViT, apply_rope, init_random  # noqa: E402

torch.set_num_threads(1)


def run_exporter(argv):
    """Runs the exporter in this process; returns (exit status, stderr)."""
    errors = io.StringIO()
    with contextlib.redirect_stderr(errors), contextlib.redirect_stdout(io.StringIO()):
        status = export_hub_vit.main(argv)
    return status, errors.getvalue()


class ReferenceQuickGELU(nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(1.702 * x)


class ClipResidualBlock(nn.Module):
    """A CLIP residual block in OpenAI's layout, sequence-first."""

    def __init__(self, width, heads):
        super().__init__()
        self.attn = nn.MultiheadAttention(width, heads)
        self.ln_1 = nn.LayerNorm(width)
        self.mlp = nn.Sequential(OrderedDict([
            ("c_fc", nn.Linear(width, 4 * width)),
            ("gelu", ReferenceQuickGELU()),
            ("c_proj", nn.Linear(4 * width, width)),
        ]))
        self.ln_2 = nn.LayerNorm(width)

    def forward(self, x):
        normed = self.ln_1(x)
        x = x + self.attn(normed, normed, normed, need_weights=False)[0]
        return x + self.mlp(self.ln_2(x))


class ClipVisual(nn.Module):
    """A small CLIP vision tower with OpenAI's parameter names."""

    def __init__(self, patch, width, depth, heads, grid, embed):
        super().__init__()
        self.conv1 = nn.Conv2d(3, width, kernel_size=patch, stride=patch, bias=False)
        self.class_embedding = nn.Parameter(torch.randn(width) * 0.1)
        self.positional_embedding = nn.Parameter(torch.randn(grid * grid + 1, width) * 0.1)
        self.ln_pre = nn.LayerNorm(width)
        self.transformer = nn.Module()
        self.transformer.resblocks = nn.Sequential(*[ClipResidualBlock(width, heads) for _ in range(depth)])
        self.ln_post = nn.LayerNorm(width)
        self.proj = nn.Parameter(torch.randn(width, embed) * width ** -0.5)
        with torch.no_grad():
            for name, parameter in self.named_parameters():
                if "ln_" in name or name.endswith("bias"):
                    parameter.add_(0.1 * torch.randn(parameter.shape))

    def forward(self, x):
        tokens = self.conv1(x).flatten(2).permute(0, 2, 1)
        cls = self.class_embedding.reshape(1, 1, -1).expand(x.shape[0], -1, -1)
        tokens = torch.cat([cls, tokens], dim=1) + self.positional_embedding
        tokens = self.ln_pre(tokens).permute(1, 0, 2)
        tokens = self.transformer.resblocks(tokens).permute(1, 0, 2)
        return self.ln_post(tokens[:, 0]) @ self.proj


class BlockArguments(unittest.TestCase):
    def test_numbers_negative_and_last(self):
        self.assertEqual(export_hub_vit.parse_blocks("3,6", 12), [3, 6])
        self.assertEqual(export_hub_vit.parse_blocks("last,-2", 12), [11, 12])
        self.assertEqual(export_hub_vit.parse_blocks("block_12, 6", 12), [6, 12])

    def test_out_of_range_rejected(self):
        for text in ("0", "13", "-13", "x", ","):
            with self.subTest(text=text), self.assertRaises(export_hub_vit.ExportError):
                export_hub_vit.parse_blocks(text, 12)

    def test_default_blocks_quarters(self):
        self.assertEqual(export_hub_vit.default_blocks(12), [3, 6, 9, 12])
        self.assertEqual(export_hub_vit.default_blocks(24), [6, 12, 18, 24])
        self.assertEqual(export_hub_vit.default_blocks(2), [1, 2])


class ExporterErrors(unittest.TestCase):
    def setUp(self):
        self.out = tempfile.mkdtemp(prefix="vit-export-")

    def tearDown(self):
        shutil.rmtree(self.out, ignore_errors=True)

    def expect_error(self, argv, text):
        status, errors = run_exporter(argv + ["--out", self.out])
        self.assertEqual(status, 1, errors)
        self.assertIn(text, errors)

    def test_clip_has_no_small_size(self):
        self.expect_error(["--family", "clip", "--size", "s", "--random-weights"], "has no size 's'")

    def test_tiny_needs_random_weights(self):
        self.expect_error(["--family", "dinov2", "--size", "s", "--weights", "missing.pth", "--tiny"],
                          "--tiny changes the structure")

    def test_input_size_off_patch_grid(self):
        self.expect_error(["--family", "dinov2", "--size", "s", "--random-weights", "--tiny", "--input-size", "225"],
                          "not a multiple of the patch size 14")

    def test_layer_beyond_depth(self):
        self.expect_error(["--family", "dinov3", "--size", "s", "--random-weights", "--tiny", "--layers", "3"],
                          "outside 1 to 2")

    def test_default_layer_not_exported(self):
        self.expect_error(["--family", "dinov3", "--size", "s", "--random-weights", "--tiny", "--layers", "2",
                           "--default-layers", "1"], "not among the exported blocks")

    def test_missing_weights_file(self):
        self.expect_error(["--family", "dinov2", "--size", "s", "--weights", os.path.join(self.out, "none.pth")],
                          "not found")


class ExportedFolder(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.out = tempfile.mkdtemp(prefix="vit-export-")
        status, errors = run_exporter(["--family", "dinov2_reg", "--size", "s", "--random-weights", "--tiny",
                                       "--layers", "1", "--no-attention", "--name", "reg", "--out", cls.out])
        assert status == 0, errors
        cls.folder = os.path.join(cls.out, "reg")
        with open(os.path.join(cls.folder, "manifest.json"), encoding="utf-8") as handle:
            cls.manifest = json.load(handle)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.out, ignore_errors=True)

    def test_manifest_fields(self):
        self.assertEqual(check_vit_manifest(self.manifest, self.folder), [])
        self.assertEqual(self.manifest["architecture"]["patch_size"], 14)
        self.assertEqual(self.manifest["register_tokens"], 4)
        self.assertEqual(self.manifest["prefix_tokens"], 1)
        self.assertFalse(self.manifest["attention"])
        self.assertEqual([o["name"] for o in self.manifest["outputs"]], ["block_1"])
        self.assertEqual(self.manifest["source"]["weights"], families.RANDOM_WEIGHTS)
        self.assertEqual(self.manifest["input"]["mean"], families.IMAGENET_MEAN)
        self.assertEqual(self.manifest["input"]["interpolation"], "bicubic")
        self.assertEqual(self.manifest["verification"]["sizes"], [[224, 224], [224, 266], [518, 518]])

    def test_module_stops_at_deepest_block(self):
        module = torch.jit.load(os.path.join(self.folder, self.manifest["module_file"]))
        self.assertEqual(len(list(module.blocks.children())), 1)
        with torch.no_grad():
            outputs = module(torch.zeros(1, 3, 28, 42))
        self.assertEqual(len(outputs), 1)
        self.assertEqual(tuple(outputs[0].shape), (1, 1 + 4 + 2 * 3, 64))

    def test_reference_reproduced(self):
        _, tensors = tools.read_tensor_file(os.path.join(self.folder, "reference"))
        module = torch.jit.load(os.path.join(self.folder, self.manifest["module_file"]))
        with torch.no_grad():
            outputs = module(torch.from_numpy(tensors["224x266__input"]))
        self.assertTrue(torch.equal(outputs[0], torch.from_numpy(tensors["224x266__block_1"])))

    def test_checker_rejects_bad_fields(self):
        cases = {
            "register type": lambda m: m.__setitem__("register_tokens", "4"),
            "prefix": lambda m: m.__setitem__("prefix_tokens", 2),
            "attention flag": lambda m: m.__setitem__("attention", True),
            "stride": lambda m: m["outputs"][0].__setitem__("stride", 16),
            "kind": lambda m: m["outputs"][0].__setitem__("kind", "feature_map"),
            "global": lambda m: m.__setitem__("global_embedding", "block_9"),
            "size multiple": lambda m: m["input"].__setitem__("size_multiple", 16),
        }
        for name, edit in cases.items():
            with self.subTest(case=name):
                manifest = json.loads(json.dumps(self.manifest))
                edit(manifest)
                self.assertNotEqual(check_vit_manifest(manifest, self.folder), [])

    def test_checker_detects_changed_module(self):
        copy = os.path.join(self.out, "changed")
        shutil.copytree(self.folder, copy)
        path = os.path.join(copy, self.manifest["module_file"])
        with open(path, "r+b") as handle:
            handle.seek(100)
            byte = handle.read(1)
            handle.seek(100)
            handle.write(bytes([byte[0] ^ 0xFF]))
        problems = check_vit_manifest(self.manifest, copy)
        self.assertTrue(any("SHA-256" in problem for problem in problems), problems)


class WeightConversion(unittest.TestCase):
    def make_module(self, family, size, blocks=(1, 2)):
        module = ContractViT(families.make_config(family, size, tiny=True), list(blocks), True).eval()
        init_random(module, 3)
        return module

    def test_dinov3_key_bias_mask_folded(self):
        original = self.make_module("dinov3", "s")
        state = {}
        for key, value in original.state_dict().items():
            renamed = {"register_tokens": "storage_tokens", "rope_periods": "rope_embed.periods"}.get(key, key)
            state[renamed] = value.clone()
        dim = 64
        for index in range(2):
            mask = torch.ones(3 * dim)
            mask[dim:2 * dim] = 0.0
            state[f"blocks.{index}.attn.qkv.bias_mask"] = mask
            state[f"blocks.{index}.attn.qkv.bias"][dim:2 * dim] = 5.0  # masked away by the original model
        state["mask_token"] = torch.zeros(1, dim)
        converted, grid, _ = families.convert_state_dict("dinov3", state)
        self.assertEqual(grid, 0)
        loaded = ContractViT(families.make_config("dinov3", "s", tiny=True), [1, 2], True).eval()
        families.load_converted(loaded, converted)
        x = torch.randn(1, 3, 64, 96)
        with torch.no_grad():
            for a, b in zip(loaded(x), original(x)):
                self.assertTrue(torch.allclose(a, b, atol=1e-6))

    def test_wrong_width_rejected(self):
        small = self.make_module("dinov2", "s")
        state = dict(small.state_dict())
        state["mask_token"] = torch.zeros(1, 64)
        converted, grid, _ = families.convert_state_dict("dinov2", state)
        self.assertEqual(grid, 37)
        full_width = ContractViT(families.make_config("dinov2", "s"), [2], False)
        with self.assertRaisesRegex(families.FamilyError, "wrong --size"):
            families.load_converted(full_width, converted)
        full = ContractViT(families.make_config("dinov2", "s"), [12], False)
        with self.assertRaisesRegex(families.FamilyError, "missing blocks.2.norm1.weight"):
            families.load_converted(full, converted)

    def test_unknown_clip_parameter_rejected(self):
        with self.assertRaisesRegex(families.FamilyError, "unsupported CLIP"):
            families.convert_state_dict("clip", {"positional_embedding": torch.zeros(5, 4), "attnpool.k": torch.zeros(1)})


class ClipAgainstMultiheadAttention(unittest.TestCase):
    """The converted module against a CLIP vision tower built on
    torch.nn.MultiheadAttention, through the exporter's own comparison."""

    @classmethod
    def setUpClass(cls):
        torch.manual_seed(11)
        cls.visual = ClipVisual(patch=16, width=64, depth=2, heads=2, grid=14, embed=32).eval()
        cls.folder = tempfile.mkdtemp(prefix="vit-clip-")
        path = os.path.join(cls.folder, "clip.pth")
        torch.save({"visual." + key: value for key, value in cls.visual.state_dict().items()}, path)
        state = families.read_weights_file(path, "clip")
        cls.converted, cls.grid, cls.extras = families.convert_state_dict("clip", state)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.folder, ignore_errors=True)

    def converted_module(self, activation):
        config = families.make_config("clip", "b", tiny=True, native_grid=self.grid, activation=activation)
        module = ContractViT(config, [1, 2], True).eval()
        families.load_converted(module, self.converted)
        return module

    def compare(self, module):
        x = export_hub_vit.make_input(224, 224, families.CLIP_MEAN, families.CLIP_STD, 0)
        return export_hub_vit.compare_with_hub("clip", self.visual, module, x, [1, 2], 0, self.extras,
                                               export_hub_vit.DEFAULT_MIN_COSINE,
                                               export_hub_vit.DEFAULT_MAX_RELATIVE_DIFF, lambda text: None)

    def test_matches_reference_tower(self):
        self.assertEqual(self.grid, 14)
        rows, failures = self.compare(self.converted_module("quick_gelu"))
        self.assertEqual(failures, [])
        compared = {row["output"] for row in rows}
        self.assertIn("cls_attention", compared)
        self.assertIn("image embedding (CLS @ proj)", compared)
        for row in rows:
            self.assertLess(row["max_abs_diff"], 1e-4, row)

    def test_wrong_activation_detected(self):
        _, failures = self.compare(self.converted_module("gelu"))
        self.assertNotEqual(failures, [])


class RotaryPosition(unittest.TestCase):
    def test_scores_depend_on_relative_position(self):
        torch.manual_seed(5)
        module = ContractViT(families.make_config("dinov3", "s", tiny=True), [1], False)
        h, w, head_dim = 5, 7, 32
        sin, cos = module.rope_tables(h, w)
        self.assertEqual(tuple(sin.shape), (h * w, head_dim))
        q = torch.randn(head_dim).expand(1, 1, 1 + h * w, head_dim)
        k = torch.randn(head_dim).expand(1, 1, 1 + h * w, head_dim)
        q_rotated = apply_rope(q, sin, cos)[0, 0]
        k_rotated = apply_rope(k, sin, cos)[0, 0]
        self.assertTrue(torch.equal(q_rotated[0], q[0, 0, 0]))  # the CLS token has no position
        scores = (q_rotated[1:] @ k_rotated[1:].T).reshape(h, w, h, w)
        # Shifting both patches by one row or one column keeps the score.
        self.assertTrue(torch.allclose(scores[:-1, :, :-1, :], scores[1:, :, 1:, :], atol=1e-4))
        self.assertTrue(torch.allclose(scores[:, :-1, :, :-1], scores[:, 1:, :, 1:], atol=1e-4))
        # Different offsets give different scores.
        self.assertFalse(torch.allclose(scores[0, 0, 0, 1], scores[0, 0, 1, 0], atol=1e-4))


if __name__ == "__main__":
    unittest.main(verbosity=2)
