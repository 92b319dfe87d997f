#!/usr/bin/python3
"""Independent Python reference of the PatchEAD few-shot scoring.

Implements docs/scoring-contract.md with torch, numpy and OpenCV so that the
C++ core can be checked against it (tests/reference) and benchmarked against a
plain PyTorch implementation of the same method.

Subcommands:
  score  scores images against a reference set and writes every number the
         C++ cross-check compares (patch scores, image scores, leave-one-out
         scores, a downsized anomaly map) to a JSON file.
  eval   runs K-shot evaluation on an MVTec-layout category and prints image
         and pixel AUROC with the time per image.

Run it with a Python that has torch 1.13, numpy and cv2 (Debian's
/usr/bin/python3 with python3-torch and python3-opencv). `eval` also needs
scikit-learn.
"""

import argparse
import json
import math
import os
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
import torch
import torch.nn.functional as F

INTERPOLATIONS = {
    "area": cv2.INTER_AREA,
    "bilinear": cv2.INTER_LINEAR,
    "bicubic": cv2.INTER_CUBIC,
}
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff")
ALIGNMENT_MODES = ("off", "auto", "always")
IMAGE_SCORE_RULES = ("top-fraction-mean", "max")

# Number of memory-bank patches per similarity tile. A tile of 3136 query
# patches (a 56 x 56 grid) then needs about 200 MB of float32 similarities.
BANK_TILE = 16384


@dataclass
class Settings:
    """Every setting that changes a score, with the C++ core's defaults."""

    layers: list = field(default_factory=list)  # empty: the manifest's default layers
    resolution: int = 0  # side of the square encoder input; 0: the manifest's size
    neighbourhood: int = 3
    image_score: str = "top-fraction-mean"
    top_fraction: float = 0.01
    alignment: str = "auto"
    rotation_step: int = 45
    flips: bool = True
    rotation_tolerance: float = 0.017
    flip_tolerance: float = 0.003
    map_sigma: float = 4.0
    reject_margin: float = 0.10

    def validate(self):
        """Raise ValueError naming the first setting out of range."""
        if self.resolution < 0 or self.resolution > 4096:
            raise ValueError(f"resolution {self.resolution} is out of range; use 0 (the encoder's size) "
                             "or 32 to 4096 pixels")
        if self.neighbourhood < 1 or self.neighbourhood > 9 or self.neighbourhood % 2 == 0:
            raise ValueError(f"neighbourhood {self.neighbourhood} must be an odd number from 1 to 9")
        if self.image_score not in IMAGE_SCORE_RULES:
            raise ValueError(f"image score rule {self.image_score!r} is invalid; use "
                             f"{' or '.join(IMAGE_SCORE_RULES)}")
        if not 0.0 < self.top_fraction <= 1.0:
            raise ValueError(f"top fraction {self.top_fraction} must be in (0, 1]")
        if self.alignment not in ALIGNMENT_MODES:
            raise ValueError(f"alignment {self.alignment!r} is invalid; use off, auto or always")
        if self.rotation_step not in (45, 90):
            raise ValueError(f"rotation step {self.rotation_step} must be 45 or 90 degrees")
        if not 0.0 <= self.map_sigma <= 64.0:
            raise ValueError(f"map sigma {self.map_sigma} must be between 0 and 64 pixels")
        if self.reject_margin < 0.0:
            raise ValueError(f"reject margin {self.reject_margin} must not be negative")

    def to_json(self):
        return {
            "layers": list(self.layers),
            "resolution": self.resolution,
            "neighbourhood": self.neighbourhood,
            "image_score": self.image_score,
            "top_fraction": self.top_fraction,
            "alignment": self.alignment,
            "rotation_step": self.rotation_step,
            "flips": self.flips,
            "map_sigma": self.map_sigma,
            "reject_margin": self.reject_margin,
        }


# ---------------------------------------------------------------------------
# Image loading


def _exif_orientation(path):
    """Return the EXIF orientation tag (1 to 8) of a JPEG file, 1 when absent."""
    try:
        from PIL import Image  # only JPEG files need it
    except ImportError:
        # NOTE: without Pillow, EXIF orientation is ignored, unlike the C++ loader.
        return 1
    with Image.open(path) as image:
        value = image.getexif().get(0x0112, 1)
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _apply_exif_orientation(rgb, orientation):
    """Turn and mirror an image into the display orientation given by EXIF 2.3 tag 0x0112."""
    oriented = {
        2: lambda a: a[:, ::-1],
        3: lambda a: a[::-1, ::-1],
        4: lambda a: a[::-1],
        5: lambda a: a.transpose(1, 0, 2),
        6: lambda a: np.rot90(a, -1),
        7: lambda a: a.transpose(1, 0, 2)[::-1, ::-1],
        8: lambda a: np.rot90(a, 1),
    }.get(orientation, lambda a: a)(rgb)
    return np.ascontiguousarray(oriented)


def load_rgb(path):
    """Load an image file as an 8-bit RGB array of shape (height, width, 3).

    Grey is replicated to three channels, 16-bit samples become
    round(v / 257), and an alpha channel is composited over black. JPEG
    files are turned by their EXIF orientation. Raises ValueError when the
    file cannot be decoded.
    """
    data = np.fromfile(str(path), dtype=np.uint8)
    decoded = cv2.imdecode(data, cv2.IMREAD_UNCHANGED) if data.size else None
    if decoded is None:
        raise ValueError(f"{path}: not a readable image (PNG, JPEG, BMP or TIFF expected)")
    if decoded.dtype == np.uint8:
        max_value = 255.0
    elif decoded.dtype == np.uint16:
        max_value = 65535.0
    elif decoded.dtype == np.float32:
        max_value = 1.0
    else:
        raise ValueError(f"{path}: unsupported sample type {decoded.dtype}; convert it to 8 or 16 bits")
    if decoded.ndim == 2:
        decoded = decoded[:, :, None]

    channels = decoded.shape[2]
    if channels in (2, 4):
        # Same float32 arithmetic as the C++ loader, so that rounding agrees.
        alpha = decoded[:, :, -1].astype(np.float32) * np.float32(1.0 / max_value)
        colour = decoded[:, :, :-1].astype(np.float32) * alpha[:, :, None]
        scaled = colour * np.float32(255.0 / max_value)
        eight_bit = np.clip(np.rint(scaled), 0, 255).astype(np.uint8)
    elif decoded.dtype == np.uint8:
        eight_bit = decoded
    else:
        scaled = decoded.astype(np.float64) * (255.0 / max_value)
        eight_bit = np.clip(np.rint(scaled), 0, 255).astype(np.uint8)

    if eight_bit.shape[2] == 1:
        rgb = np.repeat(eight_bit, 3, axis=2)
    else:
        rgb = eight_bit[:, :, ::-1]  # OpenCV decodes to BGR
    rgb = np.ascontiguousarray(rgb)
    if data[:3].tobytes() == b"\xff\xd8\xff":
        rgb = _apply_exif_orientation(rgb, _exif_orientation(path))
    return rgb


def list_images(path):
    """Return the image files of a folder, sorted by name, or [path] for a file."""
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file())
        if not files:
            raise ValueError(f"{path}: no PNG, JPEG, BMP or TIFF images in this folder")
        return [str(p) for p in files]
    if not path.is_file():
        raise ValueError(f"{path}: file not found")
    return [str(path)]


# ---------------------------------------------------------------------------
# Encoder and patch features


class Encoder:
    """A TorchScript CNN encoder and its manifest.json (models/README.md describes the fields)."""

    def __init__(self, model_path, device="cpu"):
        path = Path(model_path)
        manifest_path = path / "manifest.json" if path.is_dir() else path
        if not manifest_path.is_file():
            raise ValueError(f"encoder manifest not found: {manifest_path}; prepare it with "
                             "models/prepare-default-encoder.sh OUTDIR")
        with open(manifest_path, encoding="utf-8") as handle:
            manifest = json.load(handle)
        if manifest.get("format") != "patchead-encoder":
            raise ValueError(f"{manifest_path}: \"format\" must be \"patchead-encoder\"")
        if manifest.get("architecture", {}).get("kind") != "cnn":
            raise ValueError(f"{manifest_path}: only CNN encoders (architecture.kind \"cnn\") are supported here")

        self.manifest_path = str(manifest_path)
        try:
            self._read_manifest(manifest)
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"{manifest_path}: missing or invalid field {error}; prepare the encoder "
                             "again or fix the field") from error
        if self.interpolation_name not in INTERPOLATIONS:
            raise ValueError(f"{manifest_path}: input.interpolation {self.interpolation_name!r} is invalid; "
                             "expected area, bilinear or bicubic")
        self.interpolation = INTERPOLATIONS[self.interpolation_name]

        self.device = torch.device(device)
        module_path = manifest_path.parent / self.module_file
        try:
            self.module = torch.jit.load(str(module_path), map_location=self.device)
        except (RuntimeError, ValueError) as error:
            first_line = str(error).splitlines()[0] if str(error) else type(error).__name__
            raise ValueError(f"{module_path}: cannot load the TorchScript module ({first_line}); "
                             "prepare the encoder again") from error
        self.module.eval()

    def _read_manifest(self, manifest):
        self.name = manifest["name"]
        self.module_file = manifest["module_file"]
        spec = manifest["input"]
        self.width = int(spec["width"])
        self.height = int(spec["height"])
        self.size_multiple = int(spec.get("size_multiple", 1))
        self.interpolation_name = spec["interpolation"]
        self.mean = np.asarray(spec["mean"], dtype=np.float32).reshape(3)
        self.std = np.asarray(spec["std"], dtype=np.float32).reshape(3)
        self.outputs = [output["name"] for output in manifest["outputs"]]
        self.default_layers = list(manifest.get("default_layers") or self.outputs[:1])
        global_output = manifest.get("global_embedding")
        # Without a named output the global embedding pools the last output,
        # as the C++ encoder does.
        self.global_index = (self.outputs.index(global_output) if global_output in self.outputs
                             else len(self.outputs) - 1)

    def input_size(self, resolution):
        """Return the encoder input size (width, height) for a resolution setting.

        0 keeps the manifest's size. Any other value gives a square input,
        rounded to the nearest multiple of input.size_multiple.
        """
        if resolution <= 0:
            return self.width, self.height
        multiple = max(1, self.size_multiple)
        side = max(multiple, int(math.floor(resolution / multiple + 0.5)) * multiple)
        return side, side

    def layer_indices(self, layers):
        names = list(layers) or self.default_layers
        missing = [name for name in names if name not in self.outputs]
        if missing:
            raise ValueError(f"layer {missing[0]!r} is not an output of encoder {self.name}; "
                             f"available: {', '.join(self.outputs)}")
        return [self.outputs.index(name) for name in names]

    def preprocess(self, rgb, size):
        """Return the [1, 3, H, W] float32 input tensor of an 8-bit RGB image."""
        width, height = size
        if rgb.shape[1] != width or rgb.shape[0] != height:
            rgb = cv2.resize(rgb, (width, height), interpolation=self.interpolation)
        values = (rgb.astype(np.float32) / np.float32(255.0) - self.mean) / self.std
        chw = np.ascontiguousarray(values.transpose(2, 0, 1))
        return torch.from_numpy(chw).unsqueeze(0).to(self.device)

    @torch.no_grad()
    def features(self, rgb, settings):
        """Return (patches, grid, global embedding) of one image.

        patches is a [h * w, C] float32 tensor of unit vectors in row-major
        grid order, grid is (h, w) of the first selected layer, and the global
        embedding is the L2-normalised mean of one output over its grid.
        """
        maps = self.module(self.preprocess(rgb, self.input_size(settings.resolution)))
        selected = [maps[index].float() for index in self.layer_indices(settings.layers)]
        k = settings.neighbourhood
        if k > 1:
            selected = [F.avg_pool2d(m, k, stride=1, padding=k // 2, count_include_pad=False) for m in selected]
        height, width = selected[0].shape[2:]
        selected = [m if tuple(m.shape[2:]) == (height, width)
                    else F.interpolate(m, size=(height, width), mode="bilinear", align_corners=False)
                    for m in selected]
        combined = torch.cat(selected, dim=1)[0]
        patches = combined.permute(1, 2, 0).reshape(height * width, -1)
        patches = F.normalize(patches, dim=1, eps=1e-12)

        pooled = maps[self.global_index].float().mean(dim=(2, 3)).flatten()
        embedding = F.normalize(pooled, dim=0, eps=1e-12)
        return patches.contiguous(), (int(height), int(width)), embedding.cpu().numpy()


# ---------------------------------------------------------------------------
# Alignment copies of references


@dataclass(frozen=True)
class Transform:
    """A counter-clockwise rotation about the image centre, then an optional mirror."""

    degrees: int = 0
    mirrored: bool = False

    @property
    def is_identity(self):
        return self.degrees == 0 and not self.mirrored

    @property
    def name(self):
        if self.is_identity:
            return "identity"
        if self.degrees == 0:
            return "mirror"
        return f"rot{self.degrees}" + ("+mirror" if self.mirrored else "")


def candidate_transforms(settings):
    """Return the transforms the alignment setting may add, identity first."""
    if settings.alignment == "off":
        return [Transform()]
    mirrors = (False, True) if settings.flips else (False,)
    return [Transform(angle, mirror) for mirror in mirrors for angle in range(0, 360, settings.rotation_step)]


def apply_transform(rgb, transform):
    """Rotate an image counter-clockwise in its own canvas, then mirror it left to right.

    Multiples of 90 degrees permute pixels exactly (np.rot90). Other angles
    rotate about ((w - 1) / 2, (h - 1) / 2) with bilinear interpolation and
    replicated borders, keeping the image size.
    """
    degrees = transform.degrees % 360
    if degrees == 0:
        out = rgb
    elif degrees % 90 == 0:
        out = np.ascontiguousarray(np.rot90(rgb, degrees // 90))
    else:
        height, width = rgb.shape[:2]
        matrix = cv2.getRotationMatrix2D(((width - 1) * 0.5, (height - 1) * 0.5), degrees, 1.0)
        out = cv2.warpAffine(rgb, matrix, (width, height), flags=cv2.INTER_LINEAR,
                             borderMode=cv2.BORDER_REPLICATE)
    if transform.mirrored:
        out = cv2.flip(out, 1)
    return out


def _mean_cross_similarity(embeddings, candidates, accept):
    """Return the mean cosine between copy t of reference i and the original of reference j, over i != j."""
    total = 0.0
    count = 0
    for i, copies in enumerate(embeddings):
        for j, others in enumerate(embeddings):
            if i == j:
                continue
            original = others[0].astype(np.float64)
            for t, transform in enumerate(candidates):
                if accept(transform):
                    copy = copies[t].astype(np.float64)
                    norms = max(np.linalg.norm(copy) * np.linalg.norm(original), 1e-12)
                    total += float(np.dot(copy, original)) / norms
                    count += 1
    return total / count if count else 0.0


def decide_alignment(embeddings, candidates, settings):
    """Decide which reference copies enter the memory bank.

    embeddings[i][t] is the global embedding of reference i under
    candidates[t]. In auto mode, rotations are allowed when
    mu_rotation * (1 + rotation tolerance) >= mu, where mu is the mean cosine
    between different original references and mu_rotation that of rotated
    copies to the other originals; mirrors likewise with the flip tolerance.
    """
    decision = {"rotations_allowed": False, "mirrors_allowed": False,
                "mu": 0.0, "mu_rotation": 0.0, "mu_mirror": 0.0, "transforms": [Transform()]}
    if settings.alignment == "off":
        return decision
    if settings.alignment == "always":
        decision.update(rotations_allowed=True, mirrors_allowed=settings.flips, transforms=list(candidates))
        return decision
    if len(embeddings) < 2:
        return decision

    mu = _mean_cross_similarity(embeddings, candidates, lambda t: t.is_identity)
    mu_rotation = _mean_cross_similarity(embeddings, candidates, lambda t: t.degrees != 0 and not t.mirrored)
    mu_mirror = _mean_cross_similarity(embeddings, candidates, lambda t: t.degrees == 0 and t.mirrored)
    rotations = mu_rotation * (1.0 + settings.rotation_tolerance) >= mu
    mirrors = settings.flips and mu_mirror * (1.0 + settings.flip_tolerance) >= mu
    allowed = [t for t in candidates
               if (t.degrees == 0 or rotations) and (not t.mirrored or mirrors)]
    decision.update(rotations_allowed=bool(rotations), mirrors_allowed=bool(mirrors),
                    mu=mu, mu_rotation=mu_rotation, mu_mirror=mu_mirror, transforms=allowed)
    return decision


# ---------------------------------------------------------------------------
# Few-shot scoring


@dataclass
class ReferenceSet:
    """Memory bank of reference patches, each row tagged with its source image."""

    paths: list
    bank: torch.Tensor  # [M, C] unit vectors
    sources: torch.Tensor  # [M] index into paths
    originals: list  # untransformed patches of each reference
    decision: dict
    leave_one_out: list = field(default_factory=list)


def max_cosine(queries, bank):
    """Return the largest dot product of each query row with any bank row.

    The bank is processed in tiles of BANK_TILE rows, each a single matrix
    product followed by a row maximum. An empty bank gives -1.
    """
    best = torch.full((queries.shape[0],), -math.inf, dtype=torch.float32, device=queries.device)
    for start in range(0, bank.shape[0], BANK_TILE):
        similarity = torch.mm(queries, bank[start:start + BANK_TILE].t())
        best = torch.maximum(best, similarity.max(dim=1).values)
    best[torch.isinf(best)] = -1.0
    return best


def patch_scores(queries, bank):
    """Return a(p) = (1 - max cosine) / 2 of every query patch, as float32."""
    return (1.0 - max_cosine(queries, bank)) * 0.5


def image_score(scores, settings):
    """Return the mean of the max(1, floor(fraction * N)) largest patch scores, or their max."""
    values = scores.flatten().double()
    if values.numel() == 0:
        raise ValueError("cannot compute an image score from zero patches")
    if settings.image_score == "max":
        return float(values.max())
    k = max(1, int(math.floor(settings.top_fraction * values.numel())))
    return float(torch.topk(values, k).values.mean())


def build_reference_set(encoder, paths, settings):
    """Encode the references and their alignment copies, and score each left out."""
    if not paths:
        raise ValueError("no reference images given")
    candidates = candidate_transforms(settings)
    patches = []  # patches[i][t]
    embeddings = []  # embeddings[i][t]
    for path in paths:
        rgb = load_rgb(path)
        per_transform = [encoder.features(apply_transform(rgb, t), settings) for t in candidates]
        patches.append([p for p, _, _ in per_transform])
        embeddings.append([e for _, _, e in per_transform])

    decision = decide_alignment(embeddings, candidates, settings)
    allowed = set(decision["transforms"])
    rows = []
    sources = []
    for i, copies in enumerate(patches):
        for t, transform in enumerate(candidates):
            if transform in allowed:
                rows.append(copies[t])
                sources.append(torch.full((copies[t].shape[0],), i, dtype=torch.int64))
    references = ReferenceSet(paths=list(paths), bank=torch.cat(rows), sources=torch.cat(sources).to(encoder.device),
                              originals=[copies[0] for copies in patches], decision=decision)

    # Each reference against the others: its own copies are left out too.
    if len(paths) >= 2:
        for i, original in enumerate(references.originals):
            others = references.bank[references.sources != i]
            references.leave_one_out.append(image_score(patch_scores(original, others), settings))
    return references


def score_image(encoder, references, rgb, settings):
    """Return (patch score grid as an (h, w) float32 array, image score) of one image."""
    patches, (height, width), _ = encoder.features(rgb, settings)
    scores = patch_scores(patches, references.bank)
    return scores.reshape(height, width).cpu().numpy(), image_score(scores, settings)


def thresholds_from_good_scores(leave_one_out, settings):
    """Return (review, reject) thresholds: the largest leave-one-out score, and it times 1 + margin.

    Returns (None, None) with fewer than two references, which give no
    leave-one-out scores.
    """
    if len(leave_one_out) < 2:
        return None, None
    review = max(leave_one_out)
    return review, review * (1.0 + settings.reject_margin)


def normalised_score(score, reject_threshold):
    """Return clamp(score / (2 * reject threshold), 0, 1), so 0.5 is at the reject threshold."""
    if reject_threshold is None or not reject_threshold > 0.0:
        return 0.0
    return min(max(score / (2.0 * reject_threshold), 0.0), 1.0)


def render_anomaly_map(grid, input_size, sigma, output_size):
    """Return the pixel anomaly map of a patch-score grid as float32 (height, width).

    Bilinear to the encoder input size (width, height), Gaussian smoothing
    with sigma in input pixels (0: none), then bilinear to output_size.
    """
    anomaly_map = cv2.resize(np.ascontiguousarray(grid, dtype=np.float32), tuple(input_size),
                             interpolation=cv2.INTER_LINEAR)
    if sigma > 0:
        kernel = 2 * int(math.ceil(4.0 * sigma)) + 1
        anomaly_map = cv2.GaussianBlur(anomaly_map, (kernel, kernel), sigmaX=sigma, sigmaY=sigma,
                                       borderType=cv2.BORDER_REFLECT_101)
    if tuple(output_size) != tuple(input_size):
        anomaly_map = cv2.resize(anomaly_map, tuple(output_size), interpolation=cv2.INTER_LINEAR)
    return anomaly_map


# ---------------------------------------------------------------------------
# Command line


def _settings_from_args(args):
    layers = [name for item in (args.layers or []) for name in item.split(",") if name]
    settings = Settings(layers=layers, resolution=args.resolution, neighbourhood=args.neighbourhood,
                        image_score=args.image_score, top_fraction=args.top_fraction,
                        alignment=args.alignment, rotation_step=args.rotation_step,
                        flips=not args.no_flips, map_sigma=args.sigma, reject_margin=args.reject_margin)
    settings.validate()
    return settings


def _configure_torch(args):
    threads = args.threads if args.threads > 0 else (os.cpu_count() or 1)
    torch.set_num_threads(threads)
    if args.device.startswith("cuda") and not torch.cuda.is_available():
        raise ValueError(f"device {args.device!r} requested but torch has no usable CUDA device; use --device cpu")


def _decision_json(decision):
    result = dict(decision)
    result["transforms"] = [t.name for t in decision["transforms"]]
    return result


def command_score(args):
    """Score --images against --references and write the results to --json."""
    settings = _settings_from_args(args)
    _configure_torch(args)
    encoder = Encoder(args.model, args.device)
    reference_paths = [p for item in args.references for p in list_images(item)]

    started = time.perf_counter()
    references = build_reference_set(encoder, reference_paths, settings)
    reference_seconds = time.perf_counter() - started

    input_size = encoder.input_size(settings.resolution)
    review, reject = thresholds_from_good_scores(references.leave_one_out, settings)
    images = []
    started = time.perf_counter()
    for path in args.images:
        rgb = load_rgb(path)
        grid, score = score_image(encoder, references, rgb, settings)
        full_map = render_anomaly_map(grid, input_size, settings.map_sigma, (rgb.shape[1], rgb.shape[0]))
        small_map = cv2.resize(full_map, (args.map_size, args.map_size), interpolation=cv2.INTER_AREA)
        images.append({
            "path": path,
            "width": int(rgb.shape[1]),
            "height": int(rgb.shape[0]),
            "image_score": score,
            "normalised_score": normalised_score(score, reject),
            "grid_height": int(grid.shape[0]),
            "grid_width": int(grid.shape[1]),
            "patch_scores": grid.flatten().astype(float).tolist(),
            "map_width": args.map_size,
            "map_height": args.map_size,
            "map": small_map.flatten().astype(float).tolist(),
        })
    scoring_seconds = time.perf_counter() - started

    result = {
        "implementation": "python-reference",
        "encoder": encoder.name,
        "settings": settings.to_json(),
        "input_width": input_size[0],
        "input_height": input_size[1],
        "alignment": _decision_json(references.decision),
        "bank_patches": int(references.bank.shape[0]),
        "review_threshold": review,
        "reject_threshold": reject,
        "references": [
            {"path": path,
             "leave_one_out_score": references.leave_one_out[i] if references.leave_one_out else None}
            for i, path in enumerate(references.paths)],
        "images": images,
        "seconds": {"references": reference_seconds, "images": scoring_seconds},
    }
    with open(args.json, "w", encoding="utf-8") as handle:
        json.dump(result, handle)
    print(f"scored {len(images)} images against {len(reference_paths)} references "
          f"({result['bank_patches']} bank patches) in {reference_seconds + scoring_seconds:.2f} s; "
          f"wrote {args.json}")
    return 0


def _mvtec_test_set(category):
    """Return [(image path, label, mask path or None)] of an MVTec-layout test folder."""
    samples = []
    test_root = category / "test"
    if not test_root.is_dir():
        raise ValueError(f"{category}: no test/ folder; expected the MVTec layout (train/good, test/*, ground_truth/*)")
    for kind in sorted(p for p in test_root.iterdir() if p.is_dir()):
        for path in list_images(kind):
            if kind.name == "good":
                samples.append((path, 0, None))
                continue
            mask = category / "ground_truth" / kind.name / (Path(path).stem + "_mask.png")
            if not mask.is_file():
                raise ValueError(f"{path}: ground-truth mask {mask} not found")
            samples.append((path, 1, str(mask)))
    return samples


def command_eval(args):
    """K-shot evaluation of one MVTec-layout category, printed per seed."""
    from sklearn.metrics import roc_auc_score

    settings = _settings_from_args(args)
    _configure_torch(args)
    encoder = Encoder(args.model, args.device)
    category = Path(args.category)
    train = list_images(category / "train" / "good")
    if len(train) < args.shots:
        raise ValueError(f"{category}/train/good has {len(train)} images, fewer than --shots {args.shots}")
    samples = _mvtec_test_set(category)
    labels = np.array([label for _, label, _ in samples])
    size = args.pixel_size
    masks = np.zeros((len(samples), size, size), dtype=bool)
    for n, (_, _, mask_path) in enumerate(samples):
        if mask_path:
            mask = cv2.imread(mask_path, cv2.IMREAD_GRAYSCALE)
            masks[n] = cv2.resize(mask, (size, size), interpolation=cv2.INTER_NEAREST) > 127
    input_size = encoder.input_size(settings.resolution)
    print(f"{category.name}: {len(samples)} test images ({int(labels.sum())} defective), "
          f"{args.shots}-shot, input {input_size[0]}x{input_size[1]}, settings {json.dumps(settings.to_json())}")

    summary = []
    for seed in args.seeds:
        shots = sorted(random.Random(seed).sample(train, args.shots))
        started = time.perf_counter()
        references = build_reference_set(encoder, shots, settings)
        reference_seconds = time.perf_counter() - started

        scores = np.zeros(len(samples))
        maps = np.zeros((len(samples), size, size), dtype=np.float32)
        started = time.perf_counter()
        for n, (path, _, _) in enumerate(samples):
            grid, scores[n] = score_image(encoder, references, load_rgb(path), settings)
            maps[n] = render_anomaly_map(grid, input_size, settings.map_sigma, (size, size))
        per_image_ms = 1000.0 * (time.perf_counter() - started) / len(samples)

        image_auroc = roc_auc_score(labels, scores)
        pixel_auroc = roc_auc_score(masks.ravel(), maps.ravel()) if masks.any() else float("nan")
        summary.append((image_auroc, pixel_auroc, per_image_ms))
        print(f"seed {seed}: image AUROC {image_auroc:.4f}, pixel AUROC {pixel_auroc:.4f}, "
              f"{per_image_ms:.1f} ms per image, references {reference_seconds:.2f} s "
              f"({references.bank.shape[0]} bank patches, copies: "
              f"{', '.join(t.name for t in references.decision['transforms'])})")
    if len(summary) > 1:
        mean = np.mean(np.array(summary), axis=0)
        print(f"mean over {len(summary)} seeds: image AUROC {mean[0]:.4f}, pixel AUROC {mean[1]:.4f}, "
              f"{mean[2]:.1f} ms per image")
    return 0


def _add_settings_arguments(parser):
    parser.add_argument("--model", required=True, help="encoder manifest.json or the folder containing it")
    parser.add_argument("--layers", nargs="+", help="encoder outputs to combine (default: the manifest's "
                        "default layers); names separated by spaces or commas")
    parser.add_argument("--resolution", type=int, default=0,
                        help="side of the square encoder input in pixels, rounded to the nearest multiple of "
                        "the manifest's input.size_multiple (default 0: the manifest's size)")
    parser.add_argument("--neighbourhood", type=int, default=3,
                        help="side k of the k x k patch neighbourhood average, odd, 1 turns it off (default 3)")
    parser.add_argument("--image-score", choices=IMAGE_SCORE_RULES, default="top-fraction-mean",
                        help="image score rule (default top-fraction-mean)")
    parser.add_argument("--top-fraction", type=float, default=0.01,
                        help="fraction of patches averaged by the top-fraction-mean rule (default 0.01)")
    parser.add_argument("--alignment", choices=ALIGNMENT_MODES, default="auto",
                        help="rotated and mirrored reference copies: off, auto or always (default auto)")
    parser.add_argument("--rotation-step", type=int, choices=(45, 90), default=45,
                        help="angle between rotated copies in degrees (default 45)")
    parser.add_argument("--no-flips", action="store_true", help="add no mirrored copies")
    parser.add_argument("--sigma", type=float, default=4.0,
                        help="Gaussian sigma of the anomaly map in encoder input pixels, 0 for none (default 4)")
    parser.add_argument("--reject-margin", type=float, default=0.10,
                        help="reject threshold = largest leave-one-out score * (1 + margin) (default 0.10)")
    parser.add_argument("--device", default="cpu", help="torch device, e.g. cpu or cuda:0 (default cpu)")
    parser.add_argument("--threads", type=int, default=0,
                        help="torch CPU threads (default 0: one per core)")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    score = commands.add_parser("score", help="score images against references and write JSON")
    _add_settings_arguments(score)
    score.add_argument("--references", nargs="+", required=True,
                       help="known-good reference images, or folders of them")
    score.add_argument("--images", nargs="+", required=True, help="images to score")
    score.add_argument("--map-size", type=int, default=64,
                       help="side of the square anomaly map written to JSON, resized with INTER_AREA (default 64)")
    score.add_argument("--json", required=True, help="output JSON file")
    score.set_defaults(run=command_score)

    evaluate = commands.add_parser("eval", help="K-shot evaluation of an MVTec-layout category")
    _add_settings_arguments(evaluate)
    evaluate.add_argument("--category", required=True,
                          help="category folder with train/good, test/* and ground_truth/*")
    evaluate.add_argument("--shots", type=int, default=4, help="number K of reference images (default 4)")
    evaluate.add_argument("--seeds", type=int, nargs="+", default=[0],
                          help="seeds of the K-shot draws from train/good (default 0)")
    evaluate.add_argument("--pixel-size", type=int, default=256,
                          help="side to which maps and masks are resized for pixel AUROC (default 256)")
    evaluate.set_defaults(run=command_eval)

    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except ValueError as error:
        print(f"patchead_reference: error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
