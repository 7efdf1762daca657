import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NETWORK_ACTIVATIONS } from './activations.ts';
import { exportNetworkOnnx } from './exportNetwork.ts';
import { randomNetwork, seededRandom, timeFeaturesOf } from './fixtures/testModels.ts';
import { importNetworkOnnx, OnnxImportError } from './importNetwork.ts';
import { AttributeType, DataType, decodeModel, encodeModel, type OnnxModel } from './model.ts';
import { OnnxFormatError } from './protobuf.ts';
import { floatTensor } from './tensor.ts';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));

/** A model that uses every field of the schema subset. */
function everyFieldModel(): OnnxModel {
  const tensor = floatTensor('w', [2, 2], Float32Array.of(1, -2, 3.5, 0));
  return {
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }, { domain: 'com.example', version: 1 }],
    producerName: 'test',
    producerVersion: '1.0',
    domain: 'org.sde-studio',
    modelVersion: 3,
    docString: 'every field',
    graph: {
      node: [{
        input: ['x', 'w', ''],
        output: ['y'],
        name: 'n0',
        opType: 'Custom',
        domain: 'com.example',
        docString: 'a node',
        attribute: [
          { name: 'f', type: AttributeType.float, f: 0 },
          { name: 'i', type: AttributeType.int, i: -7 },
          { name: 's', type: AttributeType.string, s: Uint8Array.of(104, 105) },
          { name: 't', type: AttributeType.tensor, t: { name: 'c', dims: [3], dataType: DataType.int64, int64Data: BigInt64Array.of(-1n, 2n ** 62n, 0n) } },
          { name: 'g', type: AttributeType.graph, g: { node: [], name: 'sub', initializer: [], docString: '', input: [], output: [], valueInfo: [] } },
          { name: 'floats', type: AttributeType.floats, floats: [0.5, -1] },
          { name: 'ints', type: AttributeType.ints, ints: [1, -1, 2 ** 40] },
          { name: 'strings', type: AttributeType.strings, strings: [Uint8Array.of(97), Uint8Array.of()] },
        ],
      }],
      name: 'g',
      initializer: [tensor, { name: 'fd', dims: [2], dataType: DataType.float, floatData: Float32Array.of(1.25, -0) }, { name: 'i32', dims: [2], dataType: DataType.int32, int32Data: Int32Array.of(-5, 6) }],
      docString: 'graph doc',
      input: [{ name: 'x', type: { elemType: 1, shape: [{ param: 'batch' }, { value: 0 }, {}] }, docString: 'in' }],
      output: [{ name: 'y', type: { elemType: 1, shape: undefined }, docString: '' }],
      valueInfo: [{ name: 'v', type: { elemType: 11, shape: [] }, docString: '' }, { name: 'untyped', type: undefined, docString: '' }],
    },
    metadataProps: [{ key: 'k', value: 'v ü' }],
  };
}

describe('encodeModel / decodeModel', () => {
  it('round-trips every supported field', () => {
    const model = everyFieldModel();
    const bytes = encodeModel(model);
    expect(decodeModel(bytes)).toEqual(model);
    expect(encodeModel(decodeModel(bytes))).toEqual(bytes);
  });

  it('uses the field numbers of onnx.proto', () => {
    // ir_version = 8 is field 1 (varint); producer_name 'p' is field 2; opset_import is field 8.
    const bytes = encodeModel({ irVersion: 8, opsetImport: [{ domain: '', version: 17 }], producerName: 'p', producerVersion: '', domain: '', modelVersion: 0, docString: '', graph: undefined, metadataProps: [] });
    expect([...bytes]).toEqual([0x08, 0x08, 0x12, 0x01, 0x70, 0x42, 0x02, 0x10, 0x11]);
  });

  it.each(NETWORK_ACTIVATIONS.flatMap((a) => (['none', 'sinusoidal', 'fourier'] as const).map((kind) => [a, kind] as const)))(
    'export (%s, %s) → decode → encode is byte-identical',
    (activation, kind) => {
      const random = seededRandom(11);
      const bytes = exportNetworkOnnx(randomNetwork(random, 3, timeFeaturesOf(kind, random), activation), { docString: 'test' });
      expect(encodeModel(decodeModel(bytes))).toEqual(bytes);
    },
  );

  it('decodes PyTorch exports and re-encodes them to the same model', () => {
    for (const name of ['torch_joined.onnx', 'torch_xt_fourier.onnx']) {
      const model = decodeModel(fixture(name));
      expect(model.producerName).toBe('pytorch');
      expect(decodeModel(encodeModel(model))).toEqual(model);
    }
  });

  it('refuses empty and non-ONNX input', () => {
    expect(() => decodeModel(new Uint8Array())).toThrow(/empty/);
    expect(() => decodeModel(new TextEncoder().encode('{"format": "json"}'))).toThrow(OnnxFormatError);
  });
});

describe('decoder fuzzing', () => {
  /** Damaged copies of `bytes`: truncations, flipped bytes, inserted and deleted runs, garbage splices. */
  function mutate(bytes: Uint8Array, random: () => number): Uint8Array {
    const at = () => Math.floor(random() * bytes.length);
    switch (Math.floor(random() * 5)) {
      case 0: return bytes.slice(0, at());
      case 1: {
        const copy = bytes.slice();
        for (let k = 1 + Math.floor(random() * 3); k > 0; k--) copy[at()] = Math.floor(random() * 256);
        return copy;
      }
      case 2: {
        const i = at();
        const junk = Uint8Array.from({ length: 1 + Math.floor(random() * 12) }, () => (random() < 0.5 ? 0xff : Math.floor(random() * 256)));
        return Uint8Array.from([...bytes.subarray(0, i), ...junk, ...bytes.subarray(i)]);
      }
      case 3: {
        const i = at();
        return Uint8Array.from([...bytes.subarray(0, i), ...bytes.subarray(i + 1 + Math.floor(random() * 16))]);
      }
      default: return Uint8Array.from({ length: 1 + Math.floor(random() * 64) }, () => Math.floor(random() * 256));
    }
  }

  it('throws nothing but OnnxFormatError / OnnxImportError on 1500 damaged files, quickly', () => {
    const random = seededRandom(2024);
    const seeds = [
      exportNetworkOnnx(randomNetwork(random, 2, timeFeaturesOf('fourier', random), 'geluTanh', [8])),
      exportNetworkOnnx(randomNetwork(random, 3, timeFeaturesOf('none', random), 'silu', [8])),
      fixture('torch_joined.onnx'),
      fixture('torch_xt_fourier.onnx'),
    ];
    const started = performance.now();
    const outcomes = { decoded: 0, formatError: 0, imported: 0, importError: 0 };
    for (let k = 0; k < 1500; k++) {
      const damaged = mutate(seeds[k % seeds.length], random);
      try {
        decodeModel(damaged);
        outcomes.decoded++;
      } catch (error) {
        expect(error, `mutation ${k}`).toBeInstanceOf(OnnxFormatError);
        outcomes.formatError++;
        continue;
      }
      try {
        importNetworkOnnx(damaged);
        outcomes.imported++;
      } catch (error) {
        expect(error, `mutation ${k}: ${String(error)}`).toBeInstanceOf(OnnxImportError);
        outcomes.importError++;
      }
    }
    console.log(`decoder fuzzing: ${JSON.stringify(outcomes)} in ${(performance.now() - started).toFixed(0)} ms`);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(outcomes.formatError).toBeGreaterThan(300);
    expect(outcomes.decoded).toBeGreaterThan(100);
  });
});
