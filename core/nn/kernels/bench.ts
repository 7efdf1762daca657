/**
 * Benchmark of the numeric kernels: GEMM GFLOP/s on the shapes of the reference MLP (batch 512,
 * 3 → 128 → 128 → 128 → 2), ns per element of each activation forward and backward, and one
 * whole training step built from the kernels; WebAssembly SIMD against the JavaScript reference.
 *
 *   node bin/run-ts.mjs core/nn/kernels/bench.ts [--quick]
 *
 * Each figure is the best of many ~2 ms timed batches after a warm-up (so V8 has tiered the
 * WebAssembly up to TurboFan): on a shared machine the best batch is the one least disturbed.
 * The training step also shows the median, which includes whatever else the machine runs.
 */
import { allocFilled, seededUniform } from './testing.ts';
import { ACTIVATIONS, type Activation } from './types.ts';
import { KernelWorkspace } from './workspace.ts';

const quick = process.argv.includes('--quick');
const uniform = seededUniform(42);

/** Seconds per call of `run`: the best and the median of `repeats` short timed batches. */
function secondsPerCall(run: () => void, repeats = quick ? 15 : 60): { best: number; median: number } {
  // Warm up (tier-up to TurboFan) and size a batch to ~2 ms: short enough that most batches run
  // undisturbed on a busy machine, long enough for the timer.
  let calls = 0;
  const start = performance.now();
  while (performance.now() - start < (quick ? 100 : 300)) {
    run();
    calls++;
  }
  const batch = Math.max(1, Math.round((calls * 2) / (performance.now() - start)));
  const samples: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) run();
    samples.push((performance.now() - t0) / 1000 / batch);
  }
  samples.sort((x, y) => x - y);
  return { best: samples[0], median: samples[samples.length >> 1] };
}

const simd = KernelWorkspace.create({ simd: true, initialFloats: 1 << 22 });
const js = KernelWorkspace.create({ simd: false, initialFloats: 1 << 22 });
const pad = (text: string, width: number) => text.padEnd(width);
const fixed = (value: number, digits = 2) => value.toFixed(digits).padStart(8);

console.log(`SIMD available: ${simd.simd}; node ${process.version}\n`);
console.log('GEMM (GFLOP/s, 2·m·n·k per call)');
console.log(`${pad('shape', 36)}${'SIMD'.padStart(8)}${'JS'.padStart(8)}   µs/call (SIMD)`);
const GEMM_SHAPES: [string, number, number, number, boolean, boolean][] = [
  ['X[512×3]·W[3×128]', 512, 128, 3, false, false],
  ['H[512×128]·W[128×128]', 512, 128, 128, false, false],
  ['H[512×128]·W[128×2]', 512, 2, 128, false, false],
  ['dW = Hᵀ·G (H, G 512×128)', 128, 128, 512, true, false],
  ['dH = G·Wᵀ (G 512×128, W 128×128)', 512, 128, 128, false, true],
  ['dH = G·Wᵀ (G 512×2, W 128×2)', 512, 128, 2, false, true],
  ['dW = Hᵀ·G (H 512×128, G 512×2)', 128, 2, 512, true, false],
  ['dW = Xᵀ·G (X 512×3, G 512×128)', 3, 128, 512, true, false],
];
for (const [name, m, n, k, transA, transB] of GEMM_SHAPES) {
  const rates = [simd, js].map((ws) => {
    ws.reset();
    const a = allocFilled(ws, m * k, () => uniform());
    const b = allocFilled(ws, k * n, () => uniform());
    const c = ws.alloc(m * n);
    const seconds = secondsPerCall(() => ws.gemm({ m, n, k, a, b, c, transA, transB }), ws.simd ? undefined : 5).best;
    return { gflops: (2 * m * n * k) / seconds / 1e9, micros: seconds * 1e6 };
  });
  console.log(`${pad(name, 36)}${fixed(rates[0].gflops)}${fixed(rates[1].gflops)}   ${rates[0].micros.toFixed(1)}`);
}

console.log('\nActivations (ns per element, 512×128 floats; forward with bias)');
console.log(`${pad('activation', 12)}${'fwd SIMD'.padStart(10)}${'fwd JS'.padStart(10)}${'bwd SIMD'.padStart(10)}${'bwd JS'.padStart(10)}`);
const COUNT = 512 * 128;
const timeActivation = (ws: KernelWorkspace, activation: Activation) => {
  ws.reset();
  const x = allocFilled(ws, COUNT, () => uniform(-6, 6));
  const bias = allocFilled(ws, 128, () => uniform());
  const out = ws.alloc(COUNT);
  const forward = secondsPerCall(() => ws.biasActivation({ x, bias, rows: 512, cols: 128, out, activation }));
  const gradIn = ws.alloc(COUNT);
  const backward = secondsPerCall(() => ws.activationBackward({ pre: x, gradOut: out, gradIn, count: COUNT, activation }));
  return [forward, backward].map((s) => (s.best / COUNT) * 1e9);
};
for (const activation of ACTIVATIONS) {
  const [fs, bs] = timeActivation(simd, activation);
  const [fj, bj] = timeActivation(js, activation);
  console.log(`${pad(activation, 12)}${fixed(fs, 3).padStart(10)}${fixed(fj, 3).padStart(10)}${fixed(bs, 3).padStart(10)}${fixed(bj, 3).padStart(10)}`);
}

/**
 * One training step of the reference MLP from the kernels: forward (GEMM + bias + SiLU, keeping
 * pre-activations), a squared-error gradient, backward (activation backward, dW, db, dH) and
 * Adam on all parameters. The loss itself (DSM weighting, noise draws) is left to the executor.
 */
function trainingStep(ws: KernelWorkspace): () => void {
  ws.reset();
  const batch = 512;
  const widths = [3, 128, 128, 128, 2];
  const layers = widths.slice(1).map((out, i) => {
    const inp = widths[i];
    const size = inp * out + out;
    return {
      inp, out, size,
      params: allocFilled(ws, size, () => uniform(-0.1, 0.1)),
      grads: ws.alloc(size), m: allocFilled(ws, size, () => 0), v: allocFilled(ws, size, () => 0),
      pre: ws.alloc(batch * out), act: ws.alloc(batch * out), grad: ws.alloc(batch * out),
    };
  });
  const x = allocFilled(ws, batch * 3, () => uniform());
  const target = allocFilled(ws, batch * 2, () => uniform());
  let step = 0;
  return () => {
    let input = x;
    layers.forEach((layer, i) => {
      const last = i === layers.length - 1;
      ws.gemm({ m: batch, n: layer.out, k: layer.inp, a: input, b: layer.params, c: layer.pre });
      ws.biasActivation({
        x: layer.pre, bias: layer.params + layer.inp * layer.out, rows: batch, cols: layer.out,
        out: layer.act, activation: last ? 'identity' : 'silu',
      });
      input = layer.act;
    });
    const top = layers[layers.length - 1];
    ws.sub({ x: top.act, y: target, out: top.grad, count: batch * 2 });
    ws.scale({ x: top.grad, out: top.grad, count: batch * 2, alpha: 2 / batch });
    for (let i = layers.length - 1; i >= 0; i--) {
      const layer = layers[i];
      if (i < layers.length - 1) {
        ws.activationBackward({ pre: layer.pre, gradOut: layer.grad, gradIn: layer.grad, count: batch * layer.out, activation: 'silu' });
      }
      const below = i === 0 ? x : layers[i - 1].act;
      ws.gemm({ m: layer.inp, n: layer.out, k: batch, a: below, b: layer.grad, c: layer.grads, transA: true });
      ws.columnSums({ x: layer.grad, rows: batch, cols: layer.out, out: layer.grads + layer.inp * layer.out });
      if (i > 0) ws.gemm({ m: batch, n: layer.inp, k: layer.out, a: layer.grad, b: layer.params, c: layers[i - 1].grad, transB: true });
    }
    step++;
    for (const layer of layers) {
      ws.adam({ params: layer.params, grads: layer.grads, m: layer.m, v: layer.v, count: layer.size, lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, step });
    }
  };
}

console.log('\nTraining step of the MLP 3→128→128→128→2 (SiLU), batch 512, Adam (~100 MFLOP)');
for (const ws of [simd, js]) {
  const { best, median } = secondsPerCall(trainingStep(ws), ws.simd ? undefined : 5);
  console.log(`${pad(ws.simd ? 'SIMD' : 'JS reference', 14)}${(best * 1e3).toFixed(2).padStart(8)} ms/step (median ${(median * 1e3).toFixed(2)})`);
}
