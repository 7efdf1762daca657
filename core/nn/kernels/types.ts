/**
 * Parameter shapes of the numeric kernels. Every tensor is a run of float32 values in one
 * `KernelWorkspace` memory, named by its offset in floats (as returned by `alloc`); matrices are
 * row-major and dense (row stride = column count).
 */

/** All activations, in one list so tests and benchmarks cover each new one the day it lands. */
export const ACTIVATIONS = ['identity', 'relu', 'silu', 'tanh', 'softplus', 'gelu', 'geluTanh'] as const;

/**
 * Pointwise nonlinearity.
 * - `identity`: x.
 * - `relu`: max(x, 0); derivative 1 for x > 0, else 0 (PyTorch's choice at 0).
 * - `silu`: x·σ(x), σ(x) = 1/(1 + e⁻ˣ) (a.k.a. swish).
 * - `tanh`.
 * - `softplus`: ln(1 + eˣ), computed as max(x, 0) + ln(1 + e^−|x|) (no overflow).
 * - `gelu`: x·Φ(x) with Φ the standard normal CDF, the exact ("erf") form, PyTorch's default
 *   `nn.GELU()`.
 * - `geluTanh`: x·(1 + tanh(√(2/π)(x + 0.044715x³)))/2, PyTorch's `nn.GELU(approximate='tanh')`;
 *   differs from `gelu` by up to ~3e-4 absolute (near |x| ≈ 2).
 *
 * Derivatives are exact for each formula (the `geluTanh` derivative is that of the tanh form).
 */
export type Activation = (typeof ACTIVATIONS)[number];

/**
 * C[m×n] = op(A)[m×k] · op(B)[k×n], or C += … with `accumulate`.
 *
 * op(A) = A (stored m×k) or, with `transA`, Aᵀ where A is stored k×m; likewise op(B) = B (k×n)
 * or, with `transB`, Bᵀ where B is stored n×k. Backprop of Y = X·W uses all three forms:
 * dW = Xᵀ·dY (`transA`), dX = dY·Wᵀ (`transB`).
 *
 * @example
 * // H[512×128] = X[512×3] · W[3×128]
 * ws.gemm({ m: 512, n: 128, k: 3, a: x, b: w, c: h });
 */
export interface GemmParams {
  m: number;
  n: number;
  k: number;
  /** Offset of A (m×k, or k×m with transA). */
  a: number;
  /** Offset of B (k×n, or n×k with transB). */
  b: number;
  /** Offset of C (m×n); must not overlap A or B. */
  c: number;
  transA?: boolean;
  transB?: boolean;
  /** Add to C instead of overwriting it. */
  accumulate?: boolean;
}

/** out[i, j] = act(x[i, j] + bias[j]) over a rows×cols matrix. */
export interface BiasActivationParams {
  /** Offset of the input (rows×cols); may equal `out` (in place). */
  x: number;
  /** Offset of the bias vector (cols floats), or undefined for none. */
  bias?: number;
  rows: number;
  cols: number;
  out: number;
  activation: Activation;
  /** If set, x + bias (the pre-activation that `activationBackward` needs) is stored here too. */
  preOut?: number;
}

/** gradIn = gradOut ⊙ act′(pre), elementwise over `count` floats. */
export interface ActivationBackwardParams {
  pre: number;
  gradOut: number;
  /** May equal `gradOut`. */
  gradIn: number;
  count: number;
  activation: Activation;
}

/** out[j] (+)= Σᵢ x[i, j] (bias gradients). */
export interface ColumnSumsParams {
  x: number;
  rows: number;
  cols: number;
  out: number;
  accumulate?: boolean;
}

/**
 * One step of Adam on `count` parameters, as `torch.optim.Adam` / `torch.optim.AdamW`:
 * m ← m + (1−β₁)(g − m), v ← β₂v + (1−β₂)g², p ← p − (lr/(1−β₁ᵗ)) · m / (√v/√(1−β₂ᵗ) + ε).
 * `weightDecay` adds λp to g (Adam's L2 form), or with `decoupled` multiplies p by 1 − lr·λ
 * first (AdamW).
 */
export interface AdamParams {
  params: number;
  grads: number;
  /** First-moment state (zero before step 1). */
  m: number;
  /** Second-moment state (zero before step 1). */
  v: number;
  count: number;
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** 1-based step number t, for bias correction. */
  step: number;
  weightDecay?: number;
  /** AdamW-style decoupled weight decay. */
  decoupled?: boolean;
}

/** out = x ⊙ y (or +, −) elementwise over `count` floats; out may alias x or y. */
export interface BinaryParams {
  x: number;
  y: number;
  out: number;
  count: number;
}

/** The elementwise binary operations. */
export type BinaryOp = 'add' | 'sub' | 'mul';

/** out = alpha · x over `count` floats; out may equal x. */
export interface ScaleParams {
  x: number;
  out: number;
  count: number;
  alpha: number;
}

/** y += alpha · x over `count` floats. */
export interface AxpyParams {
  x: number;
  y: number;
  count: number;
  alpha: number;
}

/** out[0..count) = value. */
export interface FillParams {
  out: number;
  count: number;
  value: number;
}

/** out = f(x) over `count` floats (copy, exp); out may equal x (for copy: the ranges may overlap). */
export interface UnaryParams {
  x: number;
  out: number;
  count: number;
}

/** A reduction over `count` floats at `x` (and `y` for a dot product). */
export interface ReduceParams {
  x: number;
  count: number;
}

/** Σ x[i]·y[i] over `count` floats. */
export interface DotParams {
  x: number;
  y: number;
  count: number;
}

/** out[i, j] = x[i, j] · scales[i] over a rows×cols matrix (per-sample weights); out may equal x. */
export interface ScaleRowsParams {
  x: number;
  /** Offset of `rows` floats, one factor per row. */
  scales: number;
  rows: number;
  cols: number;
  out: number;
}
