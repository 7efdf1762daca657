import type { IRFunction } from '../../ir/types.ts';
import { renderScalarFunction, type Dialect, type ScalarBindings, type ScalarValue } from '../renderScalar.ts';

export type WgslValue = ScalarValue;
export type WgslBindings = ScalarBindings;

/** A float literal as WGSL source (always with a decimal point or exponent, so it is an f32). */
export function wgslNumber(v: number): string {
  if (Number.isNaN(v)) return 'bitcast<f32>(NAN_BITS)';
  const f = Math.fround(v);
  if (f === Infinity) return 'bitcast<f32>(POS_INF_BITS)';
  if (f === -Infinity) return 'bitcast<f32>(NEG_INF_BITS)';
  let s = String(f === 0 ? 0 : f);
  if (!/[.eE]/.test(s)) s += '.0';
  else if (/[eE]/.test(s) && !s.includes('.')) s = s.replace(/[eE]/, '.0e');
  return f < 0 ? `(${s})` : s;
}

/** WGSL: float32 arithmetic with the built-in functions. */
export const WGSL_DIALECT: Dialect = {
  name: 'wgsl',
  unary: {
    neg: (a) => `(-${a})`,
    // Accurate replacements from the kernel prelude (see preludeWgsl.ts for why).
    sin: (a) => `sinCosAccurate(${a}).x`,
    cos: (a) => `sinCosAccurate(${a}).y`,
    tan: (a) => `tanAccurate(${a})`,
    exp: (a) => `exp(${a})`,
    log: (a) => `log(${a})`,
    sqrt: (a) => `sqrt(${a})`,
    tanh: (a) => `tanhSafe(${a})`,
    sigmoid: (a) => `(1.0 / (1.0 + exp(-${a})))`,
    abs: (a) => `abs(${a})`,
  },
  binary: {
    add: (a, b) => `(${a} + ${b})`,
    sub: (a, b) => `(${a} - ${b})`,
    mul: (a, b) => `(${a} * ${b})`,
    div: (a, b) => `(${a} / ${b})`,
    // WGSL's pow is undefined for a negative base; spow (kernel prelude) follows JavaScript's Math.pow.
    pow: (a, b) => (b === '2.0' ? `(${a} * ${a})` : `spow(${a}, ${b})`),
    min: (a, b) => `min(${a}, ${b})`,
    max: (a, b) => `max(${a}, ${b})`,
    lt: (a, b) => `(${a} < ${b})`,
  },
  number: wgslNumber,
  declare: (name, expr) => `let ${name} = ${expr};`,
  // WGSL's select takes (if false, if true, condition).
  select: (c, t, f) => `select(${f}, ${t}, ${c})`,
  // As in JavaScript: comparisons (false for NaN) pick the row; the u32 of a floor that is not
  // selected (a NaN or a huge index) is never used, and row counts up to 2^24 are exact in f32.
  tableRowStart: (x, rows, cols, offset) => (rows === 1 ? `${offset}u`
    : `(${offset > 0 ? `${offset}u + ` : ''}${cols}u * select(select(0u, u32(floor(${x})), ${x} >= 1.0), ${rows - 1}u, ${x} >= ${wgslNumber(rows - 1)}))`),
  tableElement: (array, start, k) => (k === 0 ? `${array}[${start}]` : `${array}[${start} + ${k}u]`),
  loops: {
    index: (n) => `${n}u`,
    forLoop: (v, n, step = 1) => `for (var ${v} = 0u; ${v} < ${n}u; ${step === 1 ? `${v}++` : `${v} += ${step}u`}) {`,
    mutable: (name, expr) => `var ${name} = ${expr};`,
    storeBool: (b) => `select(0.0, 1.0, ${b})`,
    loadBool: (f) => `(${f} != 0.0)`,
  },
};

/** Renders `fn` as WGSL `let` statements for the GPU kernels. */
export function renderFunctionWgsl(fn: IRFunction, bindings: WgslBindings, prefix: string): { lines: string[]; outputs: WgslValue[] } {
  return renderScalarFunction(fn, bindings, prefix, WGSL_DIALECT);
}
