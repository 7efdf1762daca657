import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { NETWORK_ACTIVATIONS } from './activations.ts';
import { exportNetworkOnnx, NETWORK_METADATA_KEY, type NetworkMetadata } from './exportNetwork.ts';
import { randomNetwork, seededRandom, timeFeaturesOf, uniform } from './fixtures/testModels.ts';
import { importNetworkOnnx, inspectOnnx } from './importNetwork.ts';
import { decodeModel } from './model.ts';
import { evaluateNetwork, type DenseNetwork } from './network.ts';
import { openOnnx, runOnnx } from './runOrt.ts';

const TIME_KINDS = ['none', 'sinusoidal', 'fourier'] as const;
const STANDARD_OPS = new Set(['Concat', 'Mul', 'Sin', 'Cos', 'Gemm', 'Sigmoid', 'Relu', 'Tanh', 'Softplus', 'Erf', 'Add']);

/** Largest |ORT − reference| and the largest ratio to the tolerance 1e-5·(1 + |reference|). */
function compare(actual: Float32Array, reference: Float64Array): { maxAbs: number; worst: number } {
  let maxAbs = 0;
  let worst = 0;
  for (let i = 0; i < reference.length; i++) {
    const diff = Math.abs(actual[i] - reference[i]);
    maxAbs = Math.max(maxAbs, diff);
    worst = Math.max(worst, diff / (1e-5 * (1 + Math.abs(reference[i]))));
  }
  return { maxAbs, worst };
}

/** Runs `net` through its ONNX export in onnxruntime and through `evaluateNetwork`, on float32-exact inputs. */
async function ortVersusReference(net: DenseNetwork, batches: number[], random: () => number) {
  const runner = await openOnnx(exportNetworkOnnx(net));
  const results = [];
  for (const n of batches) {
    const x = uniform(random, n * net.inputDim, -3, 3);
    const t = uniform(random, n, 0, 1);
    const { score } = await runner.run({ x: { data: x, dims: [n, net.inputDim] }, t: { data: t, dims: [n, 1] } });
    expect(score.dims).toEqual([n, net.inputDim]);
    results.push(compare(score.data, evaluateNetwork(net, Float64Array.from(x), Float64Array.from(t))));
  }
  await runner.release();
  return results;
}

describe('exportNetworkOnnx', () => {
  it('writes IR 8, opset 17, standard operators only, and the convention as metadata', () => {
    const random = seededRandom(5);
    for (const activation of NETWORK_ACTIVATIONS) {
      const net = randomNetwork(random, 2, timeFeaturesOf('fourier', random), activation);
      const model = decodeModel(exportNetworkOnnx(net, { producer: 'unit test', docString: 'doc' }));
      expect(model.irVersion).toBe(8);
      expect(model.opsetImport).toEqual([{ domain: '', version: 17 }]);
      expect(model.producerName).toBe('unit test');
      expect(model.docString).toBe('doc');
      for (const node of model.graph?.node ?? []) {
        expect(node.domain).toBe('');
        expect(STANDARD_OPS.has(node.opType), node.opType).toBe(true);
      }
      const metadata = JSON.parse(model.metadataProps.find((e) => e.key === NETWORK_METADATA_KEY)?.value ?? '{}') as NetworkMetadata;
      expect(metadata).toMatchObject({ format: 'sde-studio.dense-network', version: 1, inputDim: 2, time: { kind: 'fourier', frequencies: 6 }, activations: [activation, activation, 'identity'] });
    }
  });

  it('declares x [batch, d], t [batch, 1] → score [batch, d]', () => {
    const random = seededRandom(6);
    const summary = inspectOnnx(exportNetworkOnnx(randomNetwork(random, 3, { kind: 'none' }, 'silu')));
    expect(summary.inputs).toEqual([{ name: 'x', dtype: 'float32', shape: ['batch', 3] }, { name: 't', dtype: 'float32', shape: ['batch', 1] }]);
    expect(summary.outputs).toEqual([{ name: 'score', dtype: 'float32', shape: ['batch', 3] }]);
    expect(summary).toMatchObject({ irVersion: 8, opsetVersion: 17, producer: 'SDE Studio', initializerCount: 6, opTypes: ['Concat', 'Gemm', 'Mul', 'Sigmoid'] });
  });

  it('refuses an inconsistent network', () => {
    const net: DenseNetwork = { inputDim: 2, time: { kind: 'none' }, layers: [{ weight: new Float32Array(5), bias: new Float32Array(2), out: 2, activation: 'relu' }] };
    expect(() => exportNetworkOnnx(net)).toThrow(/layer 0: weight has 5 values but \[out, in\] = \[2, 3\] needs 6/);
  });
});

describe('onnxruntime-web runs the export like evaluateNetwork', () => {
  const measured: { maxAbs: number; worst: number }[] = [];
  afterAll(() => {
    const maxAbs = Math.max(...measured.map((m) => m.maxAbs));
    const worst = Math.max(...measured.map((m) => m.worst));
    console.log(`ORT vs float64 reference over ${measured.length} runs: max |diff| = ${maxAbs.toExponential(2)}, worst diff / (1e-5·(1 + |ref|)) = ${worst.toFixed(3)}`);
  });

  const cases = NETWORK_ACTIVATIONS.flatMap((activation) => TIME_KINDS.map((kind) => [activation, kind] as const));
  it.each(cases)('%s with time features %s, batches 1 and 257', async (activation, kind) => {
    const random = seededRandom(1000 + cases.findIndex(([a, k]) => a === activation && k === kind));
    const net = randomNetwork(random, 3, timeFeaturesOf(kind, random), activation, [32, 32]);
    const results = await ortVersusReference(net, [1, 257], random);
    measured.push(...results);
    for (const { worst } of results) expect(worst).toBeLessThanOrEqual(1);
  });

  it('runs the PyTorch fixtures like PyTorch and like their import', async () => {
    const reference = JSON.parse(readFileSync(new URL('./fixtures/torch_reference.json', import.meta.url), 'utf8')) as Record<string, Record<string, number[]>>;
    const file = (name: string) => new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));
    const joined = reference.joined;
    const n = joined.input.length / 3;
    const ortJoined = await runOnnx(file('torch_joined.onnx'), { input: { data: Float32Array.from(joined.input), dims: [n, 3] } });
    const netJoined = importNetworkOnnx(file('torch_joined.onnx'));
    const input = Float64Array.from(Float32Array.from(joined.input));
    const x = Float64Array.from({ length: n * 2 }, (_, i) => input[Math.floor(i / 2) * 3 + (i % 2)]);
    const t = Float64Array.from({ length: n }, (_, p) => input[p * 3 + 2]);
    expect(compare(ortJoined.score.data, Float64Array.from(joined.score)).worst).toBeLessThanOrEqual(1);
    expect(compare(Float32Array.from(joined.score), evaluateNetwork(netJoined, x, t)).worst).toBeLessThanOrEqual(1);

    const xt = reference.xt;
    const m = xt.t.length;
    const ortXt = await runOnnx(file('torch_xt_fourier.onnx'), { x: { data: Float32Array.from(xt.x), dims: [m, 3] }, t: { data: Float32Array.from(xt.t), dims: [m, 1] } });
    const netXt = importNetworkOnnx(file('torch_xt_fourier.onnx'));
    expect(compare(ortXt.score.data, Float64Array.from(xt.score)).worst).toBeLessThanOrEqual(1);
    expect(compare(Float32Array.from(xt.score), evaluateNetwork(netXt, Float64Array.from(Float32Array.from(xt.x)), Float64Array.from(Float32Array.from(xt.t)))).worst).toBeLessThanOrEqual(1);
  });
});
