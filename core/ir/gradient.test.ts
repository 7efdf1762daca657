import { describe, expect, test } from 'vitest';
import { dsmLoss, fokkerPlanckResidualLoss, interpolantLoss, slicedScoreMatchingLoss, type LossDefinition } from '../nn/losses.ts';
import { initMlp, type MlpSpec } from '../nn/mlp.ts';
import { IRBuilder } from './builder.ts';
import { checkGradient } from './gradcheck.ts';
import { gradient } from './gradient.ts';
import { interpretIR } from './interpret.ts';
import { OP_CASES, testRng } from './opCases.ts';
import { ALL_OPS, matrixType, SCALAR, vectorType, type UnaryOp } from './types.ts';
import { validateIR } from './validate.ts';

/** Reverse mode against central differences in float64: the tolerance of the issue. */
const TOLERANCE = 1e-6;

describe('reverse-mode gradient of every op against finite differences', () => {
  for (const op of ALL_OPS) {
    test.each([1, 2, 3, 4])(`${op} (shapes from seed %i)`, (seed) => {
      const c = OP_CASES[op](testRng(seed * 7919 + op.length));
      expect(validateIR(c.fn)).toEqual([]);
      // The builder simplifies eagerly; make sure the op under test survived into the function.
      expect(c.fn.nodes.some((n) => n.op === op), `${op} was folded away`).toBe(true);
      const r = checkGradient(c.fn, c.inputs, c.wrt, { random: c.random });
      expect(r.relativeError).toBeLessThanOrEqual(TOLERANCE);
    });
  }
});

describe('gradient pass', () => {
  test('returns [value, gradients] with the params shapes and zeros for unused params', () => {
    const b = new IRBuilder('f', [{ name: 'W', type: matrixType(3, 2) }, { name: 'x', type: vectorType(2) }, { name: 'unused', type: vectorType(4) }]);
    const y = b.matmul(b.param(0), b.param(1));
    const g = gradient(b.build([b.dot(y, y)]), [0, 1, 2]);
    expect(validateIR(g)).toEqual([]);
    expect(g.outputs.map((o) => g.nodes[o].type.shape)).toEqual([[], [3, 2], [2], [4]]);
    const [value, dW, dx, dUnused] = interpretIR(g, [[1, 2, 3, 4, 5, 6], [1, -1], [0, 0, 0, 0]]);
    // y = [-1, -1, -1], loss = 3, dW = 2 y xᵀ, dx = 2 Wᵀ y.
    expect(Array.from(value)).toEqual([3]);
    expect(Array.from(dW)).toEqual([-2, 2, -2, 2, -2, 2]);
    expect(Array.from(dx)).toEqual([-18, -24]);
    expect(Array.from(dUnused)).toEqual([0, 0, 0, 0]);
  });

  test('refuses a non-scalar output with a message that says what to do', () => {
    const b = new IRBuilder('f', [{ name: 'x', type: vectorType(2) }]);
    expect(() => gradient(b.build([b.unary('exp', b.param(0))]), [0])).toThrow(/needs a scalar/);
  });
});

/** A 2-hidden-layer MLP R^3 → R^2 as raw IR, loss = Σ r ⊙ f(x). */
function mlpCase(activation: UnaryOp, seed: number) {
  const [d, h, o] = [3, 5, 2];
  const params = [
    { name: 'W1', type: matrixType(h, d) }, { name: 'b1', type: vectorType(h) },
    { name: 'W2', type: matrixType(h, h) }, { name: 'b2', type: vectorType(h) },
    { name: 'W3', type: matrixType(o, h) }, { name: 'b3', type: vectorType(o) },
    { name: 'x', type: vectorType(d) }, { name: 'r', type: vectorType(o) },
  ];
  const b = new IRBuilder(`mlp_${activation}`, params);
  const p = params.map((_, i) => b.param(i));
  const h1 = b.unary(activation, b.add(b.matmul(p[0], p[6]), p[1]));
  const h2 = b.unary(activation, b.add(b.matmul(p[2], h1), p[3]));
  const out = b.add(b.matmul(p[4], h2), p[5]);
  const rand = testRng(seed);
  const sizes = [h * d, h, h * h, h, o * h, o, d, o];
  // ReLU's kink: pre-activations of a random net can land near 0; the test seeds keep them away.
  const inputs = sizes.map((n) => Array.from({ length: n }, () => 2 * rand() - 1));
  return { fn: b.build([b.dot(out, p[7])]), inputs };
}

describe('composed gradients', () => {
  for (const activation of ['silu', 'softplus', 'relu', 'gelu', 'tanh', 'sigmoid'] as const) {
    test(`MLP with 2 hidden ${activation} layers, gradient w.r.t. weights and input`, () => {
      const { fn, inputs } = mlpCase(activation, 11);
      const r = checkGradient(fn, inputs, [0, 1, 2, 3, 4, 5, 6]);
      expect(r.relativeError).toBeLessThanOrEqual(TOLERANCE);
    });
  }

  test('a scalar param used by several ops accumulates every adjoint', () => {
    const b = new IRBuilder('f', [{ name: 's', type: SCALAR }, { name: 'x', type: vectorType(3) }]);
    const [s, x] = [b.param(0), b.param(1)];
    const y = b.add(b.mul(s, x), b.unary('sin', b.mul(s, s)));
    const r = checkGradient(b.build([b.sum(b.mul(y, b.unary('exp', x)))]), [0.7, [0.1, -0.4, 1.3]], [0, 1]);
    expect(r.relativeError).toBeLessThanOrEqual(TOLERANCE);
  });
});

describe('gradients of the training losses (core/nn/losses.ts) w.r.t. the weights', () => {
  const spec = (activation: 'silu' | 'gelu' | 'softplus' | 'tanh'): MlpSpec => ({ inputDim: 2, time: { kind: 'none' }, width: 4, depth: 2, activation, outputDim: 2 });
  const VP = { kind: 'vp', betaMin: 0.1, betaMax: 20 } as const;
  const VE = { kind: 've', sigmaMin: 0.01, sigmaMax: 5 } as const;
  const check = (def: LossDefinition, seed: number) => {
    const rand = testRng(seed);
    const weights = initMlp(def.spec, seed).map((w) => Array.from(w));
    const inputs = def.inputs.map((x) => Array.from({ length: x.size }, () => (x.name === 't' ? 0.1 + 0.8 * rand() : 2 * rand() - 1)));
    expect(validateIR(def.fn)).toEqual([]);
    return checkGradient(def.fn, [...weights, ...inputs], def.weights).relativeError;
  };

  test('denoising score matching (VP and VE)', () => {
    expect(check(dsmLoss(spec('silu'), VP), 1)).toBeLessThanOrEqual(TOLERANCE);
    expect(check(dsmLoss(spec('gelu'), VE), 2)).toBeLessThanOrEqual(TOLERANCE);
  });

  test('sliced score matching: a JVP of the network inside the loss', () => {
    expect(check(slicedScoreMatchingLoss(spec('silu'), VP), 3)).toBeLessThanOrEqual(TOLERANCE);
    expect(check(slicedScoreMatchingLoss(spec('tanh'), VP), 4)).toBeLessThanOrEqual(TOLERANCE);
  });

  test('Fokker–Planck residual: ∂/∂t, a divergence and ∇_x (reverse mode) inside the loss', () => {
    expect(check(fokkerPlanckResidualLoss(spec('softplus'), VP), 5)).toBeLessThanOrEqual(TOLERANCE);
    expect(check(fokkerPlanckResidualLoss(spec('gelu'), { kind: 'subvp', betaMin: 0.1, betaMax: 20 }), 6)).toBeLessThanOrEqual(TOLERANCE);
  });

  test('interpolant (flow matching) loss', () => {
    expect(check(interpolantLoss(spec('silu')), 7)).toBeLessThanOrEqual(TOLERANCE);
  });
});
