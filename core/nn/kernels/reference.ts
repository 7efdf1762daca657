/**
 * Plain-JavaScript reference kernels: the same operations and parameter objects as
 * `KernelWorkspace`, on a Float32Array holding the workspace memory (`ws.f32()`), with offsets in
 * floats. They compute in float64 and round once when storing, so they are the accuracy yardstick
 * for the WebAssembly kernels; a workspace created with `simd: false` runs these.
 */
import { activationDerivative, activationForward } from './referenceMath.ts';
import type {
  ActivationBackwardParams, AdamParams, AxpyParams, BiasActivationParams, BinaryOp, BinaryParams, ColumnSumsParams,
  DotParams, FillParams, GemmParams, ReduceParams, ScaleParams, ScaleRowsParams, UnaryParams,
} from './types.ts';

/** C (+)= op(A)·op(B); see `GemmParams`. Accumulates each entry in float64. */
export function gemmReference(mem: Float32Array, p: GemmParams): void {
  const { m, n, k, a, b, c } = p;
  const row = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    if (p.transB) {
      // Rows of the stored B are the columns of op(B): dot products of contiguous runs.
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let q = 0; q < k; q++) sum += mem[p.transA ? a + q * m + i : a + i * k + q] * mem[b + j * k + q];
        row[j] = sum;
      }
    } else {
      row.fill(0);
      for (let q = 0; q < k; q++) {
        const aiq = mem[p.transA ? a + q * m + i : a + i * k + q];
        const bRow = b + q * n;
        for (let j = 0; j < n; j++) row[j] += aiq * mem[bRow + j];
      }
    }
    const cRow = c + i * n;
    for (let j = 0; j < n; j++) mem[cRow + j] = p.accumulate ? mem[cRow + j] + row[j] : row[j];
  }
}

/** out[i, j] = act(x[i, j] + bias[j]); preOut gets x + bias. */
export function biasActivationReference(mem: Float32Array, p: BiasActivationParams): void {
  const { x, bias, rows, cols, out, activation, preOut } = p;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const index = i * cols + j;
      // The pre-activation is a float32 value in both implementations.
      const z = Math.fround(mem[x + index] + (bias === undefined ? 0 : mem[bias + j]));
      if (preOut !== undefined) mem[preOut + index] = z;
      mem[out + index] = activationForward(activation, z);
    }
  }
}

/** gradIn = gradOut ⊙ act′(pre). */
export function activationBackwardReference(mem: Float32Array, p: ActivationBackwardParams): void {
  for (let i = 0; i < p.count; i++) {
    mem[p.gradIn + i] = mem[p.gradOut + i] * activationDerivative(p.activation, mem[p.pre + i]);
  }
}

/** out[j] (+)= Σᵢ x[i, j]. */
export function columnSumsReference(mem: Float32Array, p: ColumnSumsParams): void {
  for (let j = 0; j < p.cols; j++) {
    let sum = p.accumulate ? mem[p.out + j] : 0;
    for (let i = 0; i < p.rows; i++) sum += mem[p.x + i * p.cols + j];
    mem[p.out + j] = sum;
  }
}

/** The step constants both Adam implementations derive from `AdamParams` (in float64). */
export function adamConstants(p: AdamParams) {
  const decay = p.weightDecay ?? 0;
  return {
    stepSize: p.lr / (1 - p.beta1 ** p.step),
    biasCorrection2Sqrt: Math.sqrt(1 - p.beta2 ** p.step),
    /** λ for the L2 form (added to the gradient). */
    l2: p.decoupled ? 0 : decay,
    /** Multiplier of the parameters before the step (AdamW). */
    shrink: p.decoupled ? 1 - p.lr * decay : 1,
  };
}

/** One Adam / AdamW step; see `AdamParams`. */
export function adamReference(mem: Float32Array, p: AdamParams): void {
  const { stepSize, biasCorrection2Sqrt, l2, shrink } = adamConstants(p);
  for (let i = 0; i < p.count; i++) {
    const param = mem[p.params + i];
    const g = mem[p.grads + i] + l2 * param;
    const m = mem[p.m + i] + (1 - p.beta1) * (g - mem[p.m + i]);
    const v = p.beta2 * mem[p.v + i] + (1 - p.beta2) * g * g;
    mem[p.m + i] = m;
    mem[p.v + i] = v;
    mem[p.params + i] = param * shrink - (stepSize * m) / (Math.sqrt(v) / biasCorrection2Sqrt + p.eps);
  }
}

/** out = x op y. */
export function binaryReference(mem: Float32Array, op: BinaryOp, p: BinaryParams): void {
  for (let i = 0; i < p.count; i++) {
    const x = mem[p.x + i];
    const y = mem[p.y + i];
    mem[p.out + i] = op === 'add' ? x + y : op === 'sub' ? x - y : x * y;
  }
}

/** out = alpha · x. */
export function scaleReference(mem: Float32Array, p: ScaleParams): void {
  for (let i = 0; i < p.count; i++) mem[p.out + i] = p.alpha * mem[p.x + i];
}

/** out[i, j] = x[i, j] · scales[i]. */
export function scaleRowsReference(mem: Float32Array, p: ScaleRowsParams): void {
  for (let i = 0; i < p.rows; i++) {
    const factor = mem[p.scales + i];
    for (let j = 0; j < p.cols; j++) mem[p.out + i * p.cols + j] = mem[p.x + i * p.cols + j] * factor;
  }
}

/** y += alpha · x. */
export function axpyReference(mem: Float32Array, p: AxpyParams): void {
  for (let i = 0; i < p.count; i++) mem[p.y + i] += p.alpha * mem[p.x + i];
}

/** out[0..count) = value. */
export function fillReference(mem: Float32Array, p: FillParams): void {
  mem.fill(p.value, p.out, p.out + p.count);
}

/** out = x (overlapping ranges allowed, like memmove). */
export function copyReference(mem: Float32Array, p: UnaryParams): void {
  mem.copyWithin(p.out, p.x, p.x + p.count);
}

/** out = eˣ. */
export function expReference(mem: Float32Array, p: UnaryParams): void {
  for (let i = 0; i < p.count; i++) mem[p.out + i] = Math.exp(mem[p.x + i]);
}

/** Σ x², accumulated in float64. */
export function sumSquaresReference(mem: Float32Array, p: ReduceParams): number {
  let sum = 0;
  for (let i = 0; i < p.count; i++) sum += mem[p.x + i] * mem[p.x + i];
  return sum;
}

/** Σ x·y, accumulated in float64. */
export function dotReference(mem: Float32Array, p: DotParams): number {
  let sum = 0;
  for (let i = 0; i < p.count; i++) sum += mem[p.x + i] * mem[p.y + i];
  return sum;
}
