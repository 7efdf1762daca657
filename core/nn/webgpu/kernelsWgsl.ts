/**
 * The fixed WGSL kernels of a training step on the GPU: the WebGPU counterparts of the kernels of
 * core/nn/kernels (GEMM, bias + activation, activation backward, column sums, Adam) plus a scale
 * and a one-workgroup reduction. Each reads its offsets and sizes from a 64-byte uniform slot
 * (binding 1), so one pipeline serves every step of its kind; all work on one float32 storage
 * buffer (binding 0) that mirrors the CPU program's memory. No IR and no user text: constants.
 */
import type { Activation } from '../kernels/types.ts';
import { GELU_TANH_K0, GELU_TANH_K1 } from '../kernels/referenceMath.ts';
import { wgslNumber } from '../../backends/webgpu/renderWgsl.ts';

/** The storage binding every training kernel uses. */
export const MEMORY_BINDING = '@group(0) @binding(0) var<storage, read_write> mem: array<f32>;';

/** Bytes of one uniform slot (WebGPU's minimum uniform offset alignment). */
export const UNIFORM_SLOT_BYTES = 256;
/** Floats (u32 or f32 words) in one kernel's parameter block. */
const PARAM_WORDS = 16;

/** A kernel's parameter block: field names in order, and which are f32 (the rest are u32). */
export interface ParamLayout {
  fields: readonly string[];
  floats?: readonly string[];
}

/** The WGSL `Params` struct of a layout, padded to 16 words, bound as a uniform at binding 1. */
function paramsStruct(layout: ParamLayout): string {
  const fields = layout.fields.map((f) => `${f}: ${layout.floats?.includes(f) ? 'f32' : 'u32'},`);
  for (let k = layout.fields.length; k < PARAM_WORDS; k++) fields.push(`pad${k}: u32,`);
  return `struct Params {\n  ${fields.join('\n  ')}\n}\n@group(0) @binding(1) var<uniform> p: Params;`;
}

/** Packs `values` in the layout's order (u32 words, f32 fields as their bits). */
export function packParams(layout: ParamLayout, values: Readonly<Record<string, number>>): ArrayBuffer {
  const buffer = new ArrayBuffer(PARAM_WORDS * 4);
  const view = new DataView(buffer);
  layout.fields.forEach((f, k) => {
    const v = values[f];
    if (v === undefined) throw new Error(`WebGPU training kernels: parameter '${f}' is missing`);
    if (layout.floats?.includes(f)) view.setFloat32(4 * k, v, true);
    else {
      if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new Error(`WebGPU training kernels: parameter '${f}' = ${v} is not a u32`);
      view.setUint32(4 * k, v, true);
    }
  });
  return buffer;
}

/** Threads per workgroup of the one-dimensional kernels. */
export const WORKGROUP = 256;

/** Workgroups for `count` threads of a 1-D kernel, folded into (x, y) under the 65535 limit. */
export function grid1d(count: number): [number, number] {
  const groups = Math.max(1, Math.ceil(count / WORKGROUP));
  const x = Math.min(groups, 65535);
  return [x, Math.ceil(groups / x)];
}

/** The flat thread index of a 1-D kernel dispatched with {@link grid1d}. */
const FLAT_INDEX = 'let i = gid.x + gid.y * nwg.x * 256u;';
const ENTRY_1D = `@compute @workgroup_size(${WORKGROUP})\nfn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {`;

/**
 * act(x) and act′(x) in float32, the same formulas as core/nn/kernels/referenceMath.ts; exp's
 * argument is clamped to ±88 (e^88 is finite in float32), tanh's to ±9 (|tanh| = 1 there).
 */
export const ACTIVATIONS_WGSL = String.raw`
fn sigmoidSafe(x: f32) -> f32 { return 1.0 / (1.0 + exp(clamp(-x, -88.0, 88.0))); }
fn tanhClamped(x: f32) -> f32 { return tanh(clamp(x, -9.0, 9.0)); }
// erfc to ~1.2e-7 relative (Numerical Recipes' erfcc, Chebyshev fit), for the exact GELU.
fn erfcApprox(x: f32) -> f32 {
  let z = abs(x);
  let t = 1.0 / (1.0 + 0.5 * z);
  let r = t * exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return select(2.0 - r, r, x >= 0.0);
}
fn normalCdf(x: f32) -> f32 { return 0.5 * erfcApprox(-x * 0.70710678); }
`;

const GELU_K0 = wgslNumber(GELU_TANH_K0);
const GELU_K1 = wgslNumber(GELU_TANH_K1);

/** WGSL expression of act(z) for a local `z`. */
export function activationForwardWgsl(activation: Activation): string {
  switch (activation) {
    case 'identity': return 'z';
    case 'relu': return 'max(z, 0.0)';
    case 'silu': return 'z * sigmoidSafe(z)';
    case 'tanh': return 'tanhClamped(z)';
    case 'softplus': return 'max(z, 0.0) + log(1.0 + exp(-abs(z)))';
    case 'gelu': return 'z * normalCdf(z)';
    case 'geluTanh': return `z * sigmoidSafe(2.0 * ${GELU_K0} * (z + ${GELU_K1} * z * z * z))`;
  }
}

/** WGSL expression of act′(z) for a local `z`. */
export function activationDerivativeWgsl(activation: Activation): string {
  switch (activation) {
    case 'identity': return '1.0';
    case 'relu': return 'select(0.0, 1.0, z > 0.0)';
    case 'silu': return '(sigmoidSafe(z) * (1.0 + z * (1.0 - sigmoidSafe(z))))';
    // 1 − tanh² without cancellation: 4e / (1 + e)², e = e^(−2|z|).
    case 'tanh': return '(4.0 * exp(-2.0 * abs(z)) / ((1.0 + exp(-2.0 * abs(z))) * (1.0 + exp(-2.0 * abs(z)))))';
    case 'softplus': return 'sigmoidSafe(z)';
    case 'gelu': return '(normalCdf(z) + z * exp(-0.5 * z * z) * 0.39894228)';
    case 'geluTanh': {
      const s = `sigmoidSafe(2.0 * ${GELU_K0} * (z + ${GELU_K1} * z * z * z))`;
      return `(${s} + z * ${s} * (1.0 - ${s}) * 2.0 * ${GELU_K0} * (1.0 + 3.0 * ${GELU_K1} * z * z))`;
    }
  }
}

/** A kernel: its WGSL and parameter layout. */
export interface KernelSource {
  label: string;
  code: string;
  layout: ParamLayout;
}

/** flags of the GEMM: bit 0 transA, bit 1 transB, bit 2 accumulate. */
export const GEMM_LAYOUT: ParamLayout = { fields: ['m', 'n', 'k', 'a', 'b', 'c', 'flags', 'strideA', 'strideB', 'strideC'] };

/** Rows and columns of C per workgroup of the GEMM (16 × 16 threads, 4 × 4 outputs each). */
export const GEMM_TILE = 64;

/**
 * C (+)= op(A)·op(B) in 64 × 64 tiles of C per workgroup, the operands staged through workgroup
 * memory 16 values of k at a time; each of the 16 × 16 threads accumulates a 4 × 4 block of C
 * (rows ty + 16r, columns tx + 16c) in registers, so a tile costs 2 barriers per 16 · 16 products
 * of every thread. Workgroup z is the sample of a batched GEMM (operands advanced by their
 * strides). Tiles are loaded with consecutive threads on consecutive addresses whichever operand
 * is transposed; each output sums its k products in order.
 */
export function gemmKernel(): KernelSource {
  return {
    label: 'train-gemm',
    layout: GEMM_LAYOUT,
    code: `${MEMORY_BINDING}
${paramsStruct(GEMM_LAYOUT)}
// tileA[q * 64 + i] = A(i0 + i, q0 + q); tileB[q * 64 + j] = B(q0 + q, j0 + j).
var<workgroup> tileA: array<f32, 1024>;
var<workgroup> tileB: array<f32, 1024>;
@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) l: vec3<u32>) {
  let transA = (p.flags & 1u) != 0u;
  let transB = (p.flags & 2u) != 0u;
  let i0 = wg.y * 64u;
  let j0 = wg.x * 64u;
  let a = p.a + wg.z * p.strideA;
  let b = p.b + wg.z * p.strideB;
  let t = l.y * 16u + l.x;
  var acc: array<vec4<f32>, 4>;
  for (var q0 = 0u; q0 < p.k; q0 += 16u) {
    for (var e = 0u; e < 4u; e++) {
      let idx = t + 256u * e;
      // A: along k when A is m × k, along m when it is stored k × m (transA).
      let ia = select(idx / 16u, idx % 64u, transA);
      let qa = select(idx % 16u, idx / 64u, transA);
      var va = 0.0;
      if (i0 + ia < p.m && q0 + qa < p.k) {
        va = mem[select(a + (i0 + ia) * p.k + q0 + qa, a + (q0 + qa) * p.m + i0 + ia, transA)];
      }
      tileA[qa * 64u + ia] = va;
      // B: along n when B is k × n, along k when it is stored n × k (transB).
      let jb = select(idx % 64u, idx / 16u, transB);
      let qb = select(idx / 64u, idx % 16u, transB);
      var vb = 0.0;
      if (j0 + jb < p.n && q0 + qb < p.k) {
        vb = mem[select(b + (q0 + qb) * p.n + j0 + jb, b + (j0 + jb) * p.k + q0 + qb, transB)];
      }
      tileB[qb * 64u + jb] = vb;
    }
    workgroupBarrier();
    for (var q = 0u; q < 16u; q++) {
      let bv = vec4<f32>(tileB[q * 64u + l.x], tileB[q * 64u + l.x + 16u], tileB[q * 64u + l.x + 32u], tileB[q * 64u + l.x + 48u]);
      for (var r = 0u; r < 4u; r++) { acc[r] = acc[r] + tileA[q * 64u + l.y + 16u * r] * bv; }
    }
    workgroupBarrier();
  }
  for (var r = 0u; r < 4u; r++) {
    let i = i0 + l.y + 16u * r;
    for (var c = 0u; c < 4u; c++) {
      let j = j0 + l.x + 16u * c;
      if (i < p.m && j < p.n) {
        let at = p.c + wg.z * p.strideC + i * p.n + j;
        mem[at] = select(acc[r][c], mem[at] + acc[r][c], (p.flags & 4u) != 0u);
      }
    }
  }
}
`,
  };
}

/** flags: bit 0 has a bias, bit 1 stores the pre-activation. */
export const BIAS_ACTIVATION_LAYOUT: ParamLayout = { fields: ['x', 'bias', 'rows', 'cols', 'out', 'preOut', 'flags'] };

/** out = act(x + bias) row-wise (and x + bias into preOut). */
export function biasActivationKernel(activation: Activation): KernelSource {
  return {
    label: `train-biasActivation-${activation}`,
    layout: BIAS_ACTIVATION_LAYOUT,
    code: `${MEMORY_BINDING}
${paramsStruct(BIAS_ACTIVATION_LAYOUT)}
${ACTIVATIONS_WGSL}
${ENTRY_1D}
  ${FLAT_INDEX}
  if (i >= p.rows * p.cols) { return; }
  var z = mem[p.x + i];
  if ((p.flags & 1u) != 0u) { z = z + mem[p.bias + i % p.cols]; }
  if ((p.flags & 2u) != 0u) { mem[p.preOut + i] = z; }
  mem[p.out + i] = ${activationForwardWgsl(activation)};
}
`,
  };
}

export const ACTIVATION_BACKWARD_LAYOUT: ParamLayout = { fields: ['pre', 'gradOut', 'gradIn', 'count'] };

/** gradIn = gradOut ⊙ act′(pre). */
export function activationBackwardKernel(activation: Activation): KernelSource {
  return {
    label: `train-activationBackward-${activation}`,
    layout: ACTIVATION_BACKWARD_LAYOUT,
    code: `${MEMORY_BINDING}
${paramsStruct(ACTIVATION_BACKWARD_LAYOUT)}
${ACTIVATIONS_WGSL}
${ENTRY_1D}
  ${FLAT_INDEX}
  if (i >= p.count) { return; }
  let z = mem[p.pre + i];
  mem[p.gradIn + i] = mem[p.gradOut + i] * ${activationDerivativeWgsl(activation)};
}
`,
  };
}

export const COLUMN_SUMS_LAYOUT: ParamLayout = { fields: ['x', 'rows', 'cols', 'out', 'accumulate'] };

/** out[j] (+)= Σᵢ x[i, j]: one workgroup of 64 per column (2-D grid), a tree sum in workgroup memory. */
export function columnSumsKernel(): KernelSource {
  return {
    label: 'train-columnSums',
    layout: COLUMN_SUMS_LAYOUT,
    code: `${MEMORY_BINDING}
${paramsStruct(COLUMN_SUMS_LAYOUT)}
var<workgroup> partial: array<f32, 64>;
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) l: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let j = wg.x + wg.y * nwg.x;
  var s = 0.0;
  if (j < p.cols) {
    for (var r = l.x; r < p.rows; r += 64u) { s = s + mem[p.x + r * p.cols + j]; }
  }
  partial[l.x] = s;
  workgroupBarrier();
  for (var h = 32u; h > 0u; h = h >> 1u) {
    if (l.x < h) { partial[l.x] = partial[l.x] + partial[l.x + h]; }
    workgroupBarrier();
  }
  if (l.x == 0u && j < p.cols) {
    mem[p.out + j] = select(partial[0], mem[p.out + j] + partial[0], p.accumulate != 0u);
  }
}
`,
  };
}

/** Workgroups (x, y) for one workgroup per column. */
export function columnGrid(cols: number): [number, number] {
  const x = Math.min(Math.max(1, cols), 65535);
  return [x, Math.ceil(Math.max(1, cols) / x)];
}

export const SCALE_LAYOUT: ParamLayout = { fields: ['x', 'xStride', 'out', 'count', 'accumulate', 'alpha'], floats: ['alpha'] };

/** out[j] = alpha · x[j · xStride] (+ out[j]). */
export function scaleKernel(): KernelSource {
  return {
    label: 'train-scale',
    layout: SCALE_LAYOUT,
    code: `${MEMORY_BINDING}
${paramsStruct(SCALE_LAYOUT)}
${ENTRY_1D}
  ${FLAT_INDEX}
  if (i >= p.count) { return; }
  let v = p.alpha * mem[p.x + i * p.xStride];
  mem[p.out + i] = select(v, mem[p.out + i] + v, p.accumulate != 0u);
}
`,
  };
}

export const REDUCE_LAYOUT: ParamLayout = { fields: ['x', 'count', 'out', 'square', 'scale'], floats: ['scale'] };

/** mem[out] = scale · Σ x (or Σ x² with `square`) over `count` floats, in one workgroup of 256. */
export function reduceKernel(): KernelSource {
  return {
    label: 'train-reduce',
    layout: REDUCE_LAYOUT,
    code: `${MEMORY_BINDING}
${paramsStruct(REDUCE_LAYOUT)}
var<workgroup> partial: array<f32, 256>;
@compute @workgroup_size(256)
fn main(@builtin(local_invocation_id) l: vec3<u32>) {
  var s = 0.0;
  for (var i = l.x; i < p.count; i += 256u) {
    let v = mem[p.x + i];
    s = s + select(v, v * v, p.square != 0u);
  }
  partial[l.x] = s;
  workgroupBarrier();
  for (var h = 128u; h > 0u; h = h >> 1u) {
    if (l.x < h) { partial[l.x] = partial[l.x] + partial[l.x + h]; }
    workgroupBarrier();
  }
  if (l.x == 0u) { mem[p.out] = p.scale * partial[0]; }
}
`,
  };
}

/**
 * Adam's parameter block: offsets, then the step's constants as core/nn/kernels' adam takes them
 * (1 − β₁, β₂, 1 − β₂, lr / (1 − β₁ᵗ), √(1 − β₂ᵗ), ε, λ_L2, shrink), the clipping norm (0: none),
 * and the EMA (ema offset, decay, 1 − decay; hasEma 0: none). `normSq` holds Σ g² of this step.
 */
export const ADAM_LAYOUT: ParamLayout = {
  fields: ['params', 'grads', 'm', 'v', 'count', 'normSq', 'ema', 'hasEma',
    'oneMinusBeta1', 'beta2', 'oneMinusBeta2', 'stepSize', 'bc2Sqrt', 'eps', 'l2', 'shrink'],
  floats: ['oneMinusBeta1', 'beta2', 'oneMinusBeta2', 'stepSize', 'bc2Sqrt', 'eps', 'l2', 'shrink'],
};
/** The second uniform slot of Adam: clipping and EMA constants. */
export const ADAM_EXTRA_LAYOUT: ParamLayout = { fields: ['clipNorm', 'emaDecay', 'oneMinusEmaDecay'], floats: ['clipNorm', 'emaDecay', 'oneMinusEmaDecay'] };

/**
 * One Adam step with PyTorch's operation order, the same float32 arithmetic as the WebAssembly
 * kernel (core/nn/kernels/emitElementwise.ts adamBody): m ← m + (1−β₁)(g − m),
 * v ← β₂v + (1−β₂)g·g, p ← p·shrink − stepSize · m / (√v / √(1−β₂ᵗ) + ε). The gradient is first
 * clipped in place to global norm clipNorm (as AdamOptimizer.update does), from Σ g² at normSq.
 */
export function adamKernel(): KernelSource {
  return {
    label: 'train-adam',
    layout: ADAM_LAYOUT,
    code: `${MEMORY_BINDING}
${paramsStruct(ADAM_LAYOUT)}
struct Extra { clipNorm: f32, emaDecay: f32, oneMinusEmaDecay: f32, pad: f32 }
@group(0) @binding(2) var<uniform> e: Extra;
${ENTRY_1D}
  ${FLAT_INDEX}
  if (i >= p.count) { return; }
  let norm = sqrt(mem[p.normSq]);
  var g = mem[p.grads + i];
  if (e.clipNorm > 0.0 && norm > e.clipNorm) {
    g = g * (e.clipNorm / norm);
    mem[p.grads + i] = g;
  }
  let w = mem[p.params + i];
  g = g + p.l2 * w;
  let mOld = mem[p.m + i];
  let m = mOld + p.oneMinusBeta1 * (g - mOld);
  let v = mem[p.v + i] * p.beta2 + (p.oneMinusBeta2 * g) * g;
  mem[p.m + i] = m;
  mem[p.v + i] = v;
  let next = w * p.shrink - p.stepSize * (m / (sqrt(v) / p.bc2Sqrt + p.eps));
  mem[p.params + i] = next;
  if (p.hasEma != 0u) { mem[p.ema + i] = e.emaDecay * mem[p.ema + i] + e.oneMinusEmaDecay * next; }
}
`,
  };
}
