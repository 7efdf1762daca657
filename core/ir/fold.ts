import type { BinaryOp, UnaryOp } from './types.ts';

/** √(2/π), the GELU tanh-approximation constant. */
export const GELU_C = Math.sqrt(2 / Math.PI);
/** Cubic coefficient of the GELU tanh approximation. */
export const GELU_K = 0.044715;

/** Logistic sigmoid that does not overflow for large |a|. */
function sigmoid(a: number): number {
  if (a >= 0) return 1 / (1 + Math.exp(-a));
  const e = Math.exp(a);
  return e / (1 + e);
}

/** Reference semantics of the unary ops; backends must agree with these. */
export function foldUnary(op: UnaryOp, a: number): number {
  switch (op) {
    case 'neg': return -a;
    case 'sin': return Math.sin(a);
    case 'cos': return Math.cos(a);
    case 'tan': return Math.tan(a);
    case 'exp': return Math.exp(a);
    case 'log': return Math.log(a);
    case 'sqrt': return Math.sqrt(a);
    case 'tanh': return Math.tanh(a);
    case 'sigmoid': return 1 / (1 + Math.exp(-a));
    case 'abs': return Math.abs(a);
    case 'silu': return a * sigmoid(a);
    // max(a, 0) + log1p(e^-|a|): exact in float64 for every a, where log(1 + e^a) overflows.
    case 'softplus': return Math.max(a, 0) + Math.log1p(Math.exp(-Math.abs(a)));
    case 'relu': return a > 0 ? a : 0;
    case 'gelu': return 0.5 * a * (1 + Math.tanh(GELU_C * (a + GELU_K * a * a * a)));
    case 'silu_grad': {
      const s = sigmoid(a);
      return s * (1 + a * (1 - s));
    }
    case 'gelu_grad': {
      const th = Math.tanh(GELU_C * (a + GELU_K * a * a * a));
      return 0.5 * (1 + th) + 0.5 * a * (1 - th * th) * GELU_C * (1 + 3 * GELU_K * a * a);
    }
    case 'relu_grad': return a > 0 ? 1 : 0;
  }
}

/** Reference semantics of the binary ops; `lt` gives 1 or 0. */
export function foldBinary(op: BinaryOp, a: number, b: number): number {
  switch (op) {
    case 'add': return a + b;
    case 'sub': return a - b;
    case 'mul': return a * b;
    case 'div': return a / b;
    case 'pow': return Math.pow(a, b);
    case 'min': return Math.min(a, b);
    case 'max': return Math.max(a, b);
    case 'lt': return a < b ? 1 : 0;
  }
}

/**
 * Reference semantics of `table_row`'s index: ⌊x⌋ clamped to [0, rows − 1], with NaN giving row 0
 * and ±∞ the last or first row. Written as comparisons (false for NaN) rather than min/max of a
 * floor, which is how the kernels spell it too, so every backend picks the same row.
 */
export function tableRowIndex(x: number, rows: number): number {
  return x >= rows - 1 ? rows - 1 : x >= 1 ? Math.floor(x) : 0;
}
