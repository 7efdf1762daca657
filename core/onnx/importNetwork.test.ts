import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NETWORK_ACTIVATIONS } from './activations.ts';
import { exportNetworkOnnx } from './exportNetwork.ts';
import { handModelBytes, node, randomNetwork, seededRandom, tensorValue, timeFeaturesOf, uniform, weight } from './fixtures/testModels.ts';
import { importNetworkOnnx, inspectOnnx } from './importNetwork.ts';
import { decodeModel, encodeModel } from './model.ts';
import { evaluateNetwork, type DenseNetwork } from './network.ts';
import { runOnnx } from './runOrt.ts';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));
const bits = (values: Float32Array) => [...new Uint32Array(values.buffer, values.byteOffset, values.length)];

/** Networks compared bit for bit (Float32Array equality alone would equate 0 and −0). */
function expectSameNetwork(actual: DenseNetwork, expected: DenseNetwork): void {
  expect(actual.inputDim).toBe(expected.inputDim);
  expect(actual.time.kind).toBe(expected.time.kind);
  if (actual.time.kind !== 'none' && expected.time.kind !== 'none') expect(bits(actual.time.frequencies)).toEqual(bits(expected.time.frequencies));
  expect(actual.layers.map((l) => [l.out, l.activation])).toEqual(expected.layers.map((l) => [l.out, l.activation]));
  actual.layers.forEach((layer, i) => {
    expect(bits(layer.weight)).toEqual(bits(expected.layers[i].weight));
    expect(bits(layer.bias)).toEqual(bits(expected.layers[i].bias));
  });
}

describe('importNetworkOnnx of our exports', () => {
  const cases = NETWORK_ACTIVATIONS.flatMap((activation) => (['none', 'sinusoidal', 'fourier'] as const).map((kind) => [activation, kind] as const));
  it.each(cases)('export → import gives the same network (%s, %s)', (activation, kind) => {
    const random = seededRandom(77);
    const net = randomNetwork(random, 2, timeFeaturesOf(kind, random), activation, [8, 8, 8]);
    net.layers[0].bias[0] = -0;
    expectSameNetwork(importNetworkOnnx(exportNetworkOnnx(net), { inputDim: 2 }), net);
  });

  it("reads the time-feature kind from metadata, and says 'fourier' without it", () => {
    const random = seededRandom(3);
    const net = randomNetwork(random, 2, timeFeaturesOf('sinusoidal', random), 'tanh');
    const model = decodeModel(exportNetworkOnnx(net));
    expect(importNetworkOnnx(encodeModel(model)).time.kind).toBe('sinusoidal');
    const imported = importNetworkOnnx(encodeModel({ ...model, metadataProps: [] }));
    expectSameNetwork(imported, { ...net, time: { kind: 'fourier', frequencies: net.time.kind === 'none' ? new Float32Array() : net.time.frequencies } });
  });
});

/** d = 2, one input [N, 3] = [x, t]: MatMul+Add layers with [in, out] weights, as PyTorch writes nn.Linear on rank-3 inputs. */
function pytorchStyleMatMul(random: () => number) {
  const w0 = uniform(random, 3 * 8);
  const b0 = uniform(random, 8);
  const w1 = uniform(random, 8 * 8);
  const b1 = uniform(random, 8);
  const w2 = uniform(random, 8 * 2);
  const b2 = uniform(random, 2);
  const bytes = handModelBytes({
    input: [tensorValue('input', ['N', 3])],
    output: [tensorValue('output', ['N', 2])],
    initializer: [weight('w0', [3, 8], w0), weight('b0', [8], b0), weight('w1', [8, 8], w1), weight('w2', [8, 2], w2), weight('b2', [2], b2)],
    node: [
      node('MatMul', ['input', 'w0'], 'mm0'), node('Add', ['mm0', 'b0'], 'h0'),
      node('Sigmoid', ['h0'], 's0'), node('Mul', ['h0', 's0'], 'a0'),
      node('MatMul', ['a0', 'w1'], 'mm1'),
      { ...node('Constant', [], 'b1'), attribute: [{ name: 'value', type: 4, t: weight('', [8], b1) }] },
      node('Add', ['b1', 'mm1'], 'h1'), node('Softplus', ['h1'], 'a1'),
      node('MatMul', ['a1', 'w2'], 'mm2'), node('Add', ['mm2', 'b2'], 'output'),
    ],
  });
  return { bytes, w0, b0, b1 };
}

describe('a last layer with an activation, and identity hidden layers', () => {
  it('exports, runs and imports', async () => {
    const random = seededRandom(21);
    const net = randomNetwork(random, 2, { kind: 'none' }, 'identity', [6, 5]);
    net.layers[1].activation = 'tanh';
    net.layers[2].activation = 'softplus';
    const bytes = exportNetworkOnnx(net);
    expectSameNetwork(importNetworkOnnx(bytes), net);
    const x = uniform(random, 4 * 2, -2, 2);
    const t = uniform(random, 4, 0, 1);
    const { score } = await runOnnx(bytes, { x: { data: x, dims: [4, 2] }, t: { data: t, dims: [4, 1] } });
    const reference = evaluateNetwork(net, Float64Array.from(x), Float64Array.from(t));
    reference.forEach((r, i) => expect(Math.abs(score.data[i] - r)).toBeLessThan(1e-5 * (1 + Math.abs(r))));
  });
});

describe('importNetworkOnnx of PyTorch-style graphs', () => {
  it('reads MatMul+Add layers on one [N, d+1] input, transposing weights to [out, in]', async () => {
    const { bytes, w0, b0, b1 } = pytorchStyleMatMul(seededRandom(8));
    const net = importNetworkOnnx(bytes, { inputDim: 2 });
    expect(net.inputDim).toBe(2);
    expect(net.time).toEqual({ kind: 'none' });
    expect(net.layers.map((l) => [l.out, l.activation])).toEqual([[8, 'silu'], [8, 'softplus'], [2, 'identity']]);
    expect(net.layers[0].weight[1 * 3 + 2]).toBe(w0[2 * 8 + 1]); // W[out = 1, in = 2] = w0[in = 2, out = 1]
    expect(bits(net.layers[0].bias)).toEqual(bits(b0));
    expect(bits(net.layers[1].bias)).toEqual(bits(b1));
    const n = 9;
    const input = uniform(seededRandom(9), n * 3, -2, 2);
    const { output } = await runOnnx(bytes, { input: { data: input, dims: [n, 3] } });
    const x = Float64Array.from({ length: n * 2 }, (_, i) => input[Math.floor(i / 2) * 3 + (i % 2)]);
    const t = Float64Array.from({ length: n }, (_, p) => input[p * 3 + 2]);
    const reference = evaluateNetwork(net, x, t);
    reference.forEach((r, i) => expect(Math.abs(output.data[i] - r)).toBeLessThan(1e-5 * (1 + Math.abs(r))));
  });

  it('reads Gemm without transB, and scales by alpha and beta', () => {
    const w = Float32Array.of(1, 2, 3, 4, 5, 6); // [in = 3, out = 2]
    const bytes = handModelBytes({
      input: [tensorValue('input', ['N', 3])],
      output: [tensorValue('y', ['N', 2])],
      initializer: [weight('w', [3, 2], w), weight('b', [1, 2], Float32Array.of(1, -1))],
      node: [{ ...node('Gemm', ['input', 'w', 'b'], 'y'), attribute: [{ name: 'alpha', type: 1, f: 2 }, { name: 'beta', type: 1, f: 0.5 }] }],
    });
    const [layer] = importNetworkOnnx(bytes).layers;
    expect([...layer.weight]).toEqual([2, 6, 10, 4, 8, 12]);
    expect([...layer.bias]).toEqual([0.5, -0.5]);
  });

  it('reads real PyTorch exports (torch.onnx.export, see scripts/onnx_reference.py)', () => {
    const joined = importNetworkOnnx(fixture('torch_joined.onnx'), { inputDim: 2, source: 'torch_joined.onnx' });
    expect(joined.time).toEqual({ kind: 'none' });
    expect(joined.layers.map((l) => l.activation)).toEqual(['silu', 'geluTanh', 'gelu', 'tanh', 'softplus', 'relu', 'identity']);
    const xt = importNetworkOnnx(fixture('torch_xt_fourier.onnx'));
    expect(xt.inputDim).toBe(3);
    expect(xt.time.kind === 'fourier' && xt.time.frequencies.length).toBe(4);
    expect(inspectOnnx(fixture('torch_joined.onnx'))).toMatchObject({
      producer: 'pytorch 1.13.0',
      inputs: [{ name: 'input', dtype: 'float32', shape: ['batch', 3] }],
      outputs: [{ name: 'score', dtype: 'float32', shape: ['batch', 2] }],
      opTypes: ['Add', 'Constant', 'Div', 'Erf', 'Gemm', 'Mul', 'Relu', 'Sigmoid', 'Softplus', 'Tanh'],
      initializerCount: 14,
    });
  });
});
