import { describe, expect, it } from 'vitest';
import { exportNetworkOnnx } from './exportNetwork.ts';
import { handModelBytes, intAttribute, node, randomNetwork, seededRandom, tensorValue, uniform, weight } from './fixtures/testModels.ts';
import { importNetworkOnnx, OnnxImportError } from './importNetwork.ts';
import { DataType, decodeModel, encodeModel } from './model.ts';
import { OnnxFormatError } from './protobuf.ts';

const NEEDS = "a score network needs inputs 'x' [N, d] and 't' [N, 1] (or one input [N, d+1] = [x, t]) and one output [N, d]";

/** A one-hidden-layer MLP on input [N, 3] with `middle` nodes between h0 (the first Gemm) and the last Gemm's input 'a0'. */
function mlpWith(middle: ReturnType<typeof node>[], extra: Parameters<typeof handModelBytes>[0]['initializer'] = []) {
  const random = seededRandom(4);
  return handModelBytes({
    input: [tensorValue('input', ['N', 3])],
    output: [tensorValue('output', ['N', 2])],
    initializer: [weight('w0', [4, 3], uniform(random, 12)), weight('b0', [4], uniform(random, 4)), weight('w1', [2, 4], uniform(random, 8)), ...extra],
    node: [{ ...node('Gemm', ['input', 'w0', 'b0'], 'h0'), attribute: [intAttribute('transB', 1)] }, ...middle, { ...node('Gemm', ['a0', 'w1'], 'output'), attribute: [intAttribute('transB', 1)] }],
  });
}

function importError(bytes: Uint8Array, expected?: Parameters<typeof importNetworkOnnx>[1]): string {
  try {
    importNetworkOnnx(bytes, expected);
  } catch (error) {
    expect(error).toBeInstanceOf(OnnxImportError);
    return (error as Error).message;
  }
  throw new Error('the import succeeded');
}

describe('importNetworkOnnx refuses, saying why', () => {
  it('inputs with other names', () => {
    const bytes = handModelBytes({ input: [tensorValue('input_1', ['batch', 3]), tensorValue('y', ['batch', 1])], output: [tensorValue('out', ['batch', 3])], initializer: [], node: [] });
    expect(importError(bytes, { source: 'score.onnx' })).toBe(`score.onnx's inputs are 'input_1' float32 [batch, 3], 'y' float32 [batch, 1], but ${NEEDS}`);
  });

  it('an x of the wrong width, a joined input of the wrong width, the wrong rank or dtype', () => {
    const net = randomNetwork(seededRandom(1), 3, { kind: 'none' }, 'relu', [4]);
    expect(importError(exportNetworkOnnx(net), { inputDim: 2, source: 'score.onnx' })).toBe(`score.onnx: the input 'x' has shape [batch, 3] but it must be [N, 2]; ${NEEDS}`);
    const joined = (shape: (number | string)[], elemType: number = DataType.float) =>
      handModelBytes({ input: [tensorValue('input_1', shape, elemType)], output: [tensorValue('out', ['batch', 3])], initializer: [], node: [] });
    expect(importError(joined(['batch', 3]), { inputDim: 3 })).toBe(`the model: the input 'input_1' has shape [batch, 3] but it must be [N, 4] = [x, t]; ${NEEDS}`);
    expect(importError(joined(['batch', 3, 2]))).toMatch(/the input 'input_1' has shape \[batch, 3, 2\] but it must be \[N, d \+ 1\] = \[x, t\]/);
    expect(importError(joined(['batch', 3], DataType.double))).toMatch(/the input 'input_1' float64 \[batch, 3\] is float64, but a score network needs/);
    expect(importError(joined(['batch', 1]))).toMatch(/too narrow to hold \[x, t\]/);
  });

  it('a model with two outputs, or a score of the wrong width', () => {
    const two = handModelBytes({ input: [tensorValue('input', ['N', 3])], output: [tensorValue('a', ['N', 2]), tensorValue('b', ['N', 2])], initializer: [], node: [] });
    expect(importError(two)).toBe(`the model has 2 outputs ('a' float32 [N, 2], 'b' float32 [N, 2]), but ${NEEDS}`);
    const wide = handModelBytes({ input: [tensorValue('input', ['N', 3])], output: [tensorValue('score', ['N', 5])], initializer: [], node: [] });
    expect(importError(wide)).toMatch(/the output 'score' has shape \[N, 5\] but it must be \[N, 2\]/);
  });

  it('unsupported operators, naming them', () => {
    const bytes = mlpWith([node('LayerNormalization', ['h0', 'gamma'], 'ln'), node('Relu', ['ln'], 'a0')], [weight('gamma', [4], new Float32Array(4).fill(1))]);
    const message = importError(bytes, { source: 'ln.onnx' });
    expect(message).toMatch(/^ln\.onnx: unsupported operator LayerNormalization in LayerNormalization 'ln'\. A score network must be an MLP/);
    const fused = mlpWith([{ ...node('FusedGemm', ['h0'], 'a0'), domain: 'com.microsoft' }]);
    expect(importError(fused)).toMatch(/unsupported operator com\.microsoft\.FusedGemm in com\.microsoft\.FusedGemm 'a0'/);
  });

  it('branching graphs (a residual connection)', () => {
    const residual = mlpWith(
      [node('Relu', ['h0'], 'r0'), { ...node('Gemm', ['r0', 'wm'], 'm'), attribute: [intAttribute('transB', 1)] }, node('Add', ['m', 'h0'], 'a0')],
      [weight('wm', [4, 4], uniform(seededRandom(6), 16))],
    );
    expect(importError(residual)).toBe(
      "the model: layer 0: the activation Relu 'r0' after 'h0' is not a single chain: 'h0', 'r0' are each read further on (a branch or residual connection); only a plain chain of layers can be imported",
    );
    // relu(h) + h is elementwise, but no activation of ours.
    const sum = mlpWith([node('Relu', ['h0'], 'r0'), node('Add', ['r0', 'h0'], 'a0')]);
    expect(importError(sum)).toMatch(/the nodes Relu 'r0', Add 'a0' compute an elementwise function that is none of the supported activations/);
  });

  it('elementwise formulas that are no known activation', () => {
    const bytes = mlpWith([node('Mul', ['h0', 'two'], 'a0')], [weight('two', [], Float32Array.of(2))]);
    expect(importError(bytes)).toBe("the model: layer 0: the nodes Mul 'a0' compute an elementwise function that is none of the supported activations (identity, relu, silu, tanh, softplus, gelu, geluTanh)");
  });

  it('weights of the wrong width, or outside the file', () => {
    const random = seededRandom(2);
    const bad = handModelBytes({
      input: [tensorValue('input', ['N', 3])],
      output: [tensorValue('output', ['N', 2])],
      initializer: [weight('w0', [2, 5], uniform(random, 10))],
      node: [{ ...node('Gemm', ['input', 'w0'], 'output'), attribute: [intAttribute('transB', 1)] }],
    });
    expect(importError(bad)).toBe("the model: layer 0: weight 'w0' takes 5 inputs but the layer's input has 3 features");
    const model = decodeModel(exportNetworkOnnx(randomNetwork(random, 2, { kind: 'none' }, 'relu', [4])));
    const w = model.graph?.initializer[0];
    if (w) Object.assign(w, { rawData: undefined, dataLocation: 1, externalData: [{ key: 'location', value: 'weights.bin' }] });
    expect(importError(encodeModel(model))).toMatch(/layer 0 weight 'layers\.0\.weight' keeps its values in an external file/);
  });

  it('a truncated file, with OnnxFormatError', () => {
    const bytes = exportNetworkOnnx(randomNetwork(seededRandom(5), 2, { kind: 'none' }, 'silu', [4]));
    expect(() => importNetworkOnnx(bytes.subarray(0, bytes.length - 7))).toThrow(OnnxFormatError);
    expect(() => importNetworkOnnx(bytes.subarray(0, bytes.length - 7))).toThrow(/claims \d+ bytes but only \d+ remain/);
  });
});

describe('importNetworkOnnx checks the layers against each other', () => {
  it('a score whose width differs from x', () => {
    // Symbolic widths everywhere, so only the weights tell: x has 2 features + t, the score 3.
    const random = seededRandom(12);
    const bytes = handModelBytes({
      input: [tensorValue('input', ['N', 'features'])],
      output: [tensorValue('output', ['N', 'd'])],
      initializer: [weight('w0', [3, 3], uniform(random, 9))],
      node: [{ ...node('Gemm', ['input', 'w0'], 'output'), attribute: [intAttribute('transB', 1)] }],
    });
    expect(importError(bytes, { source: 'odd.onnx' })).toBe('odd.onnx: the layers do not form a consistent network: layer 0: weight has 9 values but [out, in] = [3, 4] needs 12');
    expect(importError(bytes, { inputDim: 2, source: 'odd.onnx' })).toMatch(/^odd\.onnx: the layers do not form a consistent network/);
  });
});
