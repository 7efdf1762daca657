import type { IRBuilder } from './builder.ts';
import { emitNode } from './emit.ts';
import type { IRFunction, IRNode, ValueId } from './types.ts';

/** A tangent value, or null for an exact zero (so untouched branches cost nothing). */
type Tangent = ValueId | null;

/**
 * Forward-mode derivative (a Jacobian-vector product) of `fn`, inlined into `builder`.
 * `args` bind the params, `tangents` their directions (null = zero). Returns the outputs and
 * their directional derivatives; e.g. tangent e_i on x gives ∂f/∂x_i, which Milstein needs.
 */
export function emitTangent(
  builder: IRBuilder, fn: IRFunction, args: readonly ValueId[], tangents: readonly Tangent[],
): { outputs: ValueId[]; tangents: ValueId[] } {
  const values: ValueId[] = [];
  const dots: Tangent[] = [];
  for (const node of fn.nodes) {
    const v = emitNode(builder, node, values, args);
    values.push(v);
    dots.push(tangentOf(builder, node, v, values, dots, tangents));
  }
  return {
    outputs: fn.outputs.map((o) => values[o]),
    tangents: fn.outputs.map((o) => dots[o] ?? builder.constant(0)),
  };
}

function tangentOf(
  b: IRBuilder, node: IRNode, v: ValueId, values: readonly ValueId[], dots: readonly Tangent[], seeds: readonly Tangent[],
): Tangent {
  const x = node.args.map((a) => values[a]);
  const dx = node.args.map((a) => dots[a]);
  const [a, c] = x;
  const [da, dc] = dx;
  const zero = () => b.constant(0);
  const scale = (factor: ValueId, t: Tangent): Tangent => (t === null ? null : b.mul(factor, t));
  const plus = (p: Tangent, q: Tangent): Tangent => (p === null ? q : q === null ? p : b.add(p, q));
  switch (node.op) {
    case 'const': case 'random_normal': case 'random_uniform': case 'lt': return null;
    case 'param': return seeds[node.index ?? -1] ?? null;
    case 'index': return da === null ? null : b.index(da, node.index ?? 0);
    case 'stack': return dx.every((t) => t === null) ? null : b.stack(dx.map((t) => t ?? zero()));
    case 'select': return dx[1] === null && dx[2] === null ? null : b.select(a, dx[1] ?? zero(), dx[2] ?? zero());
    case 'sum': return da === null ? null : b.sum(da);
    case 'matmul': return plus(da === null ? null : b.matmul(da, c), dc === null ? null : b.matmul(a, dc));
    case 'neg': return da === null ? null : b.neg(da);
    case 'sin': return scale(b.unary('cos', a), da);
    case 'cos': return scale(b.neg(b.unary('sin', a)), da);
    case 'tan': return scale(b.add(b.constant(1), b.mul(v, v)), da);
    case 'exp': return scale(v, da);
    case 'log': return da === null ? null : b.div(da, a);
    case 'sqrt': return da === null ? null : b.div(da, b.mul(b.constant(2), v));
    case 'tanh': return scale(b.sub(b.constant(1), b.mul(v, v)), da);
    case 'sigmoid': return scale(b.mul(v, b.sub(b.constant(1), v)), da);
    case 'abs': return da === null ? null : b.select(b.binary('lt', a, b.constant(0)), b.neg(da), da);
    case 'add': return plus(da, dc);
    case 'sub': return dc === null ? da : plus(da, b.neg(dc));
    case 'mul': return plus(scale(c, da), scale(a, dc));
    case 'div': return plus(da === null ? null : b.div(da, c), dc === null ? null : b.neg(b.div(b.mul(v, dc), c)));
    case 'pow': {
      // d(a^c) = c a^(c-1) da + a^c ln(a) dc; the second term only when the exponent varies.
      const base = da === null ? null : b.mul(b.mul(c, b.binary('pow', a, b.sub(c, b.constant(1)))), da);
      return plus(base, dc === null ? null : b.mul(b.mul(v, b.unary('log', a)), dc));
    }
    case 'min': return da === null && dc === null ? null : b.select(b.binary('lt', a, c), da ?? zero(), dc ?? zero());
    case 'max': return da === null && dc === null ? null : b.select(b.binary('lt', a, c), dc ?? zero(), da ?? zero());
  }
}
