"""The ViT families that export_hub_vit.py exports: their structure, input
normalisation, where their public weights come from, how those weights map
onto ContractViT, and how to compute the original model's outputs for the
export check.

Sizes and settings follow the public model code: DINOv2
(facebookresearch/dinov2, hubconf `dinov2_vit{s,b,l}14[_reg]`), DINOv3
(facebookresearch/dinov3, `dinov3/hub/backbones.py`, `dinov3_vit{s,b,l}16`),
OpenAI CLIP (`clip.model.VisionTransformer`) and OpenCLIP
(`open_clip.transformer.VisionTransformer`).
"""

import dataclasses
import math
import os
from typing import Dict, List, Optional, Tuple

from .modules import ViTConfig

IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]
CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073]
CLIP_STD = [0.26862954, 0.26130258, 0.27577711]

RANDOM_WEIGHTS = "random (structure test only)"

# --tiny keeps each family's patch size, registers, position embedding and
# block structure but shrinks width and depth so an export takes seconds.
TINY_WIDTH = 64
TINY_HEADS = 2
TINY_DEPTH = 2


class FamilyError(Exception):
    """An unknown family or size, or weights that do not fit the family."""


@dataclasses.dataclass
class SizeSpec:
    patch_size: int
    embed_dim: int
    depth: int
    num_heads: int
    hub_name: str           # torch.hub entry point or package model name
    native_grid: int = 0    # learned position grid of the public weights (0: RoPE)
    pretrained: str = ""    # OpenCLIP pretrained tag


@dataclasses.dataclass
class FamilySpec:
    family: str
    display: str
    sizes: Dict[str, SizeSpec]
    mean: List[float]
    std: List[float]
    licence: str
    source: str             # where --hub loads the weights from
    structure: Dict         # ViTConfig fields shared by every size
    notes: List[str]


FAMILIES: Dict[str, FamilySpec] = {
    "dinov2": FamilySpec(
        family="dinov2",
        display="DINOv2",
        sizes={
            "s": SizeSpec(14, 384, 12, 6, "dinov2_vits14", 37),
            "b": SizeSpec(14, 768, 12, 12, "dinov2_vitb14", 37),
            "l": SizeSpec(14, 1024, 24, 16, "dinov2_vitl14", 37),
        },
        mean=IMAGENET_MEAN,
        std=IMAGENET_STD,
        licence="Apache-2.0",
        source="torch.hub facebookresearch/dinov2",
        structure=dict(layer_norm_eps=1e-6, activation="gelu", layer_scale=1.0, interpolate_offset=0.1),
        notes=["Position embedding: learned 37 x 37 grid (518 px), resampled bicubically with "
               "DINOv2's scale factors (h + 0.1) / 37 for other grids."],
    ),
    "dinov2_reg": FamilySpec(
        family="dinov2_reg",
        display="DINOv2 with registers",
        sizes={
            "s": SizeSpec(14, 384, 12, 6, "dinov2_vits14_reg", 37),
            "b": SizeSpec(14, 768, 12, 12, "dinov2_vitb14_reg", 37),
            "l": SizeSpec(14, 1024, 24, 16, "dinov2_vitl14_reg", 37),
        },
        mean=IMAGENET_MEAN,
        std=IMAGENET_STD,
        licence="Apache-2.0",
        source="torch.hub facebookresearch/dinov2",
        structure=dict(layer_norm_eps=1e-6, activation="gelu", layer_scale=1.0, register_tokens=4,
                       interpolate_antialias=True),
        notes=["Position embedding: learned 37 x 37 grid (518 px), resampled bicubically with "
               "antialiasing to h x w for other grids (the register models' hub settings: "
               "interpolate_offset 0, interpolate_antialias true).",
               "4 register tokens follow the CLS token; they get no position embedding."],
    ),
    "dinov3": FamilySpec(
        family="dinov3",
        display="DINOv3",
        sizes={
            "s": SizeSpec(16, 384, 12, 6, "dinov3_vits16"),
            "b": SizeSpec(16, 768, 12, 12, "dinov3_vitb16"),
            "l": SizeSpec(16, 1024, 24, 16, "dinov3_vitl16"),
        },
        mean=IMAGENET_MEAN,
        std=IMAGENET_STD,
        licence="DINOv3 License",
        source="torch.hub facebookresearch/dinov3",
        structure=dict(layer_norm_eps=1e-5, activation="gelu", layer_scale=1e-5, register_tokens=4,
                       position="rope", rope_base=100.0, key_bias=False),
        notes=["Position: axial RoPE on the patch tokens' queries and keys (base 100, patch centres "
               "normalised to [-1, 1] per axis, no training-time shift, jitter or rescale); any grid "
               "size works without resampling.",
               "4 storage (register) tokens follow the CLS token."],
    ),
    "clip": FamilySpec(
        family="clip",
        display="OpenAI CLIP",
        sizes={
            "b": SizeSpec(16, 768, 12, 12, "ViT-B/16", 14),
            "l": SizeSpec(14, 1024, 24, 16, "ViT-L/14", 16),
        },
        mean=CLIP_MEAN,
        std=CLIP_STD,
        licence="MIT",
        source="the clip package (openai/CLIP)",
        structure=dict(layer_norm_eps=1e-5, activation="quick_gelu", patch_bias=False, pre_norm=True),
        notes=["Patch tokens: output of each listed residual block with ln_post applied to every "
               "token (CLIP itself applies ln_post to the CLS token only), without the projection "
               "proj; the global embedding is therefore the CLS token before proj.",
               "Position embedding: learned grid of the 224 px model, resampled bicubically to the "
               "h x w grid for other sizes (CLIP itself only runs at its native size)."],
    ),
    "openclip": FamilySpec(
        family="openclip",
        display="OpenCLIP",
        sizes={
            "b": SizeSpec(16, 768, 12, 12, "ViT-B-16", 14, "laion2b_s34b_b88k"),
            "l": SizeSpec(14, 1024, 24, 16, "ViT-L-14", 16, "laion2b_s32b_b82k"),
        },
        mean=CLIP_MEAN,
        std=CLIP_STD,
        licence="MIT (OpenCLIP code and LAION-2B weights)",
        source="the open_clip package (mlfoundations/open_clip)",
        structure=dict(layer_norm_eps=1e-5, activation="gelu", patch_bias=False, pre_norm=True),
        notes=["Patch tokens: output of each listed residual block with ln_post applied to every "
               "token, without the projection proj; the global embedding is the CLS token before proj.",
               "Position embedding: learned grid of the 224 px model, resampled bicubically to the "
               "h x w grid for other sizes."],
    ),
}


def family_spec(family: str) -> FamilySpec:
    if family not in FAMILIES:
        raise FamilyError(f"unknown family {family!r}; expected one of {', '.join(FAMILIES)}")
    return FAMILIES[family]


def size_spec(family: str, size: str) -> SizeSpec:
    spec = family_spec(family)
    if size not in spec.sizes:
        names = ", ".join(f"{key} ({value.hub_name})" for key, value in spec.sizes.items())
        raise FamilyError(f"{spec.display} has no size {size!r}; available: {names}")
    return spec.sizes[size]


def make_config(family: str, size: str, tiny: bool = False, native_grid: Optional[int] = None,
                activation: Optional[str] = None) -> ViTConfig:
    """Build the ViTConfig of one family and size. tiny shrinks width,
    heads and depth only. native_grid and activation override the family's
    values (read from loaded weights, or an OpenCLIP QuickGELU model)."""
    spec = family_spec(family)
    sizes = size_spec(family, size)
    fields = dict(spec.structure)
    if activation is not None:
        fields["activation"] = activation
    position = fields.get("position", "learned")
    grid = native_grid if native_grid is not None else sizes.native_grid
    return ViTConfig(
        patch_size=sizes.patch_size,
        embed_dim=TINY_WIDTH if tiny else sizes.embed_dim,
        depth=TINY_DEPTH if tiny else sizes.depth,
        num_heads=TINY_HEADS if tiny else sizes.num_heads,
        native_grid=grid if position == "learned" else 0,
        **fields,
    )


def model_name(family: str, size: str, sizes: SizeSpec, random_weights: bool, tiny: bool) -> str:
    """Stable encoder name, e.g. dinov2_vits14, dinov3_vitb16_random."""
    prefix = {"dinov2": "dinov2", "dinov2_reg": "dinov2", "dinov3": "dinov3", "clip": "clip",
              "openclip": "openclip"}[family]
    name = f"{prefix}_vit{size}{sizes.patch_size}"
    if family == "dinov2_reg":
        name += "_reg4"
    if family == "openclip" and sizes.pretrained and not random_weights:
        name += "_" + sizes.pretrained.replace("-", "_")
    if tiny:
        name += "_tiny"
    if random_weights:
        name += "_random"
    return name


# ---------------------------------------------------------------- weights


def read_weights_file(path: str, family: str):
    """Reads a state dict saved by torch.save (DINOv2/DINOv3 backbone
    checkpoints, OpenCLIP checkpoints) or a TorchScript archive (OpenAI's
    CLIP .pt files). Returns {name: tensor}."""
    import torch

    if not os.path.isfile(path):
        raise FamilyError(f"weights file {path} not found")
    try:
        state = torch.load(path, map_location="cpu")
    except RuntimeError:
        state = torch.jit.load(path, map_location="cpu").state_dict()
    if hasattr(state, "state_dict") and not isinstance(state, dict):
        state = state.state_dict()
    if isinstance(state, dict) and "state_dict" in state and isinstance(state["state_dict"], dict):
        state = state["state_dict"]
    if not isinstance(state, dict) or not all(hasattr(v, "shape") for v in state.values()):
        raise FamilyError(f"{path} is not a state dict of tensors")
    if family in ("clip", "openclip"):
        state = {key[len("module."):] if key.startswith("module.") else key: value for key, value in state.items()}
        visual = {key[len("visual."):]: value for key, value in state.items() if key.startswith("visual.")}
        if visual:
            state = visual
    return state


def _grid_of(positions: int, what: str) -> int:
    grid = int(round(math.sqrt(positions)))
    if grid * grid != positions:
        raise FamilyError(f"{what} contains {positions} positions, which is not a square grid")
    return grid


def convert_state_dict(family: str, state) -> Tuple[Dict, int, Dict]:
    """Renames a public state dict to ContractViT's names. Returns
    (state dict, native position grid or 0, extras). extras contains the
    tensors the module does not use but the check needs (CLIP's proj)."""
    import torch

    extras = {}
    if family in ("dinov2", "dinov2_reg"):
        converted = {key: value for key, value in state.items() if key != "mask_token"}
        grid = _grid_of(converted["pos_embed"].shape[1] - 1, "pos_embed") if "pos_embed" in converted else 0
        return converted, grid, extras

    if family == "dinov3":
        if any(key.startswith("cls_norm.") for key in state):
            raise FamilyError("these DINOv3 weights use a separate CLS norm (untie_cls_and_patch_norms), "
                              "which the exporter does not support")
        converted = {}
        for key, value in state.items():
            if key == "mask_token" or key.startswith("local_cls_norm."):
                continue  # unused at inference
            if key.endswith(".attn.qkv.bias_mask"):
                continue  # folded into the bias below
            if key == "storage_tokens":
                key = "register_tokens"
            elif key == "rope_embed.periods":
                key = "rope_periods"
            converted[key] = value
        for key, mask in state.items():
            if key.endswith(".attn.qkv.bias_mask"):
                bias_key = key[:-len("_mask")]
                converted[bias_key] = state[bias_key] * mask.to(state[bias_key].dtype)
        return converted, 0, extras

    if family in ("clip", "openclip"):
        converted = {}
        for key, value in state.items():
            if key == "proj":
                extras["proj"] = value
                continue
            if key == "class_embedding":
                converted["cls_token"] = value.reshape(1, 1, -1)
            elif key == "positional_embedding":
                converted["pos_embed"] = value.unsqueeze(0)
            elif key == "conv1.weight":
                converted["patch_embed.proj.weight"] = value
            elif key.startswith("ln_pre."):
                converted[key] = value
            elif key.startswith("ln_post."):
                converted["norm." + key[len("ln_post."):]] = value
            elif key.startswith("transformer.resblocks."):
                parts = key.split(".")
                index, rest = parts[2], ".".join(parts[3:])
                renamed = {
                    "ln_1.weight": "norm1.weight", "ln_1.bias": "norm1.bias",
                    "ln_2.weight": "norm2.weight", "ln_2.bias": "norm2.bias",
                    "attn.in_proj_weight": "attn.qkv.weight", "attn.in_proj_bias": "attn.qkv.bias",
                    "attn.out_proj.weight": "attn.proj.weight", "attn.out_proj.bias": "attn.proj.bias",
                    "mlp.c_fc.weight": "mlp.fc1.weight", "mlp.c_fc.bias": "mlp.fc1.bias",
                    "mlp.c_proj.weight": "mlp.fc2.weight", "mlp.c_proj.bias": "mlp.fc2.bias",
                }.get(rest)
                if renamed is None:
                    raise FamilyError(f"unsupported CLIP block parameter {key} (layer scale, attention "
                                      "scaling or another variant the exporter does not build)")
                converted[f"blocks.{index}.{renamed}"] = value
            else:
                raise FamilyError(f"unsupported CLIP parameter {key}")
        if "pos_embed" not in converted:
            raise FamilyError("the weights have no positional_embedding: not a CLIP vision tower")
        grid = _grid_of(converted["pos_embed"].shape[1] - 1, "positional_embedding")
        return converted, grid, extras

    raise FamilyError(f"unknown family {family!r}")


def load_converted(module, converted: Dict) -> None:
    """Loads a converted state dict into ContractViT. Blocks beyond the ones
    the module keeps are dropped; any other missing or extra parameter is an
    error that names it."""
    kept = len(module.blocks)
    own = module.state_dict()
    extra = []
    for key in converted:
        if key in own:
            continue
        parts = key.split(".")
        if parts[0] == "blocks" and parts[1].isdigit() and int(parts[1]) >= kept:
            continue
        extra.append(key)
    missing = [key for key in own if key not in converted]
    if extra or missing:
        raise FamilyError("the weights do not fit the family's structure (wrong --family or --size?): "
                          + (f"unexpected {', '.join(extra[:8])}" if extra else "")
                          + ("; " if extra and missing else "")
                          + (f"missing {', '.join(missing[:8])}" if missing else ""))
    for key, value in own.items():
        if tuple(converted[key].shape) != tuple(value.shape):
            raise FamilyError(f"parameter {key} has shape {tuple(converted[key].shape)} in the weights, "
                              f"{tuple(value.shape)} in the {module.config.embed_dim}-wide structure: "
                              "wrong --size or --family?")
    module.load_state_dict({key: converted[key] for key in own}, strict=True)


# ------------------------------------------------------------- public hubs


def load_hub_model(family: str, size: str, name: str, pretrained: str, hub_weights: Optional[str]):
    """Loads the original public model (needs internet, or a filled
    torch.hub / package cache). Returns (model used by hub_reference,
    state dict, activation)."""
    import torch

    sizes = size_spec(family, size)
    activation = family_spec(family).structure["activation"]
    if family in ("dinov2", "dinov2_reg"):
        model = torch.hub.load("facebookresearch/dinov2", name)
        return model.eval().float(), model.state_dict(), activation
    if family == "dinov3":
        kwargs = {"weights": hub_weights} if hub_weights else {}
        model = torch.hub.load("facebookresearch/dinov3", name, **kwargs)
        return model.eval().float(), model.state_dict(), activation
    if family == "clip":
        try:
            import clip
        except ImportError as error:
            raise FamilyError("--hub for clip needs the clip package (pip install "
                              "git+https://github.com/openai/CLIP)") from error
        model, _ = clip.load(name, device="cpu", jit=False)
        visual = model.visual.eval().float()
        return visual, visual.state_dict(), activation
    if family == "openclip":
        try:
            import open_clip
        except ImportError as error:
            raise FamilyError("--hub for openclip needs the open_clip_torch package") from error
        tag = pretrained or sizes.pretrained
        model = open_clip.create_model(name, pretrained=tag)
        visual = model.visual.eval().float()
        if tag == "openai" or name.endswith("-quickgelu"):
            activation = "quick_gelu"
        return visual, visual.state_dict(), activation
    raise FamilyError(f"unknown family {family!r}")


def _attention_from(block_input, norm, qkv, heads, scale, rope=None, apply_rope=None):
    """Softmax attention of one block, from the block's input tokens and its
    own norm and qkv layers, [1, heads, N, N]."""
    import torch

    tokens = norm(block_input)
    count, dim = tokens.shape[1], tokens.shape[2]
    qkv_out = qkv(tokens).reshape(1, count, 3, heads, dim // heads).permute(2, 0, 3, 1, 4)
    q, k = qkv_out[0], qkv_out[1]
    if rope is not None:
        q, k = apply_rope(q, k, rope)
    return torch.softmax((q * scale) @ k.transpose(-2, -1), dim=-1)


def _capture_output(module, run):
    captured = []
    handle = module.register_forward_hook(lambda _m, _i, output: captured.append(output))
    try:
        run()
    finally:
        handle.remove()
    return captured[0]


def hub_reference(family: str, model, x, blocks: List[int], registers: int):
    """Outputs of the original model for input x: per 1-based block number
    (cls [C], patches [h * w, C]) after the final norm, and the last block's
    CLS-to-patch attention averaged over heads, [h * w]. For CLIP also
    "pooled": the model's own image embedding, ln_post(CLS) @ proj."""
    import torch

    h, w = x.shape[2], x.shape[3]
    with torch.no_grad():
        if family in ("dinov2", "dinov2_reg", "dinov3"):
            layers = model.get_intermediate_layers(x, n=[b - 1 for b in blocks], return_class_token=True, norm=True)
            tokens = {b: (cls[0], patches[0]) for b, (patches, cls) in zip(blocks, layers)}
            last = model.blocks[-1]
            block_input = _capture_output(model.blocks[-2], lambda: model.get_intermediate_layers(x, n=1))
            rope = None
            if family == "dinov3":
                patch = model.patch_size
                rope = model.rope_embed(H=h // patch, W=w // patch)
            weights = _attention_from(block_input, last.norm1, last.attn.qkv, last.attn.num_heads,
                                      last.attn.scale, rope, getattr(last.attn, "apply_rope", None))
        else:
            resblocks = model.transformer.resblocks

            def batch_first(tensor):
                # OpenAI CLIP and older OpenCLIP run the transformer sequence-first.
                return tensor.permute(1, 0, 2) if tensor.shape[1] == 1 and tensor.shape[0] != 1 else tensor

            outputs = {}
            handles = [resblocks[b - 1].register_forward_hook(
                lambda _m, _i, output, b=b: outputs.__setitem__(b, batch_first(output))) for b in blocks]
            handles.append(resblocks[-2].register_forward_hook(
                lambda _m, _i, output: outputs.__setitem__("last_input", batch_first(output))))
            try:
                pooled = model(x)
            finally:
                for handle in handles:
                    handle.remove()
            tokens = {}
            for b in blocks:
                normed = model.ln_post(outputs[b])
                tokens[b] = (normed[0, 0], normed[0, 1:])
            last = resblocks[-1]
            heads = last.attn.num_heads
            dim = last.attn.embed_dim

            def in_projection(tokens_in):
                return torch.nn.functional.linear(tokens_in, last.attn.in_proj_weight, last.attn.in_proj_bias)

            weights = _attention_from(outputs["last_input"], last.ln_1, in_projection, heads,
                                      (dim // heads) ** -0.5)
            if isinstance(pooled, torch.Tensor) and pooled.dim() == 2:
                tokens["pooled"] = pooled[0]
        attention = weights[0, :, 0, 1 + registers:].mean(dim=0)
    return tokens, attention
