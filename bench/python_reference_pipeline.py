#!/usr/bin/python3
"""Few-shot patch scoring written the way a user of the research code would.

The same method as the C++ pipeline's few-shot lot (default layers, 3 x 3
neighbourhood, cosine nearest patch, top 1 % image score, bilinear upsampled
and Gaussian-smoothed map), in plain PyTorch with OpenCV for image files:
one torch.matmul per part against the whole memory bank, no tiling, no
database. patchead-bench runs it beside the C++ cases with the same
encoder file, images and thread count, and reads its RESULT line.

Run with /usr/bin/python3 (Debian's python3-torch and python3-opencv).
"""

import argparse
import json
import math
import resource
import time
from pathlib import Path

import cv2
import numpy as np
import torch
import torch.nn.functional as F

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff")


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, help="manifest.json of the encoder")
    parser.add_argument("--references", required=True, help="folder of good images; the first K are used")
    parser.add_argument("--lot", required=True, help="folder of part images; the first --parts are scored")
    parser.add_argument("--k", type=int, default=8, help="number of reference images")
    parser.add_argument("--parts", type=int, default=40, help="number of parts to score")
    parser.add_argument("--threads", type=int, default=2, help="torch intra-op threads")
    parser.add_argument("--sigma", type=float, default=4.0, help="map smoothing, in input pixels")
    return parser.parse_args()


def first_images(folder, count):
    paths = sorted(p for p in Path(folder).iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    if len(paths) < count:
        raise SystemExit(f"{folder} contains {len(paths)} images but {count} are needed; give a larger folder")
    return paths[:count]


class Encoder:
    """The TorchScript module with the manifest's input and layer choice."""

    def __init__(self, manifest_path):
        manifest = json.loads(Path(manifest_path).read_text())
        self.module = torch.jit.load(str(Path(manifest_path).parent / manifest["module_file"]))
        self.module.eval()
        names = [output["name"] for output in manifest["outputs"]]
        self.layers = [names.index(name) for name in manifest["default_layers"]]
        self.size = (manifest["input"]["width"], manifest["input"]["height"])
        self.mean = np.array(manifest["input"]["mean"], dtype=np.float32)
        self.std = np.array(manifest["input"]["std"], dtype=np.float32)

    def load(self, path):
        bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
        rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
        resized = cv2.resize(rgb, self.size, interpolation=cv2.INTER_AREA)
        tensor = (resized.astype(np.float32) / 255.0 - self.mean) / self.std
        return rgb, torch.from_numpy(tensor).permute(2, 0, 1).unsqueeze(0)

    @torch.no_grad()
    def forward(self, tensor):
        return self.module(tensor)

    @torch.no_grad()
    def features(self, outputs):
        """Unit-length patch embeddings [h * w, C] on the first layer's grid."""
        maps = [outputs[i] for i in self.layers]
        height, width = maps[0].shape[-2:]
        pooled = [F.avg_pool2d(m, 3, stride=1, padding=1, count_include_pad=False) for m in maps]
        aligned = [F.interpolate(m, size=(height, width), mode="bilinear", align_corners=False) for m in pooled]
        combined = torch.cat(aligned, dim=1)[0].permute(1, 2, 0).reshape(height * width, -1)
        return F.normalize(combined, dim=1), (height, width)


def score_part(encoder, bank, path, sigma, times):
    start = time.perf_counter()
    rgb, tensor = encoder.load(path)
    forward_start = time.perf_counter()
    outputs = encoder.forward(tensor)
    times["forward"].append(time.perf_counter() - forward_start)
    patches, grid = encoder.features(outputs)
    with torch.no_grad():
        similarity = torch.matmul(patches, bank.T).max(dim=1).values
        patch_scores = (1.0 - similarity) / 2.0
        top = max(1, math.ceil(0.01 * patch_scores.numel()))
        image_score = patch_scores.topk(top).values.mean().item()
        grid_scores = patch_scores.reshape(1, 1, *grid)
        upsampled = F.interpolate(grid_scores, size=encoder.size[::-1], mode="bilinear", align_corners=False)
    smoothed = cv2.GaussianBlur(upsampled[0, 0].numpy(), (0, 0), sigma, borderType=cv2.BORDER_REFLECT_101)
    anomaly_map = cv2.resize(smoothed, (rgb.shape[1], rgb.shape[0]), interpolation=cv2.INTER_LINEAR)
    times["part"].append(time.perf_counter() - start)
    return image_score, anomaly_map


def main():
    arguments = parse_arguments()
    torch.set_num_threads(arguments.threads)
    encoder = Encoder(arguments.model)
    times = {"forward": [], "part": []}

    setup_start = time.perf_counter()
    references = [encoder.features(encoder.forward(encoder.load(p)[1]))[0]
                  for p in first_images(arguments.references, arguments.k)]
    bank = torch.cat(references, dim=0)
    setup_seconds = time.perf_counter() - setup_start
    times["forward"].clear()

    scores = [score_part(encoder, bank, path, arguments.sigma, times)[0]
              for path in first_images(arguments.lot, arguments.parts)]
    # The mean, as the C++ lot reports it: elapsed time over parts scored.
    part_ms = 1000.0 * float(np.mean(times["part"]))
    result = {
        "parts": len(scores),
        "threads": torch.get_num_threads(),
        "setup_s": setup_seconds,
        "ms_per_part": part_ms,
        "median_ms_per_part": 1000.0 * float(np.median(times["part"])),
        "parts_per_s": 1000.0 / part_ms,
        "forward_ms": 1000.0 * float(np.median(times["forward"])),
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        "mean_image_score": float(np.mean(scores)),
    }
    print("RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
