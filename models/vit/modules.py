"""A Vision Transformer written for torch.jit.script that implements the
patchead ViT encoder contract (models/README.md, "Vision Transformers").

One module class covers DINOv2 (with or without registers), DINOv3 and
CLIP/OpenCLIP: the families differ only in the settings of ViTConfig. The
parameter names follow DINOv2 (`blocks.N.attn.qkv`, `blocks.N.ls1.gamma`,
`norm`, ...), so a DINOv2 state dict loads as it is and the other families
are renamed by models/vit/families.py.

forward(x: [1, 3, H, W]) returns a List[Tensor]. First come, for every
exported block in block order, the block's output tokens after the final
LayerNorm, [1, 1 + registers + h * w, C]: CLS first, then the registers, then
the patches row by row. When the module was built with attention, the last
entry is the last block's softmax attention from the CLS token to the
h * w patch tokens, averaged over the heads, [1, h * w].
"""

import dataclasses
import math
from typing import List, Optional, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn


@dataclasses.dataclass
class ViTConfig:
    """Structure of one ViT. families.py contains the values of each family."""

    patch_size: int
    embed_dim: int
    depth: int
    num_heads: int
    mlp_ratio: float = 4.0
    layer_norm_eps: float = 1e-6
    activation: str = "gelu"            # "gelu" (exact, erf) or "quick_gelu" (x * sigmoid(1.702 x))
    layer_scale: Optional[float] = None  # initial LayerScale value; None: no LayerScale
    qkv_bias: bool = True
    key_bias: bool = True               # False: the key third of the qkv bias is zero (DINOv3)
    patch_bias: bool = True             # bias of the patch-embedding convolution (CLIP has none)
    pre_norm: bool = False              # CLIP's ln_pre after adding the position embedding
    register_tokens: int = 0
    position: str = "learned"           # "learned" (added to CLS and patches) or "rope" (DINOv3)
    native_grid: int = 0                # side of the learned position grid (patches)
    interpolate_offset: float = 0.0     # DINOv2 resamples with scale (h + 0.1) / grid; 0: to size h
    interpolate_antialias: bool = False  # antialiased bicubic resampling (DINOv2 with registers)
    rope_base: float = 100.0


class QuickGELU(nn.Module):
    """x * sigmoid(1.702 x), the activation of OpenAI's CLIP."""

    def forward(self, x: Tensor) -> Tensor:
        return x * torch.sigmoid(1.702 * x)


class LayerScale(nn.Module):
    def __init__(self, dim: int, value: float):
        super().__init__()
        self.gamma = nn.Parameter(torch.full((dim,), float(value)))

    def forward(self, x: Tensor) -> Tensor:
        return x * self.gamma


class Mlp(nn.Module):
    def __init__(self, dim: int, hidden: int, activation: str):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        if activation == "gelu":
            self.act = nn.GELU()
        elif activation == "quick_gelu":
            self.act = QuickGELU()
        else:
            raise ValueError(f"unknown activation {activation!r}; expected gelu or quick_gelu")
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x: Tensor) -> Tensor:
        return self.fc2(self.act(self.fc1(x)))


def rotate_half(x: Tensor) -> Tensor:
    half = x.shape[-1] // 2
    return torch.cat([-x[..., half:], x[..., :half]], dim=-1)


def apply_rope(x: Tensor, sin: Tensor, cos: Tensor) -> Tensor:
    """Rotates the patch tokens of x ([B, heads, N, head_dim]); the leading
    N - sin.shape[0] tokens (CLS and registers) have no position and stay."""
    prefix = x.shape[2] - sin.shape[0]
    patches = x[:, :, prefix:]
    rotated = patches * cos + rotate_half(patches) * sin
    return torch.cat([x[:, :, :prefix], rotated], dim=2)


class Attention(nn.Module):
    num_heads: torch.jit.Final[int]
    use_rope: torch.jit.Final[bool]

    def __init__(self, dim: int, num_heads: int, qkv_bias: bool, use_rope: bool):
        super().__init__()
        if dim % num_heads != 0:
            raise ValueError(f"embedding width {dim} is not a multiple of {num_heads} heads")
        self.num_heads = num_heads
        self.use_rope = use_rope
        self.scale = float((dim // num_heads) ** -0.5)
        self.qkv = nn.Linear(dim, 3 * dim, bias=qkv_bias)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x: Tensor, sin: Tensor, cos: Tensor) -> Tuple[Tensor, Tensor]:
        """Returns the attention output and the attention weights after the
        softmax, [B, heads, N, N]."""
        batch = x.shape[0]
        count = x.shape[1]
        dim = x.shape[2]
        qkv = self.qkv(x).reshape(batch, count, 3, self.num_heads, dim // self.num_heads).permute(2, 0, 3, 1, 4)
        q = qkv[0]
        k = qkv[1]
        v = qkv[2]
        if self.use_rope:
            q = apply_rope(q, sin, cos)
            k = apply_rope(k, sin, cos)
        weights = torch.softmax((q * self.scale) @ k.transpose(-2, -1), dim=-1)
        out = (weights @ v).transpose(1, 2).reshape(batch, count, dim)
        return self.proj(out), weights


class Block(nn.Module):
    """Pre-norm transformer block: x + ls1(attn(norm1(x))), then
    x + ls2(mlp(norm2(x))); without LayerScale ls1 and ls2 are identities."""

    def __init__(self, config: ViTConfig):
        super().__init__()
        dim = config.embed_dim
        self.norm1 = nn.LayerNorm(dim, eps=config.layer_norm_eps)
        self.attn = Attention(dim, config.num_heads, config.qkv_bias, config.position == "rope")
        self.ls1 = LayerScale(dim, config.layer_scale) if config.layer_scale is not None else nn.Identity()
        self.norm2 = nn.LayerNorm(dim, eps=config.layer_norm_eps)
        self.mlp = Mlp(dim, int(dim * config.mlp_ratio), config.activation)
        self.ls2 = LayerScale(dim, config.layer_scale) if config.layer_scale is not None else nn.Identity()

    def forward(self, x: Tensor, sin: Tensor, cos: Tensor) -> Tuple[Tensor, Tensor]:
        attended, weights = self.attn(self.norm1(x), sin, cos)
        x = x + self.ls1(attended)
        x = x + self.ls2(self.mlp(self.norm2(x)))
        return x, weights


class PatchEmbed(nn.Module):
    def __init__(self, patch_size: int, dim: int, bias: bool):
        super().__init__()
        self.proj = nn.Conv2d(3, dim, kernel_size=patch_size, stride=patch_size, bias=bias)

    def forward(self, x: Tensor) -> Tensor:
        return self.proj(x).flatten(2).transpose(1, 2)


class ContractViT(nn.Module):
    """The encoder module: see the module docstring for forward's outputs.

    export_blocks: 1-based block numbers whose tokens are returned, ascending.
    with_attention: also return the last block's CLS-to-patch attention; the
    module then keeps every block, otherwise it stops at the deepest
    exported block.
    """

    patch_size: torch.jit.Final[int]
    register_count: torch.jit.Final[int]
    has_registers: torch.jit.Final[bool]
    learned_position: torch.jit.Final[bool]
    use_rope: torch.jit.Final[bool]
    native_grid: torch.jit.Final[int]
    interpolate_offset: torch.jit.Final[float]
    interpolate_antialias: torch.jit.Final[bool]
    with_attention: torch.jit.Final[bool]

    def __init__(self, config: ViTConfig, export_blocks: List[int], with_attention: bool):
        super().__init__()
        if not export_blocks or sorted(set(export_blocks)) != list(export_blocks):
            raise ValueError(f"export_blocks must be ascending and unique, got {export_blocks}")
        if export_blocks[0] < 1 or export_blocks[-1] > config.depth:
            raise ValueError(f"export_blocks {export_blocks} outside blocks 1 to {config.depth}")
        if config.position not in ("learned", "rope"):
            raise ValueError(f"unknown position embedding {config.position!r}")
        if config.position == "rope" and (config.embed_dim // config.num_heads) % 4 != 0:
            raise ValueError("RoPE needs a head width divisible by 4")
        dim = config.embed_dim
        self.config = config
        self.patch_size = config.patch_size
        self.register_count = config.register_tokens
        self.has_registers = config.register_tokens > 0
        self.learned_position = config.position == "learned"
        self.use_rope = config.position == "rope"
        self.native_grid = config.native_grid
        self.interpolate_offset = float(config.interpolate_offset)
        self.interpolate_antialias = config.interpolate_antialias
        self.with_attention = with_attention

        self.patch_embed = PatchEmbed(config.patch_size, dim, config.patch_bias)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
        if config.register_tokens > 0:
            self.register_tokens = nn.Parameter(torch.zeros(1, config.register_tokens, dim))
        if self.learned_position:
            if config.native_grid < 1:
                raise ValueError("a learned position embedding needs native_grid >= 1")
            self.pos_embed = nn.Parameter(torch.zeros(1, 1 + config.native_grid ** 2, dim))
        if self.use_rope:
            head_dim = dim // config.num_heads
            exponents = 2 * torch.arange(head_dim // 4, dtype=torch.float32) / (head_dim // 2)
            self.register_buffer("rope_periods", config.rope_base ** exponents)
        self.ln_pre = nn.LayerNorm(dim, eps=config.layer_norm_eps) if config.pre_norm else nn.Identity()
        kept = config.depth if with_attention else export_blocks[-1]
        self.blocks = nn.ModuleList([Block(config) for _ in range(kept)])
        self.norm = nn.LayerNorm(dim, eps=config.layer_norm_eps)
        self.export_block: List[bool] = [index + 1 in export_blocks for index in range(kept)]

    def position_embedding(self, h: int, w: int) -> Tensor:
        """The learned position embedding resampled to an h x w patch grid
        (bicubic, align_corners=False, antialiased when the family's code
        does so); the CLS entry is kept as it is."""
        grid = self.native_grid
        if h == grid and w == grid:
            return self.pos_embed
        dim = self.pos_embed.shape[2]
        class_entry = self.pos_embed[:, :1]
        table = self.pos_embed[:, 1:].reshape(1, grid, grid, dim).permute(0, 3, 1, 2)
        if self.interpolate_offset > 0.0:
            # DINOv2 passes scale factors (h + 0.1) / grid instead of the size:
            # the resampling positions then differ slightly from a resize to h x w.
            scale = [(h + self.interpolate_offset) / grid, (w + self.interpolate_offset) / grid]
            table = F.interpolate(table, scale_factor=scale, mode="bicubic", align_corners=False,
                                  antialias=self.interpolate_antialias)
        else:
            table = F.interpolate(table, size=[h, w], mode="bicubic", align_corners=False,
                                  antialias=self.interpolate_antialias)
        if table.shape[2] != h or table.shape[3] != w:
            raise RuntimeError("position embedding resampled to the wrong grid size")
        table = table.permute(0, 2, 3, 1).reshape(1, h * w, dim)
        return torch.cat([class_entry, table], dim=1)

    def rope_tables(self, h: int, w: int) -> Tuple[Tensor, Tensor]:
        """DINOv3's axial RoPE: patch centres mapped to [-1, 1] per axis,
        angles 2 pi coord / period for the row and column coordinates."""
        device = self.rope_periods.device
        rows = (torch.arange(h, device=device, dtype=torch.float32) + 0.5) / h * 2.0 - 1.0
        columns = (torch.arange(w, device=device, dtype=torch.float32) + 0.5) / w * 2.0 - 1.0
        grid = torch.meshgrid(rows, columns, indexing="ij")
        coords = torch.stack([grid[0], grid[1]], dim=-1).reshape(h * w, 2)
        angles = 2.0 * math.pi * coords.unsqueeze(2) / self.rope_periods.reshape(1, 1, -1)
        angles = angles.reshape(h * w, -1)
        angles = torch.cat([angles, angles], dim=-1)
        return torch.sin(angles), torch.cos(angles)

    def forward(self, x: Tensor) -> List[Tensor]:
        if x.dim() != 4 or x.shape[1] != 3:
            raise RuntimeError("ViT input must be a [N, 3, H, W] tensor")
        height = x.shape[2]
        width = x.shape[3]
        if height % self.patch_size != 0 or width % self.patch_size != 0:
            raise RuntimeError("ViT input " + str(width) + "x" + str(height)
                               + " is not a multiple of the patch size " + str(self.patch_size))
        h = height // self.patch_size
        w = width // self.patch_size
        batch = x.shape[0]

        tokens = torch.cat([self.cls_token.expand(batch, -1, -1), self.patch_embed(x)], dim=1)
        if self.learned_position:
            tokens = tokens + self.position_embedding(h, w)
        if self.has_registers:
            registers = self.register_tokens.expand(batch, -1, -1)
            tokens = torch.cat([tokens[:, :1], registers, tokens[:, 1:]], dim=1)
        tokens = self.ln_pre(tokens)

        if self.use_rope:
            sin, cos = self.rope_tables(h, w)
        else:
            sin = torch.zeros(0, device=x.device)
            cos = sin

        outputs: List[Tensor] = []
        last_weights = torch.zeros(0, device=x.device)
        for index, block in enumerate(self.blocks):
            tokens, last_weights = block(tokens, sin, cos)
            if self.export_block[index]:
                outputs.append(self.norm(tokens))
        if self.with_attention:
            first_patch = 1 + self.register_count
            outputs.append(last_weights[:, :, 0, first_patch:].mean(dim=1))
        return outputs


def init_random(module: ContractViT, seed: int) -> None:
    """Fills the module with seeded random weights of a plausible scale
    (truncated normal 0.02 for linear layers and tokens, as the DINOv2 and
    CLIP code initialise theirs). LayerScale starts between 0.5 and 1.5
    rather than at the families' tiny training values, so the blocks do
    change the tokens. The result is for structure tests only: its features
    mean nothing."""
    generator = torch.Generator().manual_seed(seed)

    def normal(tensor: Tensor, std: float) -> None:
        values = torch.randn(tensor.shape, generator=generator) * std
        tensor.copy_(values.clamp(-2 * std, 2 * std))

    with torch.no_grad():
        for name, parameter in module.named_parameters():
            if name.endswith(".gamma"):
                parameter.copy_(0.5 + torch.rand(parameter.shape, generator=generator))
            elif name.endswith("bias"):
                normal(parameter, 0.02)
            elif parameter.dim() == 1:  # LayerNorm weights
                parameter.copy_(1.0 + 0.1 * torch.randn(parameter.shape, generator=generator))
            elif name.startswith("patch_embed"):
                normal(parameter, 1.0 / math.sqrt(parameter[0].numel()))
            else:
                normal(parameter, 0.02)
        if not module.config.key_bias:
            for block in module.blocks:
                dim = block.attn.proj.in_features
                if block.attn.qkv.bias is not None:
                    block.attn.qkv.bias[dim:2 * dim] = 0.0
