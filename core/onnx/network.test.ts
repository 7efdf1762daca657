import { describe, expect, it } from 'vitest';
import { activate, erfc, NETWORK_ACTIVATIONS } from './activations.ts';
import { assertValidNetwork, evaluateNetwork, networkProblems, timeFeatureCount, type DenseNetwork } from './network.ts';

describe('activations', () => {
  it('match known values', () => {
    // Φ(1) = 0.8413447460685429; erf(0.5) = 0.5204998778130465; erfc(3) = 2.209049699858544e-5.
    expect(activate('gelu', 1)).toBeCloseTo(0.8413447460685429, 15);
    expect(1 - erfc(0.5)).toBeCloseTo(0.5204998778130465, 15);
    expect(erfc(3) / 2.209049699858544e-5).toBeCloseTo(1, 13);
    expect(activate('geluTanh', 1)).toBeCloseTo(0.5 * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * 1.044715)), 15);
    expect(activate('softplus', 800)).toBe(800);
    expect(activate('softplus', -800)).toBe(0);
    expect(activate('silu', 2)).toBeCloseTo(2 / (1 + Math.exp(-2)), 15);
    expect(activate('relu', -0.5)).toBe(0);
  });

  it('tell the two GELU forms apart (≈3e-4 apart near |x| = 2)', () => {
    const gap = Math.max(...[-3, -2, -1.5, 1.5, 2, 3].map((x) => Math.abs(activate('gelu', x) - activate('geluTanh', x))));
    expect(gap).toBeGreaterThan(1e-4);
    expect(gap).toBeLessThan(1e-3);
  });
});

describe('evaluateNetwork', () => {
  it('computes W·[x, t] + b for one identity layer', () => {
    const net: DenseNetwork = { inputDim: 2, time: { kind: 'none' }, layers: [{ weight: Float32Array.of(1, 2, 3, 4, 5, 6), bias: Float32Array.of(0.5, -1), out: 2, activation: 'identity' }] };
    const out = evaluateNetwork(net, Float64Array.of(1, 1, 2, 0), Float64Array.of(0, 1));
    expect([...out]).toEqual([1 + 2 + 0.5, 4 + 5 - 1, 2 + 3 + 0.5, 8 + 6 - 1]);
  });

  it('uses features [x, sin(ω t)…, cos(ω t)…] with ω in radians (no 2π)', () => {
    const frequencies = Float32Array.of(1, 3);
    // Row k of W picks feature k (x, sin ω₁t, sin ω₂t, cos ω₁t, cos ω₂t) for a 5-output probe.
    const probe: DenseNetwork = {
      inputDim: 1,
      time: { kind: 'sinusoidal', frequencies },
      layers: [
        { weight: Float32Array.from({ length: 25 }, (_, i) => (i % 6 === 0 ? 1 : 0)), bias: new Float32Array(5), out: 5, activation: 'identity' },
        { weight: Float32Array.of(1, 0, 0, 0, 0), bias: new Float32Array(1), out: 1, activation: 'identity' },
      ],
    };
    expect(timeFeatureCount(probe.time)).toBe(4);
    const t = 0.3;
    const features: number[] = [];
    for (let k = 0; k < 5; k++) {
      const net = { ...probe, layers: [probe.layers[0], { ...probe.layers[1], weight: Float32Array.from({ length: 5 }, (_, j) => (j === k ? 1 : 0)) }] };
      features.push(evaluateNetwork(net, Float64Array.of(0.7), Float64Array.of(t))[0]);
    }
    expect(features).toEqual([0.7, Math.sin(t), Math.sin(3 * t), Math.cos(t), Math.cos(3 * t)]);
  });

  it.each(NETWORK_ACTIVATIONS)('applies %s to hidden units', (activation) => {
    const net: DenseNetwork = { inputDim: 1, time: { kind: 'none' }, layers: [
      { weight: Float32Array.of(1, 0), bias: new Float32Array(1), out: 1, activation },
      { weight: Float32Array.of(1), bias: new Float32Array(1), out: 1, activation: 'identity' },
    ] };
    for (const x of [-2.5, -0.3, 0, 0.8, 4]) expect(evaluateNetwork(net, Float64Array.of(x), Float64Array.of(0))[0]).toBe(activate(activation, x));
  });
});

describe('networkProblems', () => {
  it('names every inconsistency', () => {
    const net: DenseNetwork = { inputDim: 2, time: { kind: 'fourier', frequencies: new Float32Array() }, layers: [{ weight: new Float32Array(5), bias: new Float32Array(3), out: 4, activation: 'relu' }] };
    expect(networkProblems(net)).toEqual([
      'fourier time features need at least one frequency',
      'layer 0: weight has 5 values but [out, in] = [4, 2] needs 8',
      'layer 0: bias has 3 values but out = 4',
      'the last layer has 4 outputs but the score must have inputDim = 2',
    ]);
    expect(() => assertValidNetwork(net)).toThrow(/invalid network: fourier time features/);
    expect(networkProblems({ inputDim: 1, time: { kind: 'none' }, layers: [] })).toEqual(['the network has no layers']);
  });
});
