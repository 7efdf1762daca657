import type { IRFunction } from '../../ir/types.ts';
import { renderScalarFunction, type Dialect, type ScalarBindings, type ScalarValue } from '../renderScalar.ts';

export type JsValue = ScalarValue;
export type JsBindings = ScalarBindings;

/** A numeric literal as JavaScript source; only numbers ever reach generated code this way. */
export function jsNumber(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '(-Infinity)';
  if (Object.is(v, -0)) return '(-0)';
  const s = String(v);
  return v < 0 ? `(${s})` : s;
}

/** JavaScript: float64 arithmetic with Math's functions. */
export const JS_DIALECT: Dialect = {
  name: 'javascript',
  unary: {
    neg: (a) => `(-${a})`,
    sin: (a) => `Math.sin(${a})`,
    cos: (a) => `Math.cos(${a})`,
    tan: (a) => `Math.tan(${a})`,
    exp: (a) => `Math.exp(${a})`,
    log: (a) => `Math.log(${a})`,
    sqrt: (a) => `Math.sqrt(${a})`,
    tanh: (a) => `Math.tanh(${a})`,
    sigmoid: (a) => `(1 / (1 + Math.exp(-${a})))`,
    abs: (a) => `Math.abs(${a})`,
  },
  binary: {
    add: (a, b) => `(${a} + ${b})`,
    sub: (a, b) => `(${a} - ${b})`,
    mul: (a, b) => `(${a} * ${b})`,
    div: (a, b) => `(${a} / ${b})`,
    pow: (a, b) => (b === '2' ? `(${a} * ${a})` : `Math.pow(${a}, ${b})`),
    min: (a, b) => `Math.min(${a}, ${b})`,
    max: (a, b) => `Math.max(${a}, ${b})`,
    lt: (a, b) => `(${a} < ${b})`,
  },
  number: jsNumber,
  declare: (name, expr) => `const ${name} = ${expr};`,
  select: (c, t, f) => `(${c} ? ${t} : ${f})`,
  // Comparisons are false for NaN, which so lands on row 0; sizes are integers from the IR.
  tableRowStart: (x, rows, cols, offset) => (rows === 1 ? `${offset}`
    : `(${offset > 0 ? `${offset} + ` : ''}${cols} * (${x} >= ${rows - 1} ? ${rows - 1} : ${x} >= 1 ? Math.floor(${x}) : 0))`),
  tableElement: (array, start, k) => (k === 0 ? `${array}[${start}]` : `${array}[${start} + ${k}]`),
  loops: {
    index: (n) => String(n),
    forLoop: (v, n, step = 1) => `for (let ${v} = 0; ${v} < ${n}; ${step === 1 ? `${v}++` : `${v} += ${step}`}) {`,
    mutable: (name, expr) => `let ${name} = ${expr};`,
    storeBool: (b) => `(${b} ? 1 : 0)`,
    loadBool: (f) => `(${f} !== 0)`,
  },
};

/** Renders `fn` as straight-line JavaScript (`const p_7 = (p_3 * x1);`) for the CPU kernels. */
export function renderFunctionJs(fn: IRFunction, bindings: JsBindings, prefix: string): { lines: string[]; outputs: JsValue[] } {
  return renderScalarFunction(fn, bindings, prefix, JS_DIALECT);
}
