/**
 * One DSM training step (VP SDE) of the bench/trainStep.ts MLP in TensorFlow.js with the
 * WebAssembly backend (its .wasm files ship inside @tensorflow/tfjs-backend-wasm), float32,
 * written with tfjs-core ops and tf.train.adam (no layers package).
 *
 * Reads the weights and batch from the JSON file trainStep.ts writes and prints one JSON line:
 * the loss at step 0, the median and minimum milliseconds per step (forward + backward + Adam).
 * Usage: node bin/run-ts.mjs bench/train_tfjs.ts BATCH.json STEPS
 */
import { readFileSync } from 'node:fs';
import { register } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';

/*
 * Gradients: tfjs-core's Node bundle has no gradient functions; the union package @tensorflow/tfjs
 * adds them from tfjs-core's ES modules (dist/register_all_gradients.js). Those use extensionless
 * imports ('../ops/mul') that only bundlers resolve, and '../gradients' is both a file and a
 * folder, so Node picks the folder and fails. This resolve hook tries `<specifier>.js` first for
 * relative imports inside tfjs-core's dist. The engine and the registries are process-wide
 * globals in tfjs, so gradients registered from that copy serve the Node bundle's engine.
 */
const hook = `
export async function resolve(specifier, context, next) {
  if (specifier.startsWith('.') && context.parentURL?.includes('/@tensorflow/tfjs-core/dist/') && !specifier.endsWith('.js')) {
    try { return await next(specifier + '.js', context); } catch { /* not a file: fall through */ }
  }
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);
await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');

interface BatchFile {
  layers: number;
  batch: number;
  dim: number;
  lr: number;
  betaMin: number;
  betaMax: number;
  weights: Record<string, number[]>;
  shapes: Record<string, number[]>;
  x0: number[];
  t: number[];
  z: number[];
}

const [path, stepsArg] = process.argv.slice(2);
const spec = JSON.parse(readFileSync(path, 'utf8')) as BatchFile;
const steps = Number(stepsArg ?? 60);
await tf.setBackend('wasm');
await tf.ready();

const B = spec.batch;
// Weights stored [out, in] like PyTorch; tfjs computes x·Wᵀ with matMul(x, W, false, true).
const vars: tf.Variable[] = [];
for (let l = 1; l <= spec.layers; l++) {
  vars.push(tf.variable(tf.tensor2d(spec.weights[`W${l}`], spec.shapes[`W${l}`] as [number, number])));
  vars.push(tf.variable(tf.tensor1d(spec.weights[`b${l}`])));
}
const x0 = tf.tensor2d(spec.x0, [B, spec.dim]);
const t = tf.tensor2d(spec.t, [B, 1]);
const z = tf.tensor2d(spec.z, [B, spec.dim]);

function dsmLoss(): tf.Scalar {
  const bigB = tf.mul(t, tf.add(spec.betaMin, tf.mul(0.5 * (spec.betaMax - spec.betaMin), t)));
  const alpha = tf.exp(tf.mul(-0.5, bigB));
  const sigma = tf.sqrt(tf.sub(1, tf.mul(alpha, alpha)));
  const xt = tf.add(tf.mul(alpha, x0), tf.mul(sigma, z));
  let h: tf.Tensor = tf.concat([xt, t], 1);
  for (let l = 0; l < spec.layers; l++) {
    h = tf.add(tf.matMul(h, vars[2 * l], false, true), vars[2 * l + 1]);
    if (l < spec.layers - 1) h = tf.mul(h, tf.sigmoid(h));
  }
  const r = tf.add(tf.mul(sigma, h), z);
  return tf.mean(tf.mul(0.5, tf.sum(tf.mul(r, r), 1)));
}

const optimizer = tf.train.adam(spec.lr, 0.9, 0.999, 1e-8);
const loss0 = tf.tidy(() => dsmLoss().dataSync()[0]);
const step = () => {
  const cost = optimizer.minimize(dsmLoss, true, vars);
  cost?.dataSync();
  cost?.dispose();
};
for (let i = 0; i < 20; i++) step();
const times: number[] = [];
for (let i = 0; i < steps; i++) {
  const start = performance.now();
  step();
  times.push(performance.now() - start);
}
times.sort((a, b) => a - b);
const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
console.log(JSON.stringify({ loss0, median: times[times.length >> 1], min: times[0], simd, threads, version: tf.version_core }));
