// Exports one nsfwjs Keras model for models/convert_tfjs_cnn.py:
//   - the Keras topology (topology.json),
//   - the dequantised float32 weights of the layers the exported outputs need
//     (weights.json: name, shape, offset; weights.bin: little-endian float32),
//   - reference activations computed by tfjs-layers on the pure-JS CPU
//     backend for a fixed, deterministic input at every requested size
//     (reference_<H>x<W>.json / .bin, NHWC float32, the input included).
//
// usage: node export_tfjs.mjs --encoder mobilenet_v2 --out WORKDIR
//            [--config ../encoders.json] [--layers a,b,c] [--sizes 224x224,320x320]
//            [--package-dir node_modules/nsfwjs]
//
// The model files are UMD modules (browserify bundles) holding the topology
// and the base64 weight shards. They are evaluated in an empty node:vm
// context where only `module`/`exports` exist, so their CommonJS branch
// hands back the object; nothing of them runs in this process's context.

import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import crypto from 'node:crypto';
import os from 'node:os';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

function fail(message) {
  process.stderr.write(`export_tfjs: ${message}\n`);
  process.exit(1);
}

function parseArgs(argv) {
  const args = { config: path.join(here, '..', 'encoders.json') };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i];
    const value = argv[i + 1];
    if (!key.startsWith('--') || value === undefined) fail(`bad argument ${key}`);
    args[key.slice(2)] = value;
    i++;
  }
  if (!args.encoder || !args.out) {
    fail('usage: node export_tfjs.mjs --encoder NAME --out WORKDIR [--config FILE] [--layers a,b] [--sizes HxW,HxW]');
  }
  return args;
}

// Returns what the module assigns to module.exports, copied through JSON:
// objects made in the sandbox belong to another realm (its Array fails
// `instanceof Array`, which tfjs-layers relies on).
function evaluateUmd(file) {
  const code = fs.readFileSync(file, 'utf8');
  const context = vm.createContext({});
  vm.runInContext('var module = { exports: {} }; var exports = module.exports;', context);
  vm.runInContext(code, context, { filename: file, timeout: 60000 });
  const json = vm.runInContext('JSON.stringify(module.exports)', context);
  return json === undefined ? undefined : JSON.parse(json);
}

function sha256(file) {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

// mulberry32: a small seeded generator, so the input is the same everywhere.
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// The fixed test input, NHWC [1, H, W, 3], values k/255 in [0, 1]: smooth
// colour waves, a few sharp-edged shapes and seeded per-pixel texture.
function makeInput(height, width, seed) {
  const random = mulberry32(seed);
  const data = new Float32Array(height * width * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const u = (x + 0.5) / width;
      const v = (y + 0.5) / height;
      const disc = (u - 0.62) ** 2 + (v - 0.38) ** 2 < 0.03 ? 1 : 0;
      const bar = u > 0.15 && u < 0.35 && v > 0.55 && v < 0.9 ? 1 : 0;
      const stripes = Math.sin(2 * Math.PI * 9 * (u + 0.5 * v)) > 0.6 ? 1 : 0;
      for (let c = 0; c < 3; c++) {
        let value = 0.5
          + 0.22 * Math.sin(2 * Math.PI * (1.3 * u + 0.7 * v) + 1.7 * c)
          + 0.12 * Math.cos(2 * Math.PI * (2.1 * v - 0.9 * u) + 0.6 * c)
          + (c === 0 ? 0.25 : -0.15) * disc
          + (c === 2 ? 0.3 : -0.1) * bar
          + 0.08 * stripes * (c - 1)
          + 0.16 * (random() - 0.5);
        value = Math.min(1, Math.max(0, value));
        data[(y * width + x) * 3 + c] = Math.round(value * 255) / 255;
      }
    }
  }
  return data;
}

// Writes named float32 arrays as NAME.json (index) + NAME.bin (data).
function writeTensorFile(base, entries, extra) {
  const index = [];
  let offset = 0;
  for (const entry of entries) {
    index.push({ name: entry.name, shape: entry.shape, offset, length: entry.data.length });
    offset += entry.data.length;
  }
  const all = new Float32Array(offset);
  for (let i = 0; i < entries.length; i++) all.set(entries[i].data, index[i].offset);
  if (os.endianness() !== 'LE') fail('big-endian hosts are not supported');
  fs.writeFileSync(`${base}.bin`, new Uint8Array(all.buffer));
  fs.writeFileSync(`${base}.json`, JSON.stringify({ ...extra, dtype: 'float32', byte_order: 'little', tensors: index }, null, 1));
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const config = JSON.parse(fs.readFileSync(args.config, 'utf8'));
  const encoder = config.encoders[args.encoder];
  if (!encoder) fail(`unknown encoder ${args.encoder}; known: ${Object.keys(config.encoders).join(', ')}`);
  const layers = args.layers ? args.layers.split(',').filter((s) => s) : encoder.layers;
  const sizes = args.sizes
    ? args.sizes.split(',').map((s) => s.split('x').map((n) => parseInt(n, 10)))
    : encoder.verify_sizes;
  for (const size of sizes) {
    if (size.length !== 2 || !(size[0] > 0) || !(size[1] > 0)) fail(`bad size ${size.join('x')} (expected HxW)`);
  }

  // nsfwjs's "exports" map hides package.json and dist/models, so go by path.
  const packageDir = args['package-dir'] || path.join(here, 'node_modules', config.source_package);
  if (!fs.existsSync(path.join(packageDir, 'package.json'))) {
    fail(`${packageDir} not found: run npm ci --no-audit --no-fund in ${here}`);
  }
  const packageJson = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
  if (packageJson.version !== config.source_version) {
    fail(`${config.source_package} ${packageJson.version} installed, ${config.source_version} expected (run npm ci in models/tfjs)`);
  }

  // Pure-JS CPU backend only: no native bindings, same numbers everywhere.
  const tf = require('@tensorflow/tfjs-core');
  require('@tensorflow/tfjs-backend-cpu');
  const tfl = require('@tensorflow/tfjs-layers');
  tf.enableProdMode(); // silences the "install tfjs-node" banner
  await tf.setBackend('cpu');
  await tf.ready();
  const versions = {
    'tfjs-core': require('@tensorflow/tfjs-core/package.json').version,
    'tfjs-layers': require('@tensorflow/tfjs-layers/package.json').version,
    'tfjs-backend-cpu': require('@tensorflow/tfjs-backend-cpu/package.json').version,
  };

  const modelDir = path.join(packageDir, encoder.model_dir);
  const modelFile = path.join(modelDir, 'model.min.js');
  const model = evaluateUmd(modelFile);
  if (!model || !model.modelTopology || !model.weightsManifest) fail(`${modelFile} does not export {modelTopology, weightsManifest}`);
  const topology = model.modelTopology;
  const files = { 'model.min.js': sha256(modelFile) };

  // Weight shards: each UMD module exports the base64 text of one .bin shard.
  const specs = [];
  const shards = [];
  for (const group of model.weightsManifest) {
    for (const shardPath of group.paths) {
      const shardFile = path.join(modelDir, `${shardPath}.min.js`);
      const shard = evaluateUmd(shardFile);
      if (typeof shard !== 'string') fail(`${shardFile} does not export a base64 string`);
      shards.push(Buffer.from(shard, 'base64'));
      files[`${shardPath}.min.js`] = sha256(shardFile);
    }
    specs.push(...group.weights);
  }
  const allBytes = Buffer.concat(shards);
  const weightData = allBytes.buffer.slice(allBytes.byteOffset, allBytes.byteOffset + allBytes.byteLength);
  // tfjs's own decoder: uint8 values become v * scale + min in float32.
  const decoded = tf.io.decodeWeights(weightData, specs);

  // Keep only the layers that the requested outputs depend on.
  const modelConfig = topology.model_config.config;
  const byName = new Map(modelConfig.layers.map((layer) => [layer.name, layer]));
  for (const name of layers) {
    if (!byName.has(name)) fail(`layer ${name} is not in the ${args.encoder} topology`);
  }
  const needed = new Set();
  const stack = [...layers];
  while (stack.length) {
    const name = stack.pop();
    if (needed.has(name)) continue;
    needed.add(name);
    const layer = byName.get(name);
    if (layer.inbound_nodes.length > 1) fail(`layer ${name} is shared (${layer.inbound_nodes.length} inbound nodes); not supported`);
    for (const node of layer.inbound_nodes) for (const inbound of node) stack.push(inbound[0]);
  }
  const ordered = modelConfig.layers.filter((layer) => needed.has(layer.name)).map((layer) => layer.name);
  const outputs = ordered.filter((name) => layers.includes(name)); // topological order
  if (outputs.length !== layers.length) fail('duplicate layer names in --layers');
  const neededWeights = specs.filter((spec) => needed.has(spec.name.split('/')[0]));

  const weightEntries = neededWeights.map((spec) => ({
    name: spec.name, shape: spec.shape, data: decoded[spec.name].dataSync(),
  }));

  fs.mkdirSync(args.out, { recursive: true });
  fs.writeFileSync(path.join(args.out, 'topology.json'), JSON.stringify(topology, null, 1));
  writeTensorFile(path.join(args.out, 'weights'), weightEntries, { encoder: args.encoder });

  const references = [];
  for (const [height, width] of sizes) {
    const truncated = JSON.parse(JSON.stringify(topology));
    const config2 = truncated.model_config.config;
    config2.layers = config2.layers.filter((layer) => needed.has(layer.name));
    for (const layer of config2.layers) {
      if (layer.class_name === 'InputLayer') layer.config.batch_input_shape = [null, height, width, 3];
    }
    config2.output_layers = outputs.map((name) => [name, 0, 0]);
    delete truncated.training_config;
    const tfModel = await tfl.models.modelFromJSON({ modelTopology: truncated });
    const namedWeights = {};
    for (const spec of neededWeights) namedWeights[spec.name] = decoded[spec.name];
    tfModel.loadWeights(namedWeights, true);

    const seed = 20240611 + height * 10007 + width;
    const inputData = makeInput(height, width, seed);
    const started = Date.now();
    const input = tf.tensor4d(inputData, [1, height, width, 3]);
    let result = tfModel.predict(input);
    if (!Array.isArray(result)) result = [result];
    const entries = [{ name: 'input', shape: [1, height, width, 3], data: inputData }];
    outputs.forEach((name, i) => entries.push({ name, shape: result[i].shape, data: result[i].dataSync() }));
    const seconds = (Date.now() - started) / 1000;
    const base = `reference_${height}x${width}`;
    writeTensorFile(path.join(args.out, base), entries, { height, width, seed, layout: 'NHWC' });
    references.push({ file: base, height, width, seed, seconds });
    input.dispose();
    result.forEach((t) => t.dispose());
    tfModel.dispose();
    process.stdout.write(`export_tfjs: ${args.encoder} ${height}x${width}: ${outputs.map((name, i) => `${name}${JSON.stringify(entries[i + 1].shape)}`).join(' ')} (${seconds.toFixed(1)} s)\n`);
  }

  const summary = {
    encoder: args.encoder,
    source: { package: `${config.source_package}@${packageJson.version}`, files },
    tfjs: versions,
    backend: tf.getBackend(),
    outputs,
    layers_needed: ordered,
    input_shape: topology.model_config.config.layers.find((l) => l.class_name === 'InputLayer').config.batch_input_shape,
    weights: { file: 'weights', count: weightEntries.length },
    references,
  };
  fs.writeFileSync(path.join(args.out, 'export.json'), JSON.stringify(summary, null, 1));
  Object.values(decoded).forEach((t) => t.dispose());
}

main().catch((error) => fail(error && error.stack ? error.stack : String(error)));
