/**
 * The IR: a typed, SSA-style list of tensor ops evaluated for one particle at a time
 * (the particle batch is implicit: every backend runs the same function for each particle).
 *
 * The same IR carries dynamics (drift, diffusion), initial-state sampling and, later, neural
 * networks and losses, so one derivative pass and one code generator per backend serve them all.
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

/** Elementwise functions of one argument. */
export type UnaryOp = 'neg' | 'sin' | 'cos' | 'tan' | 'exp' | 'log' | 'sqrt' | 'tanh' | 'sigmoid' | 'abs';

/** Elementwise functions of two arguments (shapes broadcast when one side is a scalar). */
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'min' | 'max' | 'lt';

/**
 * One IR instruction. `args` are earlier values. Per op:
 * - `const`: `value` (scalar literal).
 * - `param`: the function's input number `index` (e.g. 0 = state x, 1 = time t).
 * - `index`: element `index` of a vector argument.
 * - `stack`: scalars → vector of their length.
 * - unary / binary ops: elementwise, see {@link UnaryOp} and {@link BinaryOp}.
 * - `select`: `args[0] ? args[1] : args[2]` elementwise.
 * - `matmul`: [m, k] × [k] → [m] (dense layers of networks).
 * - `sum`: all elements → scalar.
 * - `random_normal` / `random_uniform`: draw number `index` of the function's random stream
 *   (standard normal, or uniform on (0, 1)); the backend maps it onto Philox counters.
 */
export interface IRNode {
  readonly op: IROp;
  readonly args: readonly ValueId[];
  readonly type: TensorType;
  readonly value?: number;
  readonly index?: number;
}

/** Every op name. */
export type IROp =
  | 'const' | 'param' | 'index' | 'stack' | 'select' | 'matmul' | 'sum'
  | 'random_normal' | 'random_uniform'
  | UnaryOp | BinaryOp;

/** A named input of a function. */
export interface IRParam {
  readonly name: string;
  readonly type: TensorType;
}

/**
 * A function over one particle, e.g. a drift f(x, t) with params `[x: [d], t: []]` and one output
 * of shape [d].
 */
export interface IRFunction {
  readonly name: string;
  readonly params: readonly IRParam[];
  readonly nodes: readonly IRNode[];
  readonly outputs: readonly ValueId[];
}

export const SCALAR: TensorType = { dtype: 'f64', shape: [] };
export const BOOL: TensorType = { dtype: 'bool', shape: [] };

/** A vector type of length n. */
export function vectorType(n: number): TensorType {
  return { dtype: 'f64', shape: [n] };
}

/** Number of elements of a type. */
export function sizeOf(type: TensorType): number {
  return type.shape.reduce((a, b) => a * b, 1);
}

export const UNARY_OPS: readonly UnaryOp[] = ['neg', 'sin', 'cos', 'tan', 'exp', 'log', 'sqrt', 'tanh', 'sigmoid', 'abs'];
export const BINARY_OPS: readonly BinaryOp[] = ['add', 'sub', 'mul', 'div', 'pow', 'min', 'max', 'lt'];

export function isUnaryOp(op: IROp): op is UnaryOp {
  return (UNARY_OPS as readonly string[]).includes(op);
}

export function isBinaryOp(op: IROp): op is BinaryOp {
  return (BINARY_OPS as readonly string[]).includes(op);
}
