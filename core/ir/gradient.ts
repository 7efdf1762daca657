import { IRBuilder } from './builder.ts';
import { unaryDerivative } from './derivative.ts';
import { emitNode } from './emit.ts';
import { isUnaryOp, type IRFunction, type IRNode, type ValueId } from './types.ts';

/** Options of {@link emitGradient}. */
export interface GradientOptions {
  /** Which output of the function to differentiate (default 0); it must be a scalar. */
  output?: number;
  /** The adjoint of that output (default the constant 1); a value of the builder. */
  seed?: ValueId;
}

/** What {@link emitGradient} emitted: the function's outputs and one gradient per `wrt` param. */
export interface EmittedGradient {
  outputs: ValueId[];
  /** Same shapes as the params in `wrt`, in that order (zeros where the output does not depend on one). */
  gradients: ValueId[];
}

/**
 * Reverse-mode gradient as an IR → IR transformation: a function with the same params as `fn`
 * that returns [value, ∂value/∂param for each param number in `wrt`].
 *
 * @example gradient(loss, [0, 1, 2, 3]) // loss(W1, b1, W2, b2, x0) → [loss, dW1, db1, dW2, db2]
 */
export function gradient(fn: IRFunction, wrt: readonly number[], options: { output?: number; name?: string } = {}): IRFunction {
  const b = new IRBuilder(options.name ?? `${fn.name}_grad`, fn.params);
  const r = emitGradient(b, fn, fn.params.map((_, i) => b.param(i)), wrt, { output: options.output });
  return b.build([r.outputs[options.output ?? 0], ...r.gradients]);
}

/**
 * Inlines `fn` into `builder` with `args` bound to its params, followed by its reverse sweep.
 * Only values that depend on a `wrt` param and feed the output get adjoints. The adjoint code is
 * plain IR again, so it composes with forward mode both ways: a gradient of a loss that contains
 * a JVP or a divergence (sliced score matching, Fokker–Planck residuals), or a JVP of a gradient.
 */
export function emitGradient(
  builder: IRBuilder, fn: IRFunction, args: readonly ValueId[], wrt: readonly number[], options: GradientOptions = {},
): EmittedGradient {
  const b = builder;
  const values: ValueId[] = [];
  for (const node of fn.nodes) values.push(emitNode(b, node, values, args, fn.tables));
  const out = fn.outputs[options.output ?? 0];
  if (out === undefined) throw new Error(`gradient of ${fn.name}: no output number ${options.output ?? 0}`);
  if (fn.nodes[out].type.shape.length !== 0) {
    throw new Error(`gradient of ${fn.name}: output ${options.output ?? 0} has shape [${fn.nodes[out].type.shape}]; reverse mode needs a scalar (sum it first)`);
  }
  const active = activeNodes(fn, wrt);
  const adjoints: (ValueId | undefined)[] = new Array(fn.nodes.length);
  adjoints[out] = options.seed ?? b.constant(1);
  for (let i = fn.nodes.length - 1; i >= 0; i--) {
    const g = adjoints[i];
    if (g === undefined || !active[i]) continue;
    const node = fn.nodes[i];
    const accumulate = (position: number, contribution: ValueId) => {
      const arg = node.args[position];
      if (!active[arg] || b.isZero(contribution)) return;
      const shape = fn.nodes[arg].type.shape;
      // Broadcasting forward sums backward: a scalar operand of a vector op gets the total.
      const reduced = shape.length === 0 && b.shapeOf(contribution).length > 0 ? b.sum(contribution) : b.like(contribution, shape);
      const before = adjoints[arg];
      adjoints[arg] = before === undefined ? reduced : b.add(before, reduced);
    };
    adjointRule(b, node, values[i], node.args.map((a) => values[a]), g, node.args.map((a) => active[a]), accumulate);
  }
  const gradients = wrt.map((p) => {
    const param = fn.params[p];
    if (!param) throw new Error(`gradient of ${fn.name}: no param number ${p}`);
    let total: ValueId | undefined;
    fn.nodes.forEach((node, i) => {
      const adj = adjoints[i];
      if (node.op === 'param' && node.index === p && adj !== undefined) total = total === undefined ? adj : b.add(total, adj);
    });
    return total ?? b.zeros(param.type.shape);
  });
  return { outputs: fn.outputs.map((o) => values[o]), gradients };
}

/** Nodes whose value depends on a `wrt` param through differentiable ops. */
function activeNodes(fn: IRFunction, wrt: readonly number[]): boolean[] {
  const active: boolean[] = [];
  for (const node of fn.nodes) {
    switch (node.op) {
      case 'param': active.push(wrt.includes(node.index ?? -1)); break;
      // Piecewise-constant ops have a zero derivative almost everywhere (table_row: the table is data).
      case 'lt': case 'relu_grad': case 'const': case 'random_normal': case 'random_uniform': case 'table_row': active.push(false); break;
      case 'select': active.push(active[node.args[1]] || active[node.args[2]]); break;
      default: active.push(node.args.some((a) => active[a]));
    }
  }
  return active;
}

/**
 * Calls `add(position, contribution)` for each argument of one node, given the node's value `v`,
 * its argument values `x` and its adjoint `g` (inactive arguments are skipped by the caller).
 */
function adjointRule(
  b: IRBuilder, node: IRNode, v: ValueId, x: readonly ValueId[], g: ValueId, active: readonly boolean[],
  add: (position: number, contribution: ValueId) => void,
): void {
  const [p, q] = x;
  switch (node.op) {
    case 'index': add(0, b.oneHot(g, node.index ?? 0, b.shapeOf(p)[0] ?? 1)); return;
    case 'stack': x.forEach((_, j) => add(j, b.index(g, j))); return;
    case 'concat': {
      let offset = 0;
      x.forEach((part, j) => {
        const len = b.shapeOf(part)[0];
        add(j, len === undefined ? b.index(g, offset) : b.slice(g, offset, len));
        offset += len ?? 1;
      });
      return;
    }
    case 'slice': add(0, b.pad(g, node.index ?? 0, b.shapeOf(p)[0] ?? 1)); return;
    case 'broadcast': add(0, b.sum(g)); return;
    case 'sum': add(0, b.like(g, b.shapeOf(p))); return;
    case 'select': {
      const zero = b.constant(0);
      if (active[1]) add(1, b.select(p, g, zero));
      if (active[2]) add(2, b.select(p, zero, g));
      return;
    }
    case 'matmul':
      if (active[0]) add(0, b.outer(g, q));
      if (active[1]) add(1, b.matmulT(p, g));
      return;
    case 'matmul_t':
      if (active[0]) add(0, b.outer(q, g));
      if (active[1]) add(1, b.matmul(p, g));
      return;
    case 'outer':
      if (active[0]) add(0, b.matmul(g, q));
      if (active[1]) add(1, b.matmulT(g, p));
      return;
    case 'add': add(0, g); add(1, g); return;
    case 'sub': add(0, g); if (active[1]) add(1, b.neg(g)); return;
    case 'mul':
      if (active[0]) add(0, b.mul(g, q));
      if (active[1]) add(1, b.mul(g, p));
      return;
    case 'div':
      if (active[0]) add(0, b.div(g, q));
      if (active[1]) add(1, b.neg(b.div(b.mul(g, v), q)));
      return;
    case 'pow':
      if (active[0]) add(0, b.mul(g, b.mul(q, b.binary('pow', p, b.sub(q, b.constant(1))))));
      if (active[1]) add(1, b.mul(g, b.mul(v, b.unary('log', p))));
      return;
    case 'min': case 'max': {
      // min picks p where p < q, max picks q there; ties follow forward mode (min: q, max: p).
      const less = b.binary('lt', p, q);
      const zero = b.constant(0);
      const [first, second] = node.op === 'min' ? [g, zero] : [zero, g];
      if (active[0]) add(0, b.select(less, first, second));
      if (active[1]) add(1, b.select(less, second, first));
      return;
    }
    case 'neg': add(0, b.neg(g)); return;
    case 'exp': add(0, b.mul(g, v)); return;
    case 'log': add(0, b.div(g, p)); return;
    case 'sqrt': add(0, b.div(g, b.mul(b.constant(2), v))); return;
    case 'abs': add(0, b.select(b.binary('lt', p, b.constant(0)), b.neg(g), g)); return;
    default:
      if (isUnaryOp(node.op)) add(0, b.mul(g, unaryDerivative(b, node.op, p, v)));
      // const, param, lt, random draws, table_row (never active): no arguments to differentiate.
  }
}
