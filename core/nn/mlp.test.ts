import { describe, expect, test } from 'vitest';
import { IRBuilder } from '../ir/builder.ts';
import { interpretIR } from '../ir/interpret.ts';
import { SCALAR } from '../ir/types.ts';
import { validateIR } from '../ir/validate.ts';
import { emitTimeEmbedding, initMlp, mlpFunction, mlpInputWidth, mlpParams, timeFrequencies, type MlpSpec } from './mlp.ts';

const spec: MlpSpec = { inputDim: 2, time: { kind: 'none' }, width: 5, depth: 2, activation: 'silu', outputDim: 3 };

describe('MLP', () => {
  test('params: W [fan_out, fan_in] and b per layer, time as one more input', () => {
    expect(mlpParams(spec).map((p) => `${p.name}:${p.type.shape.join('x')}`)).toEqual(['W1:5x3', 'b1:5', 'W2:5x5', 'b2:5', 'W3:3x5', 'b3:3']);
    expect(mlpInputWidth({ ...spec, time: { kind: 'sinusoidal', size: 8 } })).toBe(10);
    expect(() => mlpInputWidth({ ...spec, time: { kind: 'fourier', size: 3 } })).toThrow(/even/);
  });

  test('initialisation: PyTorch bounds ±1/√fan_in, reproducible from the seed', () => {
    const big: MlpSpec = { ...spec, width: 64 };
    const a = initMlp(big, 42);
    const b = initMlp(big, 42);
    const c = initMlp(big, 43);
    a.forEach((w, k) => expect(Buffer.from(w.buffer).equals(Buffer.from(b[k].buffer))).toBe(true));
    expect(Buffer.from(a[2].buffer).equals(Buffer.from(c[2].buffer))).toBe(false);
    const W2 = a[2];
    const bound = 1 / Math.sqrt(64);
    expect(Math.max(...W2.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...W2.map(Math.abs))).toBeGreaterThan(0.95 * bound);
    // Uniform on ±bound: mean 0, variance bound²/3.
    const mean = W2.reduce((s, v) => s + v, 0) / W2.length;
    const variance = W2.reduce((s, v) => s + v * v, 0) / W2.length;
    expect(Math.abs(mean)).toBeLessThan(0.05 * bound);
    expect(variance / (bound * bound / 3)).toBeCloseTo(1, 1);
  });

  test('the IR network computes the textbook forward pass', () => {
    const weights = initMlp(spec, 1);
    const fn = mlpFunction(spec);
    expect(validateIR(fn)).toEqual([]);
    const x = [0.3, -1.2];
    const t = 0.7;
    let h = [...x, t];
    for (let l = 0; l < 3; l++) {
      const [W, b] = [weights[2 * l], weights[2 * l + 1]];
      const z = Array.from(b, (bi, i) => bi + h.reduce((s, hj, j) => s + W[i * h.length + j] * hj, 0));
      h = l < 2 ? z.map((v) => v / (1 + Math.exp(-v))) : z;
    }
    const [out] = interpretIR(fn, [...weights, x, t]);
    out.forEach((v, i) => expect(v).toBeCloseTo(h[i], 12));
  });

  test('time embeddings: sinusoidal frequencies, seeded Fourier features', () => {
    const f = timeFrequencies({ kind: 'sinusoidal', size: 8 });
    expect(f).toHaveLength(4);
    expect(f[0]).toBe(1000);
    expect(f[2]).toBeCloseTo(1000 * 10000 ** -0.5, 9);
    const fourier = timeFrequencies({ kind: 'fourier', size: 6, scale: 2, seed: 9 });
    expect(fourier).toEqual(timeFrequencies({ kind: 'fourier', size: 6, scale: 2, seed: 9 }));
    expect(fourier).not.toEqual(timeFrequencies({ kind: 'fourier', size: 6, scale: 2, seed: 10 }));
    const b = new IRBuilder('emb', [{ name: 't', type: SCALAR }]);
    const fn = b.build([emitTimeEmbedding(b, b.param(0), [1, 3])]);
    expect(Array.from(interpretIR(fn, [0.5])[0])).toEqual([Math.sin(0.5), Math.sin(1.5), Math.cos(0.5), Math.cos(1.5)]);
  });
});
