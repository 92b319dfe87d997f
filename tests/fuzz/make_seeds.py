#!/usr/bin/python3
"""Write the seed corpora of the fuzz targets into corpus/<target>/.

Run with Debian's /usr/bin/python3 (python3-opencv, python3-numpy). Seeds are
small valid inputs of every form each parser accepts, plus a few broken ones,
so that the fuzzer starts from deep paths instead of random bytes. The output
is deterministic, so rerunning it leaves committed seeds unchanged.
"""

import json
import os
import struct

import cv2
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def write(target, name, data):
    folder = os.path.join(HERE, "corpus", target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "seed-" + name), "wb") as handle:
        handle.write(data)


def encoded(extension, image, params=()):
    ok, buffer = cv2.imencode(extension, image, list(params))
    assert ok, extension
    return buffer.tobytes()


def exif_app1(orientation, big_endian):
    """An APP1 segment with an EXIF block whose first IFD contains the orientation."""
    order = ">" if big_endian else "<"
    tiff = (b"MM" if big_endian else b"II") + struct.pack(order + "HI", 42, 8)
    tiff += struct.pack(order + "H", 1) + struct.pack(order + "HHIHH", 0x0112, 3, 1, orientation, 0)
    tiff += struct.pack(order + "I", 0)
    payload = b"Exif\0\0" + tiff
    return b"\xFF\xE1" + struct.pack(">H", len(payload) + 2) + payload


def big_endian_tiff(image):
    """An uncompressed 8-bit grey TIFF in Motorola byte order, which OpenCV does not write."""
    height, width = image.shape
    entries = [(256, 3, 1, width), (257, 3, 1, height), (258, 3, 1, 8), (259, 3, 1, 1),
               (262, 3, 1, 1), (273, 4, 1, 0), (277, 3, 1, 1), (278, 3, 1, height),
               (279, 4, 1, width * height)]
    ifd_size = 2 + 12 * len(entries) + 4
    pixels_at = 8 + ifd_size
    data = b"MM" + struct.pack(">HI", 42, 8) + struct.pack(">H", len(entries))
    for tag, kind, count, value in entries:
        value = pixels_at if tag == 273 else value
        if kind == 3:
            data += struct.pack(">HHIHH", tag, kind, count, value, 0)
        else:
            data += struct.pack(">HHII", tag, kind, count, value)
    return data + struct.pack(">I", 0) + image.tobytes()


def image_seeds():
    rng = np.random.default_rng(8)
    colour = rng.integers(0, 256, (8, 12, 3), dtype=np.uint8)
    grey = rng.integers(0, 256, (8, 8), dtype=np.uint8)
    grey16 = rng.integers(0, 65536, (8, 8), dtype=np.uint16)
    rgba = rng.integers(0, 256, (8, 8, 4), dtype=np.uint8)
    jpeg = encoded(".jpg", colour, [cv2.IMWRITE_JPEG_QUALITY, 50])
    seeds = {
        "rgb.png": encoded(".png", colour),
        "grey16.png": encoded(".png", grey16),
        "rgba.png": encoded(".png", rgba),
        "rgb.jpg": jpeg,
        "grey.jpg": encoded(".jpg", grey, [cv2.IMWRITE_JPEG_QUALITY, 50]),
        "progressive.jpg": encoded(".jpg", colour, [cv2.IMWRITE_JPEG_PROGRESSIVE, 1]),
        "exif6-le.jpg": jpeg[:2] + exif_app1(6, False) + jpeg[2:],
        "exif8-be.jpg": jpeg[:2] + exif_app1(8, True) + jpeg[2:],
        "rgb.bmp": encoded(".bmp", colour),
        "grey.bmp": encoded(".bmp", grey),
        "rgb.tif": encoded(".tiff", colour, [cv2.IMWRITE_TIFF_COMPRESSION, 1]),
        "grey16.tif": encoded(".tiff", grey16, [cv2.IMWRITE_TIFF_COMPRESSION, 1]),
        "grey-be.tif": big_endian_tiff(grey),
    }
    seeds["truncated.png"] = seeds["rgb.png"][:-20]
    seeds["truncated.jpg"] = jpeg[: len(jpeg) // 2]
    seeds["gif-magic.bin"] = b"GIF89a\x08\x00\x08\x00"
    return seeds


def manifest_seeds():
    cnn = {
        "format": "patchead-encoder", "format_version": 1, "name": "cnn",
        "source": {"package": "fixture", "licence": "MIT"},
        "architecture": {"kind": "cnn", "family": "resnet"},
        "module_file": "encoder.pt", "module_sha256": "00",
        "input": {"width": 224, "height": 224, "size_multiple": 32, "interpolation": "area",
                  "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]},
        "outputs": [{"name": "layer2", "stride": 8, "channels": 512},
                    {"name": "layer3", "stride": 16, "channels": 1024}],
        "default_layers": ["layer2", "layer3"], "global_embedding": "layer3",
    }
    vit = {
        "format": "patchead-encoder", "format_version": 1, "name": "vit",
        "architecture": {"kind": "vit", "family": "dinov2", "patch_size": 14},
        "module_file": "encoder.pt", "module_sha256": "00",
        "input": {"width": 224, "height": 224, "size_multiple": 14, "interpolation": "bicubic",
                  "mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5]},
        "outputs": [{"name": "block8", "kind": "tokens", "stride": 14, "channels": 384},
                    {"name": "block11", "kind": "tokens", "stride": 14, "channels": 384},
                    {"name": "attention", "kind": "attention", "stride": 14, "channels": 1}],
        "default_layers": ["block8"], "global_embedding": "block11",
        "attention": True, "prefix_tokens": 1, "register_tokens": 4,
    }
    return {
        "cnn.json": json.dumps(cnn, indent=1).encode(),
        "vit.json": json.dumps(vit, indent=1).encode(),
        "missing-module.json": json.dumps(dict(cnn, module_file="absent.pt")).encode(),
        "not-json.json": b"{\"format\": \"patchead-encoder\",",
    }


def settings_seeds():
    defaults = {
        "layers": ["layer2", "layer3"], "resolution": 224, "neighbourhood": 3,
        "image_score": "max", "top_fraction": 0.01, "alignment": "off", "rotation_step": 90,
        "flips": False, "map_sigma": 4.0, "review_quantile": 1.0, "reject_margin": 0.1,
        "fixed_reject_threshold": 0.0, "fixed_review_threshold": 0.0, "keep_aspect": False,
        "mask": {"source": "none", "background_weight": 0.5, "pca_threshold": 0.0,
                 "attention_threshold": 0.5, "ignore_regions": [], "mask_image": ""},
        "zero_shot": {"enabled": False, "rule": "musc", "smallest_fraction": 0.3,
                      "pooled_quantile": 0.001, "neighbourhoods": [1, 3],
                      "review_spread": 3.0, "reject_spread": 5.0},
    }
    regions = json.loads(json.dumps(defaults))
    regions["mask"].update({"source": "region", "region_of_interest": [10, 20, 100, 80],
                            "ignore_regions": [[0, 0, 5, 5], [50, 50, 10, 10]]})
    regions.update({"alignment": "auto", "rotation_step": 45, "flips": True,
                    "image_score": "top-fraction-mean", "fixed_reject_threshold": 2.5,
                    "fixed_review_threshold": 2.0})
    return {
        "defaults.json": json.dumps(defaults).encode(),
        "regions.json": json.dumps(regions).encode(),
        "empty.json": b"{}",
        "out-of-range.json": b"{\"neighbourhood\": 4, \"map_sigma\": -1}",
    }


def blob_seeds():
    values = np.array([0.0, 1.5, -2.25, np.inf, np.nan, 1e-40], dtype="<f4")
    return {
        "six-values.bin": struct.pack("<H", len(values)) + values.tobytes(),
        "empty.bin": struct.pack("<H", 0),
        "wrong-size.bin": struct.pack("<H", 3) + values.tobytes()[:10],
    }


def dataset_seeds():
    suffix = "_mask\ntgood1.png\ntgood2.jpg\nggood3.png\ndcrack1.png\ndcrack1_mask.png\ndscratch.jpg\ndscratch_mask.bmp\n"
    mvtec = "_mask\nt000.png\nt001.png\ng000.png\nd000.png\nm000_mask.png\nd001.JPG\nm001_mask.png\n"
    return {
        "suffix.txt": b"\0" + suffix.encode(),
        "mvtec.txt": b"\1" + mvtec.encode(),
        "orphan-mask.txt": b"\0_label\ntgood.png\ndx.png\ndx_label.png\ndy_label.png\n",
        "two-masks.txt": b"\1_mask\nt0.png\nd5.png\nm5_mask.png\nm5_mask.bmp\n",
    }


def main():
    for name, data in image_seeds().items():
        write("image_header", name, data)
        write("image_load", name, data)
    for name, data in manifest_seeds().items():
        write("encoder_manifest", name, data)
    for name, data in settings_seeds().items():
        write("inspection_settings", name, data)
    for name, data in blob_seeds().items():
        write("anomaly_map_blob", name, data)
    for name, data in dataset_seeds().items():
        write("dataset_layout", name, data)


if __name__ == "__main__":
    main()
