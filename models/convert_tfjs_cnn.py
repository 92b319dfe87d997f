#!/usr/bin/python3
"""Converts a Keras CNN exported by tfjs/export_tfjs.mjs into a TorchScript
encoder module plus its manifest (models/README.md).

The torch module is built from the Keras topology itself (a layer graph
interpreter, traced into a flat TorchScript graph), so the same code serves
MobileNetV2 and InceptionV3. Supported Keras layers: InputLayer,
ZeroPadding2D, Conv2D, DepthwiseConv2D, BatchNormalization, ReLU,
Activation, Add, Concatenate, MaxPooling2D, AveragePooling2D.

Keras semantics kept:
- padding "valid": none; "same" at stride 1: (k-1)*d split with the extra
  pixel at the bottom/right, as TF does; explicit ZeroPadding2D as given
  (Keras MobileNetV2 pads ((0,1),(0,1)) before its stride-2 depthwise
  convolutions, i.e. TF "same" for even sizes: more at bottom/right).
- BatchNormalization with the layer's epsilon (1e-3 here) and its
  scale/center flags (InceptionV3: scale=False, so gamma = 1); folded into
  the preceding convolution when that convolution feeds nothing else.
- ReLU with max_value (ReLU6), average pooling with "same" padding counts
  only the pixels inside the image (count_include_pad=False), as TF does.

Every exported layer is compared with the tfjs-backend-cpu reference at every
exported size, before and after saving; the conversion fails unless each
cosine similarity reaches --min-cosine.

usage: /usr/bin/python3 convert_tfjs_cnn.py --encoder mobilenet_v2 \
           --work WORK/mobilenet_v2 --out OUTDIR/mobilenet_v2
"""

import argparse
import datetime
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import encoder_tools as tools  # noqa: E402
from encoder_tools import EncoderError  # noqa: E402


def _pair(value):
    if isinstance(value, int):
        return (value, value)
    return tuple(int(v) for v in value)


def _same_padding(kernel, dilation):
    """TF "same" padding at stride 1: (top, bottom), (left, right)."""
    pads = []
    for k, d in zip(kernel, dilation):
        total = (k - 1) * d
        pads.append((total // 2, total - total // 2))
    return pads


class Conv(nn.Module):
    """Conv2D / DepthwiseConv2D with optional folded BatchNorm and padding."""

    def __init__(self, weight, bias, stride, dilation, groups, pads, activation):
        super().__init__()
        self.weight = nn.Parameter(weight, requires_grad=False)
        self.bias = nn.Parameter(bias, requires_grad=False) if bias is not None else None
        self.stride = stride
        self.dilation = dilation
        self.groups = groups
        (top, bottom), (left, right) = pads
        if top == bottom and left == right:
            self.conv_padding = (top, left)
            self.extra_pad = None
        else:
            self.conv_padding = (0, 0)
            self.extra_pad = (left, right, top, bottom)
        self.activation = activation

    def forward(self, x):
        if self.extra_pad is not None:
            x = F.pad(x, self.extra_pad)
        x = F.conv2d(x, self.weight, self.bias, self.stride, self.conv_padding, self.dilation, self.groups)
        return _activate(x, self.activation)


def _activate(x, activation):
    if activation == "linear":
        return x
    if activation == "relu":
        return F.relu(x)
    if activation == "relu6":
        return torch.clamp(x, 0.0, 6.0)
    if activation == "sigmoid":
        return torch.sigmoid(x)
    if activation == "tanh":
        return torch.tanh(x)
    raise EncoderError(f"activation {activation!r} is not supported")


class Affine(nn.Module):
    """A BatchNormalization that could not be folded: x * a + b per channel."""

    def __init__(self, scale, shift):
        super().__init__()
        self.scale = nn.Parameter(scale.reshape(1, -1, 1, 1), requires_grad=False)
        self.shift = nn.Parameter(shift.reshape(1, -1, 1, 1), requires_grad=False)

    def forward(self, x):
        return x * self.scale + self.shift


class Clamp(nn.Module):
    def __init__(self, max_value):
        super().__init__()
        self.max_value = max_value

    def forward(self, x):
        if self.max_value is None:
            return F.relu(x)
        return torch.clamp(x, 0.0, self.max_value)


class Activation(nn.Module):
    def __init__(self, activation):
        super().__init__()
        self.activation = activation

    def forward(self, x):
        return _activate(x, self.activation)


class ZeroPad(nn.Module):
    def __init__(self, pads):
        super().__init__()
        (top, bottom), (left, right) = pads
        self.pads = (left, right, top, bottom)

    def forward(self, x):
        return F.pad(x, self.pads)


class Pool(nn.Module):
    def __init__(self, kind, kernel, stride, padding):
        super().__init__()
        self.kind = kind
        self.kernel = kernel
        self.stride = stride
        self.padding = padding

    def forward(self, x):
        if self.kind == "max":
            return F.max_pool2d(x, self.kernel, self.stride, self.padding)
        return F.avg_pool2d(x, self.kernel, self.stride, self.padding, count_include_pad=False)


class Add(nn.Module):
    def forward(self, *inputs):
        total = inputs[0]
        for other in inputs[1:]:
            total = total + other
        return total


class Concat(nn.Module):
    def forward(self, *inputs):
        return torch.cat(inputs, dim=1)


class KerasCnn(nn.Module):
    """Runs the layer graph in topological order and returns the requested
    layers as a list. Tracing turns this into a flat TorchScript graph."""

    def __init__(self, input_name, plan, modules, outputs):
        super().__init__()
        self.input_name = input_name
        self.plan = plan  # [(output name, module key, [input names])]
        self.layers = nn.ModuleDict(modules)
        self.outputs = outputs

    def forward(self, x):
        values = {self.input_name: x}
        for name, key, inputs in self.plan:
            values[name] = self.layers[key](*[values[i] for i in inputs])
        return [values[name] for name in self.outputs]


def build_module(topology, weights, outputs, log=print):
    """Builds KerasCnn for OUTPUTS from the Keras topology and the float32
    weights {"layer/weight": array}. Returns (module, strides)."""
    config = topology["model_config"]["config"]
    layers = {layer["name"]: layer for layer in config["layers"]}
    order = [layer["name"] for layer in config["layers"]]

    def inputs_of(name):
        nodes = layers[name]["inbound_nodes"]
        if len(nodes) > 1:
            raise EncoderError(f"layer {name} is shared; not supported")
        return [inbound[0] for inbound in nodes[0]] if nodes else []

    needed = set()
    stack = list(outputs)
    while stack:
        name = stack.pop()
        if name not in layers:
            raise EncoderError(f"layer {name} is not in the topology")
        if name not in needed:
            needed.add(name)
            stack.extend(inputs_of(name))
    consumers = {name: [] for name in needed}
    for name in needed:
        for source in inputs_of(name):
            consumers[source].append(name)

    def weight(name, shape=None):
        if name not in weights:
            raise EncoderError(f"weight {name} missing from the export")
        array = weights[name]
        if shape is not None and tuple(array.shape) != tuple(shape):
            raise EncoderError(f"weight {name} has shape {array.shape}, expected {shape}")
        return torch.from_numpy(np.array(array, dtype=np.float32))

    def batchnorm_affine(name, channels):
        cfg = layers[name]["config"]
        axis = cfg.get("axis", -1)
        axis = axis[0] if isinstance(axis, list) and len(axis) == 1 else axis
        if axis not in (-1, 3):
            raise EncoderError(f"{name}: BatchNormalization over axis {axis} is not supported")
        eps = float(cfg["epsilon"])
        mean = weight(f"{name}/moving_mean", (channels,)).double()
        var = weight(f"{name}/moving_variance", (channels,)).double()
        gamma = weight(f"{name}/gamma", (channels,)).double() if cfg.get("scale", True) else torch.ones(channels, dtype=torch.float64)
        beta = weight(f"{name}/beta", (channels,)).double() if cfg.get("center", True) else torch.zeros(channels, dtype=torch.float64)
        scale = gamma / torch.sqrt(var + eps)
        return scale, beta - mean * scale

    input_name = None
    plan, modules, strides, channels = [], {}, {}, {}
    folded = {}  # conv name -> batchnorm name that absorbed it
    for name in order:
        if name not in needed:
            continue
        layer = layers[name]
        kind, cfg, srcs = layer["class_name"], layer["config"], inputs_of(name)
        if kind == "InputLayer":
            if input_name is not None:
                raise EncoderError("models with several inputs are not supported")
            input_name = name
            shape = cfg["batch_input_shape"]
            if len(shape) != 4:
                raise EncoderError("the input must be an image batch [N, H, W, C]")
            strides[name], channels[name] = 1, shape[3]
            continue
        if cfg.get("data_format", "channels_last") != "channels_last":
            raise EncoderError(f"{name}: only channels_last models are supported")
        in_stride = max(strides[s] for s in srcs)
        in_channels = channels[srcs[0]]
        if kind in ("Conv2D", "DepthwiseConv2D"):
            kernel, stride, dilation = _pair(cfg["kernel_size"]), _pair(cfg["strides"]), _pair(cfg.get("dilation_rate", 1))
            if cfg["padding"] == "valid":
                pads = ((0, 0), (0, 0))
            elif cfg["padding"] == "same" and stride == (1, 1):
                pads = _same_padding(kernel, dilation)
            else:
                raise EncoderError(f"{name}: padding {cfg['padding']!r} with stride {stride} is not supported")
            if kind == "Conv2D":
                out_channels = int(cfg["filters"])
                w = weight(f"{name}/kernel", kernel + (in_channels, out_channels)).permute(3, 2, 0, 1).double()
                groups = 1
            else:
                multiplier = int(cfg.get("depth_multiplier", 1))
                out_channels = in_channels * multiplier
                w = weight(f"{name}/depthwise_kernel", kernel + (in_channels, multiplier))
                w = w.permute(2, 3, 0, 1).reshape(out_channels, 1, kernel[0], kernel[1]).double()
                groups = in_channels
            bias = weight(f"{name}/bias", (out_channels,)).double() if cfg.get("use_bias", True) else None
            activation = cfg.get("activation", "linear")
            # Fold a following BatchNormalization when it is the only consumer.
            nexts = consumers[name]
            if (activation == "linear" and name not in outputs and len(nexts) == 1
                    and layers[nexts[0]]["class_name"] == "BatchNormalization"):
                bn = nexts[0]
                scale, shift = batchnorm_affine(bn, out_channels)
                w = w * scale.reshape(-1, 1, 1, 1)
                bias = shift + (bias * scale if bias is not None else 0)
                folded[bn] = name
                out_name = None  # emitted when the BN layer comes up
            else:
                out_name = name
            module = Conv(w.float(), bias.float() if bias is not None else None, stride, dilation, groups, pads, activation)
            modules[name] = module
            strides[name] = in_stride * stride[0]
            channels[name] = out_channels
            if stride[0] != stride[1]:
                raise EncoderError(f"{name}: unequal strides are not supported")
            if out_name is not None:
                plan.append((name, name, srcs))
            continue
        if kind == "BatchNormalization":
            if name in folded:
                conv = folded[name]
                plan.append((name, conv, inputs_of(conv)))
            else:
                scale, shift = batchnorm_affine(name, in_channels)
                modules[name] = Affine(scale.float(), shift.float())
                plan.append((name, name, srcs))
            strides[name], channels[name] = in_stride, in_channels
            continue
        if kind == "ReLU":
            if float(cfg.get("negative_slope", 0) or 0) != 0 or float(cfg.get("threshold", 0) or 0) != 0:
                raise EncoderError(f"{name}: ReLU with negative_slope/threshold is not supported")
            max_value = cfg.get("max_value")
            modules[name] = Clamp(None if max_value is None else float(max_value))
        elif kind == "Activation":
            _activate(torch.zeros(1), cfg["activation"])  # raises when unsupported
            modules[name] = Activation(cfg["activation"])
        elif kind == "ZeroPadding2D":
            padding = cfg["padding"]
            if isinstance(padding, int):
                pads = ((padding, padding), (padding, padding))
            elif all(isinstance(p, int) for p in padding):
                pads = ((padding[0], padding[0]), (padding[1], padding[1]))
            else:
                pads = tuple(tuple(p) for p in padding)
            modules[name] = ZeroPad(pads)
        elif kind in ("MaxPooling2D", "AveragePooling2D"):
            pool, stride = _pair(cfg["pool_size"]), _pair(cfg["strides"] or cfg["pool_size"])
            if cfg["padding"] == "valid":
                padding = (0, 0)
            elif cfg["padding"] == "same" and stride == (1, 1) and all(k % 2 == 1 for k in pool):
                padding = (pool[0] // 2, pool[1] // 2)
            else:
                raise EncoderError(f"{name}: pooling padding {cfg['padding']!r} with stride {stride} is not supported")
            if stride[0] != stride[1]:
                raise EncoderError(f"{name}: unequal strides are not supported")
            modules[name] = Pool("max" if kind == "MaxPooling2D" else "avg", pool, stride, padding)
            strides[name], channels[name] = in_stride * stride[0], in_channels
            plan.append((name, name, srcs))
            continue
        elif kind == "Add":
            if len({channels[s] for s in srcs}) != 1:
                raise EncoderError(f"{name}: inputs differ in channels")
            modules[name] = Add()
        elif kind == "Concatenate":
            if cfg.get("axis", -1) not in (-1, 3):
                raise EncoderError(f"{name}: concatenation over axis {cfg.get('axis')} is not supported")
            modules[name] = Concat()
            strides[name], channels[name] = in_stride, sum(channels[s] for s in srcs)
            plan.append((name, name, srcs))
            continue
        else:
            raise EncoderError(f"{name}: Keras layer {kind} is not supported (leave the classifier head out)")
        strides[name], channels[name] = in_stride, in_channels
        plan.append((name, name, srcs))
    if input_name is None:
        raise EncoderError("the topology has no InputLayer")
    # Every module in `modules` is used by exactly one plan entry.
    used = {key for _, key, _ in plan}
    modules = {key: module for key, module in modules.items() if key in used}
    log(f"built {len(plan)} steps ({len(folded)} BatchNorm layers folded into convolutions)")
    model = KerasCnn(input_name, plan, modules, list(outputs)).eval()
    for parameter in model.parameters():
        parameter.requires_grad_(False)
    return model, {name: strides[name] for name in outputs}, {name: channels[name] for name in outputs}


def nhwc_to_nchw(array):
    return torch.from_numpy(np.ascontiguousarray(np.transpose(array, (0, 3, 1, 2))))


def check_outputs(stage, results, references, outputs, min_cosine, log, verbose=True):
    """Compares module outputs with the references; returns (rows, failures).
    Prints a line per layer (verbose, or on failure) or one summary line."""
    rows, failures = [], []
    for name, actual in zip(outputs, results):
        expected = references[name]
        if tuple(actual.shape) != tuple(expected.shape):
            failures.append(f"{stage}: layer {name} has shape {tuple(actual.shape)}, reference {tuple(expected.shape)}")
            continue
        stats = tools.compare(actual.numpy(), expected)
        rows.append({"layer": name, "shape": list(actual.shape), **stats})
        ok = stats["cosine"] >= min_cosine
        if verbose or not ok:
            log(f"  {name:<24} {str(list(actual.shape)):<20} cosine {stats['cosine']:.10f} (1-cos {1 - stats['cosine']:.1e})  "
                f"max abs diff {stats['max_abs_diff']:.2e} (max |ref| {stats['max_abs_reference']:.3g})  "
                f"min patch cosine {stats['min_patch_cosine']:.7f}{'' if ok else '  FAIL'}")
        if not ok:
            failures.append(f"{stage}: layer {name} cosine {stats['cosine']:.8f} < {min_cosine}")
    if not verbose and rows:
        worst = min(rows, key=lambda row: row["cosine"])
        log(f"  {len(rows)} layers, lowest cosine {worst['cosine']:.10f} ({worst['layer']}), "
            f"largest max abs diff {max(row['max_abs_diff'] for row in rows):.2e}")
    return rows, failures


def find_min_size(model, size_multiple, limit=1024):
    """Smallest square input (a multiple of size_multiple) that every output
    survives with at least one pixel."""
    with torch.no_grad():
        size = size_multiple
        while size <= limit:
            try:
                results = model(torch.zeros(1, 3, size, size))
                if all(r.shape[2] >= 1 and r.shape[3] >= 1 for r in results):
                    return size
            except RuntimeError:
                pass
            size += size_multiple
    raise EncoderError(f"no input size up to {limit} works")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--encoder", required=True, help="key in encoders.json (mobilenet_v2, inception_v3)")
    parser.add_argument("--work", required=True, help="folder written by tfjs/export_tfjs.mjs")
    parser.add_argument("--out", required=True, help="model folder to write (module, manifest, verification)")
    parser.add_argument("--config", default=tools.CONFIG_FILE)
    parser.add_argument("--layers", default="", help="comma-separated Keras layer names to export (default: encoders.json); the export must hold them")
    parser.add_argument("--default-layers", default="", help="comma-separated default_layers for the manifest (default: encoders.json)")
    parser.add_argument("--min-cosine", type=float, default=tools.DEFAULT_MIN_COSINE)
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    args = parser.parse_args(argv)
    started = time.time()
    log = lambda text: print(text, flush=True)
    if args.threads > 0:
        torch.set_num_threads(args.threads)

    config = tools.load_config(args.config)
    if args.encoder not in config["encoders"]:
        raise EncoderError(f"unknown encoder {args.encoder}; known: {', '.join(config['encoders'])}")
    spec = config["encoders"][args.encoder]
    with open(os.path.join(args.work, "export.json"), encoding="utf-8") as handle:
        export = json.load(handle)
    with open(os.path.join(args.work, "topology.json"), encoding="utf-8") as handle:
        topology = json.load(handle)
    split = lambda text: [s for s in text.split(",") if s]
    outputs = split(args.layers) or spec["layers"]
    missing = [name for name in outputs if name not in export["outputs"]]
    if missing:
        raise EncoderError(f"the export in {args.work} lacks {', '.join(missing)}: rerun export_tfjs.mjs with the same --layers")
    order = [layer["name"] for layer in topology["model_config"]["config"]["layers"]]
    outputs = sorted(outputs, key=order.index)  # manifest order = topological order
    default_layers = split(args.default_layers) or spec["default_layers"]
    bad = [name for name in default_layers if name not in outputs]
    if bad:
        raise EncoderError(f"default layers {', '.join(bad)} are not among the exported layers {', '.join(outputs)}")
    global_embedding = spec.get("global_embedding")
    if global_embedding is not None and global_embedding not in outputs:
        raise EncoderError(f"global_embedding {global_embedding} is not exported")

    _, weights = tools.read_tensor_file(os.path.join(args.work, "weights"))
    model, strides, channels = build_module(topology, weights, outputs, log)

    inp = dict(spec["input"])
    topo_shape = export["input_shape"]
    if [topo_shape[1], topo_shape[2]] != [inp["height"], inp["width"]]:
        raise EncoderError(f"encoders.json says {inp['height']}x{inp['width']}, the topology {topo_shape[1]}x{topo_shape[2]}")

    # 1. Eager module against tfjs, every exported size.
    references, failures, results = {}, [], []
    min_cosine_seen = 1.0
    sizes = []
    for ref in export["references"]:
        header, tensors = tools.read_tensor_file(os.path.join(args.work, ref["file"]))
        h, w = header["height"], header["width"]
        sizes.append([h, w])
        refs = {name: np.ascontiguousarray(np.transpose(tensors[name], (0, 3, 1, 2))) for name in outputs}
        x = nhwc_to_nchw(tensors["input"])
        references[(h, w)] = (x, refs)
        with torch.no_grad():
            got = model(x)
        log(f"{args.encoder} {h}x{w}: eager torch module vs tfjs-backend-cpu {export['tfjs']['tfjs-backend-cpu']}")
        rows, fails = check_outputs(f"eager {h}x{w}", got, refs, outputs, args.min_cosine, log, verbose=False)
        failures += fails
        results.append({"size": [h, w], "stage": "eager", "layers": rows})
    if failures:
        raise EncoderError("verification failed before saving:\n  " + "\n  ".join(failures))

    # 2. Trace at the default size, save, load back, compare at every size.
    os.makedirs(args.out, exist_ok=True)
    module_file = f"{args.encoder}.pt"
    module_path = os.path.join(args.out, module_file)
    example = torch.rand(1, 3, inp["height"], inp["width"], generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        traced = torch.jit.trace(model, example, strict=False, check_trace=False)
    torch.jit.save(traced, module_path + ".tmp")
    tools.strip_debug_records(module_path + ".tmp")
    os.replace(module_path + ".tmp", module_path)
    loaded = torch.jit.load(module_path, map_location="cpu").eval()
    schema = str(loaded.forward.schema)
    if not schema.endswith("-> Tensor[]"):
        raise EncoderError(f"saved module's forward returns {schema.split('->')[-1].strip()}, expected Tensor[] (List[Tensor])")
    for (h, w), (x, refs) in references.items():
        with torch.no_grad():
            got = loaded(x)
            eager = model(x)
        if not isinstance(got, list) or len(got) != len(outputs):
            raise EncoderError(f"saved module returned {type(got).__name__} of {len(got)} items, expected a list of {len(outputs)}")
        log(f"{args.encoder} {h}x{w}: saved TorchScript module vs tfjs-backend-cpu {export['tfjs']['tfjs-backend-cpu']}")
        rows, fails = check_outputs(f"saved module {h}x{w}", got, refs, outputs, args.min_cosine, log)
        failures += fails
        for name, a, b in zip(outputs, got, eager):
            if not torch.allclose(a, b, rtol=1e-4, atol=1e-5):
                failures.append(f"saved module {h}x{w}: layer {name} differs from the eager module")
        for row in rows:
            min_cosine_seen = min(min_cosine_seen, row["cosine"])
        results.append({"size": [h, w], "stage": "torchscript", "layers": rows})
    if failures:
        os.remove(module_path)
        raise EncoderError("verification of the saved module failed:\n  " + "\n  ".join(failures))

    inp["min_width"] = inp["min_height"] = find_min_size(loaded, inp["size_multiple"])
    with torch.no_grad():
        default_shapes = {name: list(t.shape) for name, t in zip(outputs, loaded(torch.zeros(1, 3, inp["height"], inp["width"])))}

    # 3. Reference data for verify_encoder.py (NCHW, exactly what was compared).
    arrays = {}
    for (h, w), (x, refs) in references.items():
        arrays[f"{h}x{w}__input"] = x.numpy()
        for name in outputs:
            arrays[f"{h}x{w}__{name}"] = refs[name]
    reference_path = os.path.join(args.out, "reference.npz")
    np.savez_compressed(reference_path + ".tmp.npz", **arrays)
    os.replace(reference_path + ".tmp.npz", reference_path)

    backend = f"tfjs-backend-cpu {export['tfjs']['tfjs-backend-cpu']}"
    manifest = {
        "format": tools.FORMAT,
        "format_version": tools.FORMAT_VERSION,
        "name": spec["name"],
        "display_name": spec["display_name"],
        "source": {
            "package": export["source"]["package"],
            "licence": config["source_licence"],
            "origin": spec["origin"],
        },
        "architecture": {"kind": "cnn", "family": spec["family"]},
        "module_file": module_file,
        "module_sha256": tools.sha256_file(module_path),
        "input": inp,
        "outputs": [{"name": name, "stride": int(strides[name]), "channels": int(channels[name])} for name in outputs],
        "default_layers": default_layers,
        "global_embedding": global_embedding,
        "attention": False,
        "prefix_tokens": 0,
        "register_tokens": 0,
        "verification": {
            "reference": backend,
            "min_cosine": min_cosine_seen,
            "threshold": args.min_cosine,
            "sizes": sizes,
        },
        "converter_version": tools.CONVERTER_VERSION,
    }
    for name in outputs:
        shape = default_shapes[name]
        if shape[1] != channels[name]:
            raise EncoderError(f"layer {name}: {shape[1]} channels, topology says {channels[name]}")
    problems = tools.check_manifest(manifest, args.out)
    if problems:
        raise EncoderError("manifest check failed: " + "; ".join(problems))
    verification = {
        "passed": True,
        "reference": backend,
        "tfjs": export["tfjs"],
        "source": export["source"],
        "torch": torch.__version__,
        "threshold": args.min_cosine,
        "min_cosine": min_cosine_seen,
        "measure": "cosine similarity of the whole flattened [1, C, h, w] map; min_patch_cosine is the lowest cosine of any spatial position's C-vector (informative)",
        "module_sha256": manifest["module_sha256"],
        "reference_file": "reference.npz",
        "reference_sha256": tools.sha256_file(reference_path),
        "default_grid": {name: default_shapes[name][2:] for name in outputs},
        "results": results,
        "converted_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "seconds": round(time.time() - started, 1),
    }
    tools.dump_json(verification, os.path.join(args.out, "verification.json"))
    tools.dump_json(manifest, os.path.join(args.out, "manifest.json"))  # last: marks the folder complete
    log(f"wrote {args.out}: {module_file} ({os.path.getsize(module_path) / 1e6:.1f} MB), manifest.json, verification.json, "
        f"reference.npz; lowest cosine {min_cosine_seen:.10f} (threshold {args.min_cosine}); {time.time() - started:.1f} s")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except EncoderError as error:
        print(f"convert_tfjs_cnn: error: {error}", file=sys.stderr)
        sys.exit(1)
