import { GELU_C, GELU_K } from '../ir/fold.ts';
import { isBinaryOp, isElementaryUnaryOp, isUnaryOp, sizeOf, type ActivationGradOp, type ActivationOp, type BinaryOp, type ElementaryUnaryOp, type IRFunction } from '../ir/types.ts';

/** Scalarised value: one source expression (a local name or a literal) per tensor element. */
export type ScalarValue = readonly string[];

/** How to bind a function's inputs and random draws when it is inlined into a kernel. */
export interface ScalarBindings {
  /** One scalarised value per param of the function. */
  params: readonly ScalarValue[];
  /** Source expression for draw `draw` of the given kind; required when the function draws. */
  random?: (kind: 'normal' | 'uniform', draw: number) => string;
  /**
   * Where table `table` of the function (see `IRFunction.tables`) lives: the name of the flat
   * array that holds it (an identifier fixed by the kernel generator) and the index of its first
   * value there. Required when the function reads tables; their values never enter the source.
   */
  tables?: (table: number) => { array: string; offset: number };
}

/** What differs between target languages: the op table and a few spellings. */
export interface Dialect {
  name: string;
  unary: Record<ElementaryUnaryOp, (a: string) => string>;
  binary: Record<BinaryOp, (a: string, b: string) => string>;
  number: (v: number) => string;
  /** A local declaration statement. */
  declare: (name: string, expr: string) => string;
  select: (cond: string, ifTrue: string, ifFalse: string) => string;
  /**
   * `table_row`: the index in a flat table array of the first value of row ⌊x⌋ clamped to
   * [0, rows − 1] (NaN → row 0, as core/ir/fold.ts `tableRowIndex`) of a table with `cols`
   * columns whose first value is at `offset`.
   */
  tableRowStart: (x: string, rows: number, cols: number, offset: number) => string;
  /** Value `k` of a row of the table array `array` whose first value is at `start` (a local). */
  tableElement: (array: string, start: string, k: number) => string;
  /** Spellings for arrays and loops, needed by the loop renderer (core/backends/renderLoops.ts). */
  loops?: LoopSpelling;
  /**
   * How a kernel inlines a field (stepCode.ts evalField); default {@link renderScalarFunction}.
   * Kernels of stages with networks set it to route those fields to the loop renderer and bind
   * their weights (see core/backends/networkFields.ts).
   */
  inline?: (fn: IRFunction, bindings: ScalarBindings, prefix: string) => { lines: string[]; outputs: ScalarValue[] };
}

/**
 * What the loop renderer needs beyond straight-line code: integer index literals, counted loops,
 * mutable locals (accumulators) and bools stored in float arrays.
 */
export interface LoopSpelling {
  /** An array index literal, e.g. `12` (JavaScript) or `12u` (WGSL). */
  index: (n: number) => string;
  /** Opening line of the loop `v = 0, step, 2 step, … < n` (closed by `}`); step defaults to 1. */
  forLoop: (v: string, n: number, step?: number) => string;
  /** A mutable local declaration. */
  mutable: (name: string, expr: string) => string;
  /** A bool as the number stored in a float array (1 or 0), and back. */
  storeBool: (b: string) => string;
  loadBool: (f: string) => string;
}

/** What a generated name must look like (prefixes and table arrays come from the generators). */
export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Renders `fn` as straight-line statements in a dialect, one local per scalar, and returns them
 * with the scalarised outputs. `prefix` keeps the locals of several inlined copies apart; it must
 * be an identifier chosen by the kernel generator, never user text.
 */
export function renderScalarFunction(fn: IRFunction, bindings: ScalarBindings, prefix: string, dialect: Dialect): { lines: string[]; outputs: ScalarValue[] } {
  if (!IDENTIFIER.test(prefix)) throw new Error(`render (${dialect.name}): bad prefix '${prefix}'`);
  const lines: string[] = [];
  const values: ScalarValue[] = [];
  const local = (i: number, k: number, expr: string): string => {
    const name = sizeOf(fn.nodes[i].type) === 1 ? `${prefix}${i}` : `${prefix}${i}_${k}`;
    lines.push(dialect.declare(name, expr));
    return name;
  };
  fn.nodes.forEach((node, i) => {
    const args = node.args.map((a) => values[a]);
    const at = (v: ScalarValue, k: number) => (v.length === 1 ? v[0] : v[k]);
    const n = sizeOf(node.type);
    switch (node.op) {
      case 'const': values.push([dialect.number(node.value ?? 0)]); return;
      case 'param': {
        const bound = bindings.params[node.index ?? -1];
        if (!bound) throw new Error(`render (${dialect.name}): param ${node.index} of ${fn.name} is not bound`);
        values.push(bound);
        return;
      }
      case 'index': values.push([args[0][node.index ?? 0]]); return;
      case 'stack': values.push(args.map((a) => a[0])); return;
      case 'random_normal': case 'random_uniform': {
        if (!bindings.random) throw new Error(`render (${dialect.name}): ${fn.name} draws random numbers but no stream is bound`);
        values.push([local(i, 0, bindings.random(node.op === 'random_normal' ? 'normal' : 'uniform', node.index ?? 0))]);
        return;
      }
      case 'table_row': {
        const table = fn.tables?.[node.index ?? -1];
        if (!table) throw new Error(`render (${dialect.name}): ${fn.name} reads table ${node.index}, which it does not have`);
        if (!bindings.tables) throw new Error(`render (${dialect.name}): ${fn.name} reads a table but no table array is bound (tables are supported in initial samplers)`);
        const { array, offset } = bindings.tables(node.index ?? 0);
        if (!IDENTIFIER.test(array) || !Number.isSafeInteger(offset) || offset < 0) throw new Error(`render (${dialect.name}): bad table binding '${array}' + ${offset}`);
        const start = `${prefix}${i}r`;
        lines.push(dialect.declare(start, dialect.tableRowStart(args[0][0], table.rows, table.cols, offset)));
        values.push(Array.from({ length: n }, (_, k) => local(i, k, dialect.tableElement(array, start, k))));
        return;
      }
      case 'select':
        values.push(Array.from({ length: n }, (_, k) => local(i, k, dialect.select(at(args[0], k), at(args[1], k), at(args[2], k)))));
        return;
      case 'sum': values.push([local(i, 0, `(${args[0].join(' + ')})`)]); return;
      case 'matmul': {
        const cols = fn.nodes[node.args[0]].type.shape[1] ?? 0;
        values.push(Array.from({ length: n }, (_, r) =>
          local(i, r, `(${Array.from({ length: cols }, (_, c) => `${args[0][r * cols + c]} * ${args[1][c]}`).join(' + ')})`)));
        return;
      }
      default:
        if (isElementaryUnaryOp(node.op)) {
          const f = dialect.unary[node.op];
          values.push(args[0].map((a, k) => local(i, k, f(a))));
          return;
        }
        if (isUnaryOp(node.op)) {
          const f = ACTIVATIONS[node.op];
          values.push(args[0].map((a, k) => local(i, k, f(dialect, a, (expr) => {
            lines.push(dialect.declare(`${prefix}${i}t_${k}`, expr));
            return `${prefix}${i}t_${k}`;
          }))));
          return;
        }
        if (isBinaryOp(node.op)) {
          const f = dialect.binary[node.op];
          values.push(Array.from({ length: n }, (_, k) => local(i, k, f(at(args[0], k), at(args[1], k)))));
          return;
        }
        throw new Error(`render (${dialect.name}): op '${String(node.op)}' has no rendering`);
    }
  });
  return { lines, outputs: fn.outputs.map((o) => values[o]) };
}

/**
 * Activations and their derivatives in terms of each dialect's elementary ops (semantics in
 * core/ir/fold.ts), so every backend gets them without an entry of its own; `temp` declares a
 * shared subexpression once.
 */
export const ACTIVATIONS: Record<ActivationOp | ActivationGradOp, (d: Dialect, a: string, temp: (expr: string) => string) => string> = {
  silu: (d, a) => d.binary.mul(a, d.unary.sigmoid(a)),
  // max(a, 0) + log(1 + e^-|a|) never overflows, unlike log(1 + e^a).
  softplus: (d, a) => d.binary.add(d.binary.max(a, d.number(0)), d.unary.log(d.binary.add(d.number(1), d.unary.exp(d.unary.neg(d.unary.abs(a)))))),
  relu: (d, a) => d.select(d.binary.lt(d.number(0), a), a, d.number(0)),
  gelu: (d, a) => d.binary.mul(d.binary.mul(d.number(0.5), a), d.binary.add(d.number(1), d.unary.tanh(geluInner(d, a)))),
  silu_grad: (d, a, temp) => {
    const s = temp(d.unary.sigmoid(a));
    return d.binary.mul(s, d.binary.add(d.number(1), d.binary.mul(a, d.binary.sub(d.number(1), s))));
  },
  gelu_grad: (d, a, temp) => {
    const th = temp(d.unary.tanh(geluInner(d, a)));
    const du = d.binary.mul(d.number(GELU_C), d.binary.add(d.number(1), d.binary.mul(d.number(3 * GELU_K), d.binary.mul(a, a))));
    const left = d.binary.mul(d.number(0.5), d.binary.add(d.number(1), th));
    return d.binary.add(left, d.binary.mul(d.binary.mul(d.binary.mul(d.number(0.5), a), d.binary.sub(d.number(1), d.binary.mul(th, th))), du));
  },
  relu_grad: (d, a) => d.select(d.binary.lt(d.number(0), a), d.number(1), d.number(0)),
};

/** √(2/π) (a + 0.044715 a³), the argument of tanh in GELU. */
function geluInner(d: Dialect, a: string): string {
  return d.binary.mul(d.number(GELU_C), d.binary.add(a, d.binary.mul(d.number(GELU_K), d.binary.mul(a, d.binary.mul(a, a)))));
}
