import type { IRBuilder } from './builder.ts';
import { emitNode } from './emit.ts';
import { GELU_C, GELU_K } from './fold.ts';
import type { IRFunction, IRNode, UnaryOp, ValueId } from './types.ts';

/** A tangent value, or null for an exact zero (so untouched branches cost nothing). */
type Tangent = ValueId | null;

/**
 * Forward-mode derivative (a Jacobian-vector product) of `fn`, inlined into `builder`.
 * `args` bind the params, `tangents` their directions (null = zero). Returns the outputs and
 * their directional derivatives; e.g. tangent e_i on x gives ∂f/∂x_i, which Milstein needs.
 * The tangent code is plain IR, so a reverse-mode gradient of it (a loss that contains a JVP or a
 * divergence) needs nothing more.
 */
export function emitTangent(
  builder: IRBuilder, fn: IRFunction, args: readonly ValueId[], tangents: readonly Tangent[],
): { outputs: ValueId[]; tangents: ValueId[] } {
  const values: ValueId[] = [];
  const dots: Tangent[] = [];
  for (const node of fn.nodes) {
    const v = emitNode(builder, node, values, args, fn.tables);
    values.push(v);
    dots.push(tangentOf(builder, node, v, values, dots, tangents));
  }
  return {
    outputs: fn.outputs.map((o) => values[o]),
    tangents: fn.outputs.map((o) => dots[o] ?? builder.like(builder.constant(0), fn.nodes[o].type.shape)),
  };
}

/**
 * f'(a) for the unary ops that have no special tangent form below (the activations and their
 * derivatives), given the argument `a` and the value `v = f(a)`. Written with IR ops that are
 * themselves differentiable, so second derivatives (a gradient through a JVP) work.
 */
export function unaryDerivative(b: IRBuilder, op: UnaryOp, a: ValueId, v: ValueId): ValueId {
  const one = b.constant(1);
  const sig = () => b.unary('sigmoid', a);
  switch (op) {
    case 'neg': return b.constant(-1);
    case 'sin': return b.unary('cos', a);
    case 'cos': return b.neg(b.unary('sin', a));
    case 'tan': return b.add(one, b.mul(v, v));
    case 'exp': return v;
    case 'log': return b.div(one, a);
    case 'sqrt': return b.div(one, b.mul(b.constant(2), v));
    case 'tanh': return b.sub(one, b.mul(v, v));
    case 'sigmoid': return b.mul(v, b.sub(one, v));
    case 'abs': return b.select(b.binary('lt', a, b.constant(0)), b.constant(-1), one);
    case 'silu': return b.unary('silu_grad', a);
    case 'softplus': return sig();
    case 'relu': return b.unary('relu_grad', a);
    case 'gelu': return b.unary('gelu_grad', a);
    case 'relu_grad': return b.constant(0);
    case 'silu_grad': {
      // s(1 - s)(2 + a(1 - 2s)), s = sigmoid(a).
      const s = sig();
      const ds = b.mul(s, b.sub(one, s));
      return b.mul(ds, b.add(b.constant(2), b.mul(a, b.sub(one, b.mul(b.constant(2), s)))));
    }
    case 'gelu_grad': {
      // (1 - th²)(u' + a/2 (u'' - 2 th u'²)), u = c(a + k a³), th = tanh(u).
      const a2 = b.mul(a, a);
      const th = b.unary('tanh', b.mul(b.constant(GELU_C), b.add(a, b.mul(b.constant(GELU_K), b.mul(a2, a)))));
      const du = b.mul(b.constant(GELU_C), b.add(one, b.mul(b.constant(3 * GELU_K), a2)));
      const ddu = b.mul(b.constant(6 * GELU_C * GELU_K), a);
      const inner = b.sub(ddu, b.mul(b.mul(b.constant(2), th), b.mul(du, du)));
      return b.mul(b.sub(one, b.mul(th, th)), b.add(du, b.mul(b.mul(b.constant(0.5), a), inner)));
    }
  }
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
    // table_row: the table is data and the row is piecewise constant in its index, so zero.
    case 'const': case 'random_normal': case 'random_uniform': case 'lt': case 'relu_grad': case 'table_row': return null;
    case 'param': return seeds[node.index ?? -1] ?? null;
    case 'index': return da === null ? null : b.index(da, node.index ?? 0);
    case 'stack': return dx.every((t) => t === null) ? null : b.stack(dx.map((t) => t ?? zero()));
    case 'concat': return dx.every((t) => t === null) ? null : b.concat(dx.map((t, i) => t ?? b.like(zero(), b.shapeOf(x[i]))));
    case 'slice': return da === null ? null : b.slice(da, node.index ?? 0, node.type.shape[0] ?? 1);
    case 'broadcast': return da === null ? null : b.broadcast(da, node.type.shape);
    case 'select': return dx[1] === null && dx[2] === null ? null : b.select(a, dx[1] ?? zero(), dx[2] ?? zero());
    case 'sum': return da === null ? null : b.sum(da);
    case 'matmul': return plus(da === null ? null : b.matmul(da, c), dc === null ? null : b.matmul(a, dc));
    case 'matmul_t': return plus(da === null ? null : b.matmulT(da, c), dc === null ? null : b.matmulT(a, dc));
    case 'outer': return plus(da === null ? null : b.outer(da, c), dc === null ? null : b.outer(a, dc));
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
    case 'silu': case 'softplus': case 'relu': case 'gelu': case 'silu_grad': case 'gelu_grad':
      return da === null ? null : b.mul(da, unaryDerivative(b, node.op, a, v));
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
