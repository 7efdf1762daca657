import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runTrainStage } from '../../core/backends/batched/training.ts';
import { compileGraph } from '../../core/compile/compileGraph.ts';
import { weightsFromOnnx } from '../../core/compile/trainOnnx.ts';
import type { GraphDocument } from '../../core/graph/types.ts';
import { CATALOG } from '../../nodes/registry.ts';
import { trainedWeightsFile, trainIds, trainKeys, trainsFedBy, trainsFeeding, weightsFileName } from './trainings.ts';

const EXAMPLE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../assets/examples/two-moons-score.json');
const example = () => JSON.parse(readFileSync(EXAMPLE, 'utf8')) as GraphDocument;

describe('train nodes in the app', () => {
  it('finds the train nodes a selection or a solver is about', () => {
    const doc = example();
    expect(trainIds(doc, CATALOG)).toEqual(['train']);
    expect(trainsFedBy(doc, CATALOG, 'train')).toEqual(['train']);
    expect(trainsFedBy(doc, CATALOG, 'dsm')).toEqual(['train']);
    expect(trainsFedBy(doc, CATALOG, 'network')).toEqual(['train']);
    expect(trainsFedBy(doc, CATALOG, 'prior')).toEqual([]);
    expect(trainsFedBy(doc, CATALOG, 'sampler')).toEqual([]);
    expect(trainsFeeding(doc, CATALOG, 'sampler')).toEqual(['train']);
  });

  it('keys a training by its subgraph, the weights file content included', () => {
    const doc = example();
    const [before] = trainKeys(doc, CATALOG);
    const train = doc.nodes.find((n) => n.id === 'train');
    if (!train?.params) throw new Error('no train node');
    train.params.weights = 'train.onnx';
    const [named] = trainKeys(doc, CATALOG, new Map([['train.onnx', '4:aaaa']]));
    const [other] = trainKeys(doc, CATALOG, new Map([['train.onnx', '4:bbbb']]));
    expect(new Set([before.key, named.key, other.key]).size).toBe(3);
  });

  it('writes the weights as ONNX files that load back into the same network', async () => {
    const doc = example();
    const network = doc.nodes.find((n) => n.id === 'network')?.params;
    Object.assign(network ?? {}, { width: 8, depth: 1, embedding_size: 4 });
    Object.assign(doc.nodes.find((n) => n.id === 'train')?.params ?? {}, { iterations: 20, batch: 16, data_samples: 100 });
    const compiled = compileGraph(doc, CATALOG, { files: new Map() });
    if (!compiled.ok) throw new Error(compiled.problems.map((p) => p.message).join('; '));
    const stage = compiled.plan.trainings?.[0];
    if (!stage) throw new Error('no train stage');
    const result = await runTrainStage(stage);
    const outcome = { nodeId: 'train', result, spec: stage.loss.spec, lossSummary: stage.lossSummary, seed: stage.seed };
    expect(weightsFileName('train', 'used')).toBe('train.onnx');
    for (const [choice, weights] of [['used', result.weights], ['best', result.best], ['last', result.last]] as const) {
      const file = trainedWeightsFile(outcome, choice);
      expect(file.name).toBe(weightsFileName('train', choice));
      expect(file.bytes[0]).toBe(0x08); // ModelProto field 1 (ir_version), varint
      const back = weightsFromOnnx(file.bytes, stage.loss.spec, file.name);
      back.forEach((w, k) => expect(w).toEqual(weights[k]));
    }
  });
});
