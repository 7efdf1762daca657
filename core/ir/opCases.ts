import { IRBuilder } from './builder.ts';
import type { RandomDraws } from './interpret.ts';
import { matrixType, SCALAR, vectorType, type IROp, type IRFunction, type TensorType, type UnaryOp, type ValueId } from './types.ts';

/**
 * One small function per IR op, built around that op with random shapes, for the derivative
 * checks (reverse mode against finite differences in gradient.test.ts, forward mode in
 * jvp.test.ts). Each returns a scalar `loss = Σ r ⊙ y(op)` with a random weight tensor r (the
 * last param, not differentiated) so every element of the op's result matters.
 * Keyed by {@link IROp}: an op without a case does not compile, so new ops get checked.
 */
export interface OpCase {
  fn: IRFunction;
  inputs: number[][];
  /** Params to differentiate (all but r). */
  wrt: number[];
  random?: RandomDraws;
}

/** A seeded uniform generator (mulberry32): tests stay reproducible without global state. */
export function testRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Domain = (u: number, sign: number) => number;
const anywhere: Domain = (u) => 4 * u - 2;
const positive: Domain = (u) => 0.5 + 1.5 * u;
/** Away from the kink at 0 of abs, relu, min, max and the steps. */
const awayFromZero: Domain = (u, sign) => sign * (0.2 + 1.8 * u);

interface Arg { type: TensorType; domain?: Domain }

/** Builds `loss = Σ r ⊙ body(params)` and draws inputs in each param's domain. */
function makeCase(rand: () => number, name: string, args: readonly Arg[], body: (b: IRBuilder, p: ValueId[]) => ValueId, random?: RandomDraws): OpCase {
  const probe = new IRBuilder('probe', args.map((a, i) => ({ name: `p${i}`, type: a.type })));
  const outType = probe.typeOf(body(probe, args.map((_, i) => probe.param(i))));
  const params = [...args.map((a, i) => ({ name: `p${i}`, type: a.type })), { name: 'r', type: { dtype: 'f64' as const, shape: outType.shape } }];
  const b = new IRBuilder(name, params);
  const p = args.map((_, i) => b.param(i));
  const loss = b.sum(b.mul(body(b, p), b.param(args.length)));
  const size = (t: TensorType) => t.shape.reduce((x, y) => x * y, 1);
  const inputs = params.map((q, i) => Array.from({ length: size(q.type) }, () => (args[i]?.domain ?? anywhere)(rand(), rand() < 0.5 ? -1 : 1)));
  return { fn: b.build([loss]), inputs, wrt: args.map((_, i) => i), random };
}

const DOMAINS: Partial<Record<UnaryOp, Domain>> = {
  log: positive, sqrt: positive, abs: awayFromZero, relu: awayFromZero, relu_grad: awayFromZero,
  tan: (u) => 2 * u - 1,
};

const dim = (rand: () => number, max = 5) => 1 + Math.floor(rand() * max);

/** The case of one op with shapes drawn from `rand`. */
export const OP_CASES: Record<IROp, (rand: () => number) => OpCase> = {
  const: (r) => makeCase(r, 'const', [{ type: vectorType(dim(r)) }], (b, [x]) => b.add(b.mul(x, b.constant(1.7)), b.constant(0.3))),
  param: (r) => makeCase(r, 'param', [{ type: matrixType(dim(r), dim(r)) }], (_, [x]) => x),
  index: (r) => {
    const n = dim(r) + (r() < 0.5 ? 16 : 0); // both the stack and the zero-run form of the adjoint
    return makeCase(r, 'index', [{ type: vectorType(n) }], (b, [x]) => {
      const e = b.unary('exp', x);
      return b.stack([b.index(e, 0), b.index(e, n - 1), b.mul(b.index(e, n >> 1), b.index(e, 0))]);
    });
  },
  stack: (r) => makeCase(r, 'stack', [{ type: SCALAR }, { type: SCALAR }], (b, [x, y]) => b.stack([b.mul(x, y), b.unary('sin', x), y])),
  concat: (r) => makeCase(r, 'concat', [{ type: vectorType(dim(r)) }, { type: SCALAR }, { type: vectorType(dim(r)) }],
    (b, [x, s, z]) => b.unary('tanh', b.concat([b.unary('exp', x), s, b.mul(z, s)]))),
  slice: (r) => {
    const n = 2 + dim(r);
    const offset = Math.floor(r() * (n - 1));
    const length = 1 + Math.floor(r() * (n - offset - 1));
    return makeCase(r, 'slice', [{ type: vectorType(n) }], (b, [x]) => b.slice(b.unary('sin', x), offset, length));
  },
  broadcast: (r) => {
    const [m, k] = [dim(r), dim(r)];
    return makeCase(r, 'broadcast', [{ type: matrixType(m, k) }, { type: SCALAR }], (b, [w, s]) => b.matmul(w, b.broadcast(b.unary('sin', s), [k])));
  },
  select: (r) => makeCase(r, 'select', [{ type: vectorType(4), domain: awayFromZero }, { type: vectorType(4) }, { type: SCALAR }],
    (b, [c, x, s]) => b.select(b.binary('lt', c, b.constant(0)), b.mul(x, x), s)),
  matmul: (r) => {
    const [m, k] = [dim(r), dim(r)];
    return makeCase(r, 'matmul', [{ type: matrixType(m, k) }, { type: vectorType(k) }], (b, [w, x]) => b.matmul(w, x));
  },
  matmul_t: (r) => {
    const [m, k] = [dim(r), dim(r)];
    return makeCase(r, 'matmul_t', [{ type: matrixType(m, k) }, { type: vectorType(m) }], (b, [w, x]) => b.matmulT(w, x));
  },
  outer: (r) => makeCase(r, 'outer', [{ type: vectorType(dim(r)) }, { type: vectorType(dim(r)) }], (b, [x, y]) => b.outer(x, y)),
  sum: (r) => makeCase(r, 'sum', [{ type: matrixType(dim(r), dim(r)) }], (b, [w]) => b.sum(b.mul(w, w))),
  random_normal: (r) => makeCase(r, 'random_normal', [{ type: vectorType(dim(r)) }], (b, [x]) => b.mul(x, b.random('normal', 1)), { normal: [0.3, -1.2] }),
  random_uniform: (r) => makeCase(r, 'random_uniform', [{ type: vectorType(dim(r)) }], (b, [x]) => b.mul(b.mul(x, x), b.random('uniform', 0)), { uniform: [0.7] }),
  table_row: (r) => {
    // Two reads of one table (it is stored once); the index lands on k − ½ for k = 0 … rows + 1,
    // so both clamps are exercised and the finite differences never cross a row boundary.
    const [rows, cols] = [dim(r), dim(r)];
    const table = { rows, cols, data: Float64Array.from({ length: rows * cols }, () => 4 * r() - 2) };
    const index: Domain = (u) => Math.floor(u * (rows + 2)) - 0.5;
    return makeCase(r, 'table_row', [{ type: vectorType(cols) }, { type: SCALAR, domain: index }],
      (b, [x, s]) => b.add(b.mul(b.tableRow(table, s), b.unary('sin', x)), b.tableRow(table, b.add(s, b.constant(1)))));
  },
  ...unaryCases(),
  ...binaryCases(),
};

function unaryCases(): Record<UnaryOp, (rand: () => number) => OpCase> {
  const ops: UnaryOp[] = ['neg', 'sin', 'cos', 'tan', 'exp', 'log', 'sqrt', 'tanh', 'sigmoid', 'abs', 'silu', 'softplus', 'relu', 'gelu', 'silu_grad', 'gelu_grad', 'relu_grad'];
  return Object.fromEntries(ops.map((op) => [op, (r: () => number) => {
    // Vector, matrix or scalar argument: elementwise ops must work on every shape.
    const shapes = [vectorType(dim(r)), matrixType(dim(r, 3), dim(r, 3)), SCALAR];
    const type = shapes[Math.floor(r() * 3)];
    return makeCase(r, op, [{ type, domain: DOMAINS[op] }], (b, [x]) => b.unary(op, x));
  }])) as Record<UnaryOp, (rand: () => number) => OpCase>;
}

function binaryCases(): Record<'add' | 'sub' | 'mul' | 'div' | 'pow' | 'min' | 'max' | 'lt', (rand: () => number) => OpCase> {
  // Shapes: equal vectors or matrices, or one side a scalar (broadcast).
  const pair = (r: () => number): [TensorType, TensorType] => {
    const full = r() < 0.5 ? vectorType(dim(r)) : matrixType(dim(r, 3), dim(r, 3));
    const u = r();
    return u < 0.4 ? [full, full] : u < 0.7 ? [SCALAR, full] : [full, SCALAR];
  };
  const simple = (op: 'add' | 'sub' | 'mul', r: () => number) => {
    const [s, t] = pair(r);
    return makeCase(r, op, [{ type: s }, { type: t }], (b, [x, y]) => b.binary(op, x, y));
  };
  // min/max/lt need |a − b| bounded away from 0: a in ±[0.2, 2], b = 0 shifted by the same gap.
  const separated = (op: 'min' | 'max' | 'lt', r: () => number) => {
    const [s, t] = pair(r);
    return makeCase(r, op, [{ type: s, domain: awayFromZero }, { type: t, domain: (u) => 0.15 * (u - 0.5) }], (b, [x, y]) =>
      op === 'lt' ? b.select(b.binary('lt', x, y), b.mul(x, y), b.sub(y, x)) : b.binary(op, x, y));
  };
  return {
    add: (r) => simple('add', r),
    sub: (r) => simple('sub', r),
    mul: (r) => simple('mul', r),
    div: (r) => {
      const [s, t] = pair(r);
      return makeCase(r, 'div', [{ type: s }, { type: t, domain: awayFromZero }], (b, [x, y]) => b.div(x, y));
    },
    pow: (r) => {
      const [s, t] = pair(r);
      return makeCase(r, 'pow', [{ type: s, domain: positive }, { type: t }], (b, [x, y]) => b.binary('pow', x, y));
    },
    min: (r) => separated('min', r),
    max: (r) => separated('max', r),
    lt: (r) => separated('lt', r),
  };
}
