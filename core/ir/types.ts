/**
 * The IR: a typed, SSA-style list of tensor ops evaluated for one particle (or one training
 * sample) at a time; the batch is implicit: every backend runs the same function for each.
 *
 * The same IR carries dynamics (drift, diffusion), initial-state sampling, neural networks and
 * their losses, so one derivative pass (forward and reverse mode) and one code generator per
 * backend serve them all.
 */

/** Element type of a value. `bool` comes from comparisons and feeds `select`. */
export type DType = 'f64' | 'bool';

/** Static type of a value: element type and shape (`[]` is a scalar, `[3]` a vector, `[2, 3]` a matrix). */
export interface TensorType {
  readonly dtype: DType;
  readonly shape: readonly number[];
}

/** Index of a node in its function's `nodes` list; values are defined before they are used. */
export type ValueId = number;

/** Elementwise functions of one argument that every kernel dialect spells directly. */
export type ElementaryUnaryOp = 'neg' | 'sin' | 'cos' | 'tan' | 'exp' | 'log' | 'sqrt' | 'tanh' | 'sigmoid' | 'abs';

/**
 * Network activations. `gelu` is the tanh approximation
 * 0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³))) (PyTorch's GELU(approximate='tanh'), JAX's default):
 * it needs only tanh, which every backend has, where the erf form would need an erf per dialect.
 */
export type ActivationOp = 'silu' | 'softplus' | 'relu' | 'gelu';

/**
 * Derivatives of activations as ops of their own, so reverse mode emits `g · silu_grad(z)` that
 * the training executor recognises and runs as one fused kernel. `relu_grad` is the step 1[x > 0].
 * (softplus' is `sigmoid`, already an op.)
 */
export type ActivationGradOp = 'silu_grad' | 'gelu_grad' | 'relu_grad';

/** Elementwise functions of one argument. */
export type UnaryOp = ElementaryUnaryOp | ActivationOp | ActivationGradOp;

/** Elementwise functions of two arguments (shapes broadcast when one side is a scalar). */
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'min' | 'max' | 'lt';

/**
 * One IR instruction. `args` are earlier values. Per op:
 * - `const`: `value` (scalar literal).
 * - `param`: the function's input number `index` (e.g. 0 = state x, 1 = time t; or a weight).
 * - `index`: element `index` of a vector argument.
 * - `stack`: scalars → vector of their length.
 * - `concat`: scalars and vectors → one vector, in order (a network input [x, t]).
 * - `slice`: elements `index` .. `index + n - 1` of a vector, n = the node's length.
 * - `broadcast`: a scalar repeated to the node's shape (zeros of a shape, adjoint of `sum`).
 * - unary / binary ops: elementwise, see {@link UnaryOp} and {@link BinaryOp}.
 * - `select`: `args[0] ? args[1] : args[2]` elementwise (scalars broadcast).
 * - `matmul`: [m, k] × [k] → [m] (dense layers of networks).
 * - `matmul_t`: [m, k]ᵀ × [m] → [k] (the adjoint of a dense layer with respect to its input).
 * - `outer`: [m] ⊗ [k] → [m, k] (the adjoint of a dense layer with respect to its weights).
 * - `sum`: all elements → scalar.
 * - `random_normal` / `random_uniform`: draw number `index` of the function's random stream
 *   (standard normal, or uniform on (0, 1)); the backend maps it onto Philox counters.
 * - `table_row`: row r of table `index` of the function's {@link IRFunction.tables}, as a vector
 *   of its `cols` elements, where r = ⌊args[0]⌋ clamped to [0, rows − 1] (a NaN index gives row 0;
 *   see `tableRowIndex` in fold.ts). Its derivative is zero: the table is data, and the row is
 *   piecewise constant in the index.
 */
export interface IRNode {
  readonly op: IROp;
  readonly args: readonly ValueId[];
  readonly type: TensorType;
  readonly value?: number;
  readonly index?: number;
}

/** Ops that move or combine elements without arithmetic on them. */
export type StructuralOp = 'const' | 'param' | 'index' | 'stack' | 'concat' | 'slice' | 'broadcast' | 'select';

/** Every op name. */
export type IROp =
  | StructuralOp | 'matmul' | 'matmul_t' | 'outer' | 'sum'
  | 'random_normal' | 'random_uniform' | 'table_row'
  | UnaryOp | BinaryOp;

/** A named input of a function. */
export interface IRParam {
  readonly name: string;
  readonly type: TensorType;
}

/**
 * A table of numbers a function reads with `table_row`, e.g. a data set loaded from a file:
 * `rows` × `cols` values, row-major. Tables are data, never code: backends hand them to kernels
 * as a typed array or a storage buffer, and generated source holds only their sizes and offsets.
 *
 * @example { rows: 3, cols: 2, data: Float64Array.of(0, 0, 1, 0, 0, 1) } // three points in the plane
 */
export interface IRTable {
  readonly rows: number;
  readonly cols: number;
  /** rows × cols values, row-major. */
  readonly data: Float64Array;
}

/**
 * A function over one particle, e.g. a drift f(x, t) with params `[x: [d], t: []]` and one output
 * of shape [d], or a per-sample loss with params `[W1: [128, 3], b1: [128], …, x0: [2]]`.
 */
export interface IRFunction {
  readonly name: string;
  readonly params: readonly IRParam[];
  readonly nodes: readonly IRNode[];
  readonly outputs: readonly ValueId[];
  /** The tables its `table_row` nodes read (by position); absent when it reads none. */
  readonly tables?: readonly IRTable[];
}

/** The type of a scalar. */
export const SCALAR: TensorType = { dtype: 'f64', shape: [] };
/** The type of a comparison result. */
export const BOOL: TensorType = { dtype: 'bool', shape: [] };

/** A vector type of length n. */
export function vectorType(n: number): TensorType {
  return { dtype: 'f64', shape: [n] };
}

/** A matrix type with `rows` × `cols` elements, row-major. */
export function matrixType(rows: number, cols: number): TensorType {
  return { dtype: 'f64', shape: [rows, cols] };
}

/** Number of elements of a type. */
export function sizeOf(type: TensorType): number {
  return type.shape.reduce((a, b) => a * b, 1);
}

/** Whether two shapes are equal. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, k) => x === b[k]);
}

/** The keys of a complete table, so a new op missing from a list is a compile error. */
function keysOf<K extends string>(table: Record<K, true>): readonly K[] {
  return Object.keys(table) as K[];
}

/** Unary ops every dialect spells directly. */
export const ELEMENTARY_UNARY_OPS = keysOf<ElementaryUnaryOp>({
  neg: true, sin: true, cos: true, tan: true, exp: true, log: true, sqrt: true, tanh: true, sigmoid: true, abs: true,
});
/** Network activations. */
export const ACTIVATION_OPS = keysOf<ActivationOp>({ silu: true, softplus: true, relu: true, gelu: true });
/** Derivatives of activations. */
export const ACTIVATION_GRAD_OPS = keysOf<ActivationGradOp>({ silu_grad: true, gelu_grad: true, relu_grad: true });
/** Every unary op. */
export const UNARY_OPS: readonly UnaryOp[] = [...ELEMENTARY_UNARY_OPS, ...ACTIVATION_OPS, ...ACTIVATION_GRAD_OPS];
/** Every binary op. */
export const BINARY_OPS = keysOf<BinaryOp>({ add: true, sub: true, mul: true, div: true, pow: true, min: true, max: true, lt: true });

/**
 * Every op, for tests that must cover each one (gradient checks, validator, interpreter): the
 * table is typed by {@link IROp}, so an op added there and not here does not compile.
 */
export const ALL_OPS = keysOf<IROp>({
  const: true, param: true, index: true, stack: true, concat: true, slice: true, broadcast: true, select: true,
  matmul: true, matmul_t: true, outer: true, sum: true, random_normal: true, random_uniform: true, table_row: true,
  ...Object.fromEntries([...UNARY_OPS, ...BINARY_OPS].map((op) => [op, true])) as Record<UnaryOp | BinaryOp, true>,
});

/** Whether an op is elementwise with one argument. */
export function isUnaryOp(op: IROp): op is UnaryOp {
  return (UNARY_OPS as readonly string[]).includes(op);
}

/** Whether a unary op has a direct spelling in every dialect (not an activation). */
export function isElementaryUnaryOp(op: IROp): op is ElementaryUnaryOp {
  return (ELEMENTARY_UNARY_OPS as readonly string[]).includes(op);
}

/** Whether an op is elementwise with two arguments. */
export function isBinaryOp(op: IROp): op is BinaryOp {
  return (BINARY_OPS as readonly string[]).includes(op);
}
