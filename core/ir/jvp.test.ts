import { describe, expect, test } from 'vitest';
import { IRBuilder } from './builder.ts';
import { emitTangent } from './derivative.ts';
import { gradient } from './gradient.ts';
import { interpretIR } from './interpret.ts';
import { emitDivergence, emitHutchinsonDivergence, emitJvp, emitTimeDerivative, jvpFunction } from './jvp.ts';
import { OP_CASES, testRng } from './opCases.ts';
import { ALL_OPS, matrixType, SCALAR, vectorType, type IRFunction } from './types.ts';
import { validateIR } from './validate.ts';

const TOLERANCE = 1e-6;

/** Relative distance of two arrays (absolute when the reference is 0). */
function relative(a: ArrayLike<number>, ref: ArrayLike<number>): number {
  let diff = 0;
  let norm = 0;
  for (let k = 0; k < ref.length; k++) {
    diff += (a[k] - ref[k]) ** 2;
    norm += ref[k] ** 2;
  }
  return norm > 0 ? Math.sqrt(diff / norm) : Math.sqrt(diff);
}

/** (f(x + h v) − f(x − h v)) / 2h for every output, in float64. */
function directional(fn: IRFunction, inputs: number[][], directions: (number[] | null)[], random?: Parameters<typeof interpretIR>[2], h = 1e-5): Float64Array[] {
  const at = (sign: number) => interpretIR(fn, inputs.map((x, i) => x.map((v, k) => v + sign * h * (directions[i]?.[k] ?? 0))), random);
  const [plus, minus] = [at(1), at(-1)];
  return plus.map((p, o) => p.map((v, k) => (v - minus[o][k]) / (2 * h)));
}

/** The function (params…, tangents of `wrt`…) → [outputs…, tangents…]. */
function tangentFunction(fn: IRFunction, wrt: readonly number[]): IRFunction {
  const b = new IRBuilder(`${fn.name}_tangent`, [...fn.params, ...wrt.map((p) => ({ name: `d${fn.params[p].name}`, type: fn.params[p].type }))]);
  const args = fn.params.map((_, i) => b.param(i));
  const seeds = fn.params.map((_, i) => (wrt.includes(i) ? b.param(fn.params.length + wrt.indexOf(i)) : null));
  const r = emitTangent(b, fn, args, seeds);
  return b.build([...r.outputs, ...r.tangents]);
}

describe('forward-mode tangent of every op against finite differences', () => {
  for (const op of ALL_OPS) {
    test.each([1, 2, 3])(`${op} (shapes from seed %i)`, (seed) => {
      const rand = testRng(seed * 104729 + op.length);
      const c = OP_CASES[op](rand);
      const t = tangentFunction(c.fn, c.wrt);
      expect(validateIR(t)).toEqual([]);
      const directions = c.inputs.map((x, i) => (c.wrt.includes(i) ? x.map(() => 2 * rand() - 1) : null));
      const [, tangent] = interpretIR(t, [...c.inputs, ...c.wrt.map((p) => directions[p] ?? [])], c.random);
      const [fd] = directional(c.fn, c.inputs, directions, c.random);
      expect(relative(tangent, fd)).toBeLessThanOrEqual(TOLERANCE);
    });
  }
});

/** f(x, t; W) = tanh(W x + t c) ⊙ (1 + x): a field R^3 → R^3 with a full Jacobian. */
function field(): IRFunction {
  const b = new IRBuilder('field', [{ name: 'x', type: vectorType(3) }, { name: 't', type: SCALAR }, { name: 'W', type: matrixType(3, 3) }]);
  const [x, t, W] = [b.param(0), b.param(1), b.param(2)];
  const c = b.constantVector([0.5, -1, 2]);
  return b.build([b.mul(b.unary('tanh', b.add(b.matmul(W, x), b.mul(t, c))), b.add(x, b.constant(1)))]);
}

const X = [0.3, -0.8, 0.5];
const T = 0.4;
const W = [0.3, -0.7, 1.1, 0.5, 0.2, -0.4, -0.9, 0.6, 0.8];

/** Build a scalar function of (x, t, W) from the field with `body`, and interpret it at (X, T, W). */
function evaluate(body: (b: IRBuilder, args: number[]) => number, random?: Parameters<typeof interpretIR>[2]): number {
  const f = field();
  const b = new IRBuilder('probe', f.params);
  const out = body(b, f.params.map((_, i) => b.param(i)));
  const fn = b.build([out]);
  expect(validateIR(fn)).toEqual([]);
  return interpretIR(fn, [X, T, W], random)[0][0];
}

/** ∂f_i/∂x_j by central differences. */
function jacobianFd(): number[][] {
  const f = field();
  return [0, 1, 2].map((j) => Array.from(directional(f, [X, [T], W], [[0, 1, 2].map((k) => (k === j ? 1 : 0)), null, null])[0]));
}

describe('JVP helpers', () => {
  test('emitJvp equals the directional finite difference', () => {
    const v = [0.2, -1.3, 0.7];
    const f = field();
    const b = new IRBuilder('jvp', f.params);
    const [, jv] = emitJvp(b, f, f.params.map((_, i) => b.param(i)), b.constantVector(v));
    const fn = b.build([jv]);
    expect(validateIR(fn)).toEqual([]);
    const [fd] = directional(f, [X, [T], W], [v, null, null]);
    expect(relative(interpretIR(fn, [X, T, W])[0], fd)).toBeLessThanOrEqual(TOLERANCE);
  });

  test('exact divergence by d JVPs is the trace of the finite-difference Jacobian', () => {
    const J = jacobianFd();
    const trace = J[0][0] + J[1][1] + J[2][2];
    const div = evaluate((b, args) => emitDivergence(b, field(), args));
    expect(Math.abs(div - trace) / Math.abs(trace)).toBeLessThanOrEqual(TOLERANCE);
  });

  test('∂f/∂t by a tangent on t', () => {
    const [fd] = directional(field(), [X, [T], W], [null, [1], null]);
    const dt = evaluate((b, args) => b.sum(emitTimeDerivative(b, field(), args, 1)));
    expect(Math.abs(dt - fd.reduce((s, v) => s + v, 0))).toBeLessThanOrEqual(1e-8);
  });

  test('one Hutchinson estimate is vᵀ J v for the probe its draws give (Rademacher and Gaussian)', () => {
    const J = jacobianFd();
    const quadratic = (v: number[]) => v.reduce((s, vi, i) => s + vi * v.reduce((t, vj, j) => t + J[i][j] * vj, 0), 0);
    const uniform = [0.1, 0.9, 0.3, 0.6, 0.2, 0.7];
    const rademacher = evaluate((b, args) => emitHutchinsonDivergence(b, field(), args, { probes: 2 }), { uniform });
    const signs = uniform.map((u) => (u < 0.5 ? -1 : 1));
    const expected = (quadratic(signs.slice(0, 3)) + quadratic(signs.slice(3))) / 2;
    expect(Math.abs(rademacher - expected)).toBeLessThanOrEqual(1e-7);
    const normal = [0.4, -1.1, 0.8];
    const gaussian = evaluate((b, args) => emitHutchinsonDivergence(b, field(), args, { distribution: 'gaussian' }), { normal });
    expect(Math.abs(gaussian - quadratic(normal))).toBeLessThanOrEqual(1e-7);
  });

  test('Hutchinson over all 8 Rademacher sign vectors averages to the exact divergence', () => {
    const exact = evaluate((b, args) => emitDivergence(b, field(), args));
    let mean = 0;
    for (let m = 0; m < 8; m++) {
      const uniform = [0, 1, 2].map((i) => ((m >> i) & 1 ? 0.75 : 0.25));
      mean += evaluate((b, args) => emitHutchinsonDivergence(b, field(), args), { uniform }) / 8;
    }
    expect(Math.abs(mean - exact)).toBeLessThanOrEqual(1e-12);
  });

  test('second order: the Laplacian of a scalar potential through jvpFunction', () => {
    // u(x) = Σ sin(x_i) x_{i+1}; Δu = −Σ sin(x_i) x_{i+1} over i = 0, 1.
    const b0 = new IRBuilder('u', [{ name: 'x', type: vectorType(3) }]);
    const [x0, x1, x2] = b0.elements(b0.param(0));
    const u = b0.build([b0.add(b0.mul(b0.unary('sin', x0), x1), b0.mul(b0.unary('sin', x1), x2))]);
    // ∇u as a field via reverse mode, then its divergence by forward mode.
    const grad = gradient(u, [0]);
    const gradField: IRFunction = { ...grad, outputs: [grad.outputs[1]] };
    const b = new IRBuilder('laplacian', u.params);
    const lap = b.build([emitDivergence(b, gradField, [b.param(0)])]);
    expect(validateIR(lap)).toEqual([]);
    const x = [0.3, -0.8, 0.5];
    const expected = -Math.sin(x[0]) * x[1] - Math.sin(x[1]) * x[2];
    expect(interpretIR(lap, [x])[0][0]).toBeCloseTo(expected, 12);
    const jf = jvpFunction(field());
    expect(validateIR(jf)).toEqual([]);
    expect(jf.params.map((p) => p.name)).toEqual(['x', 't', 'W', 'dx']);
  });

  test('forward over reverse: a JVP of the gradient is a Hessian-vector product', () => {
    const b0 = new IRBuilder('loss', [{ name: 'W', type: matrixType(3, 3) }, { name: 'x', type: vectorType(3) }]);
    const y = b0.unary('gelu', b0.matmul(b0.param(0), b0.param(1)));
    const loss = b0.build([b0.dot(y, y)]);
    const grad = gradient(loss, [0]);
    const hvp = tangentFunction(grad, [0]);
    expect(validateIR(hvp)).toEqual([]);
    const V = W.map((w, i) => Math.cos(i + w));
    const out = interpretIR(hvp, [W, X, V]);
    // Outputs: value, dW, then their tangents: d(value), d(dW) = H V.
    const [, fd] = directional(grad, [W, X], [V, null]);
    expect(relative(out[3], fd)).toBeLessThanOrEqual(TOLERANCE);
  });
});
