import type { BinaryOp, UnaryOp } from './types.ts';

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
