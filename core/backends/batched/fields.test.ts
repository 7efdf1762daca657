import { describe, expect, test } from 'vitest';
import { IRBuilder } from '../../ir/builder.ts';
import { interpretIR } from '../../ir/interpret.ts';
import { SCALAR, vectorType } from '../../ir/types.ts';
import { KernelWorkspace } from '../../nn/kernels/workspace.ts';
import { emitMlp, initMlp, mlpParams, type MlpActivation, type MlpSpec } from '../../nn/mlp.ts';
import { markModelInputs } from '../../onnx/fieldInputs.ts';
import type { FieldModelRunner } from '../../onnx/fieldRunner.ts';
import { BatchedField } from './fields.ts';

/** A field −net(x, t) + [t, 1] whose network weights are params `net/W1`, … (as train.adam lowers it). */
function networkField(spec: MlpSpec) {
  const b = new IRBuilder('drift', [{ name: 'x', type: vectorType(spec.inputDim) }, { name: 't', type: SCALAR }]);
  const weights = mlpParams(spec).map((p) => b.addParam(`net/${p.name}`, p.type));
  const out = b.elements(emitMlp(b, spec, weights, b.param(0), b.param(1)));
  // Output 1 is the same for every particle (only t), output 0 per particle.
  return b.build([b.add(b.neg(out[0]), b.param(1)), b.sub(b.constant(1), out[1])]);
}

describe('BatchedField', () => {
  test.each<[MlpActivation, MlpSpec['time']['kind']]>([['silu', 'sinusoidal'], ['gelu', 'none'], ['tanh', 'fourier'], ['relu', 'none']])(
    '%s network, %s time features: equals the float64 interpreter to float32 rounding', (activation, kind) => {
      const spec: MlpSpec = { inputDim: 2, time: { kind, size: 8 }, width: 48, depth: 2, activation, outputDim: 2 };
      const fn = networkField(spec);
      const weights = initMlp(spec, 4);
      const rows = 37;
      const field = new BatchedField(fn, 40, KernelWorkspace.create());
      field.bindWeights(mlpParams(spec).map((p, k) => ({ name: `net/${p.name}`, train: 'net', tensor: k })), () => weights);
      const x = Float64Array.from({ length: 2 * 40 }, (_, i) => 2 * Math.sin(1.7 * i));
      const out = new Float64Array(2 * 40);
      field.evaluate(x, rows, 0.37, out);
      for (let i = 0; i < rows; i++) {
        const ref = interpretIR(fn, [[x[2 * i], x[2 * i + 1]], 0.37, ...weights]);
        for (let j = 0; j < 2; j++) expect(Math.abs(out[2 * i + j] - ref[j][0])).toBeLessThan(2e-6 * (1 + Math.abs(ref[j][0])));
      }
    });

  test('an output that depends only on t is read for every particle; unbound weights are an error', () => {
    const b = new IRBuilder('diffusion', [{ name: 'x', type: vectorType(2) }, { name: 't', type: SCALAR }]);
    const fn = b.build([b.mul(b.constant(2), b.param(1)), b.index(b.param(0), 0)]);
    const field = new BatchedField(fn, 8, KernelWorkspace.create());
    const out = new Float64Array(16);
    field.evaluate(Float64Array.from({ length: 16 }, (_, i) => i), 8, 0.25, out);
    expect([...out]).toEqual(Array.from({ length: 16 }, (_, i) => (i % 2 === 0 ? 0.5 : i - 1)));
    const spec: MlpSpec = { inputDim: 2, time: { kind: 'none' }, width: 4, depth: 1, activation: 'silu', outputDim: 2 };
    expect(() => new BatchedField(networkField(spec), 4, KernelWorkspace.create()).bindWeights([], () => [])).toThrow(/reads 'net\/W1', which the stage does not bind/);
  });

  test('an imported model is run at the point the field asks for, and only then is the field evaluated', async () => {
    // f(x, t) = m(2x, 1 − t) + [t, t], with the model m as the param 'model/onnx' (score.onnx, engine onnxruntime).
    const b = new IRBuilder('drift', [{ name: 'x', type: vectorType(2) }, { name: 't', type: SCALAR }]);
    const x = b.elements(b.param(0)).map((v) => b.mul(b.constant(2), v));
    const t = b.sub(b.constant(1), b.param(1));
    const m = b.addParam('model/onnx', vectorType(2));
    expect(markModelInputs(b, m, x, t)).toBe(true);
    expect(markModelInputs(b, m, x, b.param(1))).toBe(false);
    const fn = b.build(b.elements(m).map((v) => b.add(v, b.param(1))));
    const calls: { x: number[]; t: number[]; rows: number }[] = [];
    const runner: FieldModelRunner = {
      name: 'model/onnx',
      // m(x, t) = [x0·t, x1 + t]
      async evaluate(xs, ts, rows) {
        calls.push({ x: [...xs.subarray(0, 2 * rows)], t: [...ts.subarray(0, rows)], rows });
        return Float32Array.from({ length: 2 * rows }, (_, i) => (i % 2 === 0 ? xs[i] * ts[i >> 1] : xs[i] + ts[i >> 1]));
      },
      release: async () => {},
    };
    const field = new BatchedField(fn, 4, KernelWorkspace.create(), new Map([['model/onnx', runner]]));
    field.bindWeights([], () => []);
    const out = new Float64Array(8);
    const pending = field.evaluate(Float64Array.of(1, 2, 3, 4, 5, 6, 7, 8), 3, 0.25, out);
    expect(pending).toBeInstanceOf(Promise);
    await pending;
    expect(calls).toEqual([{ x: [2, 4, 6, 8, 10, 12], t: [0.75, 0.75, 0.75], rows: 3 }]);
    expect([...out.subarray(0, 6)]).toEqual([2 * 0.75 + 0.25, 4 + 0.75 + 0.25, 6 * 0.75 + 0.25, 8 + 1, 10 * 0.75 + 0.25, 12 + 1]);
    expect(() => new BatchedField(fn, 4, KernelWorkspace.create())).toThrow(/reads 'model\/onnx', an imported model the stage does not run/);
  });
});
