import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import type { ExternalModel } from '../compile/plan.ts';
import { exportNetworkOnnx } from './exportNetwork.ts';
import { openFieldModel } from './fieldRunner.ts';
import { handModel, node, randomNetwork, seededRandom, tensorValue } from './fixtures/testModels.ts';
import { decodeModel } from './model.ts';
import { scoreModelInterface } from './scoreInterface.ts';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));
const reference = JSON.parse(readFileSync(new URL('./fixtures/torch_reference.json', import.meta.url), 'utf8')) as { joined: { input: number[]; score: number[] } };

describe('scoreModelInterface', () => {
  test('our export: x and t by name, d from the shapes, a dynamic batch', () => {
    const bytes = exportNetworkOnnx(randomNetwork(seededRandom(3), 3, { kind: 'none' }, 'silu', [8]));
    expect(scoreModelInterface(decodeModel(bytes), 'net.onnx')).toEqual({
      inputX: 'x', inputT: 't', timeShape: 'column', joined: false, output: 'score', dims: 3, batch: undefined,
      description: "inputs 'x' float32 [batch, 3], 't' float32 [batch, 1]; output 'score' float32 [batch, 3]",
    });
  });

  test('PyTorch nn.Sequential on [x, t]: one joined input', () => {
    expect(scoreModelInterface(decodeModel(fixture('torch_joined.onnx')), 'joined.onnx')).toMatchObject({ inputX: 'input', inputT: 'input', joined: true, dims: 2 });
  });

  test('other names: t is the input of shape [N] or [N, 1], in either order; a fixed batch is reported', () => {
    const model = (inputs: [string, number[]][]) => handModel({
      input: inputs.map(([name, shape]) => tensorValue(name, shape)), output: [tensorValue('out', [16, 4])],
      node: [node('Identity', [inputs[0][0]], 'out')], initializer: [],
    });
    expect(scoreModelInterface(model([['tau', [16, 1]], ['state', [16, 4]]]), 'm')).toMatchObject({ inputX: 'state', inputT: 'tau', timeShape: 'column', batch: 16, dims: 4 });
    expect(scoreModelInterface(model([['state', [16, 4]], ['tau', [16]]]), 'm')).toMatchObject({ inputX: 'state', inputT: 'tau', timeShape: 'vector' });
    expect(() => scoreModelInterface(model([['state', [16, 4]], ['tau', [8, 1]]]), 'm.onnx')).toThrow(/^m\.onnx: the batch axes have different fixed sizes \(16, 8, 16\)\. The file has/);
    expect(() => scoreModelInterface(model([['state', [16, 4]], ['tau', [16, 3]]]), 'm.onnx')).toThrow(/^m\.onnx: the time input 'tau' has shape \[16, 3\], not \[N, 1\] or \[N\]/);
  });
});

describe('openFieldModel', () => {
  test('feeds a joined model [x, t] and returns [rows, d]: PyTorch\'s own outputs', async () => {
    const { input, score } = reference.joined;
    const rows = input.length / 3;
    const model: ExternalModel = {
      name: 'm/onnx', nodeId: 'm', path: 'joined.onnx', bytes: fixture('torch_joined.onnx'),
      inputX: 'input', inputT: 'input', timeShape: 'column', output: scoreModelInterface(decodeModel(fixture('torch_joined.onnx')), 'j').output, dims: 2,
    };
    const runner = await openFieldModel(model);
    const x = Float32Array.from({ length: 2 * rows }, (_, i) => input[3 * (i >> 1) + (i & 1)]);
    const t = Float32Array.from({ length: rows }, (_, r) => input[3 * r + 2]);
    const out = await runner.evaluate(x, t, rows);
    await runner.release();
    expect(out).toHaveLength(2 * rows);
    out.forEach((v, i) => expect(Math.abs(v - score[i])).toBeLessThan(1e-5));
  });
});
