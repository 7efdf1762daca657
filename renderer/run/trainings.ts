/**
 * Train nodes as the app sees them: which nodes train, the cache key of each (its subgraph: the
 * loss, the network, the data source, the weights file), and their trained networks as `.onnx`
 * files, named and documented as `sde-studio run` writes them (core/cli/training.ts).
 */
import { exportTrainedOnnx } from '../../core/compile/trainOnnx.ts';
import type { Catalog } from '../../core/graph/catalog.ts';
import type { GraphDocument } from '../../core/graph/types.ts';
import { dependentSolvers } from './nodeStatus.ts';
import { hashText, serializeSubgraph, type FileHashes, type SubgraphKey } from './subgraphKey.ts';
import type { TrainingOutcome } from './types.ts';

/** Whether a node type trains a network before anything is sampled (the `train.*` family). */
export function isTrainType(type: string): boolean {
  return type.startsWith('train.');
}

/** The train nodes of a document, in document order. */
export function trainIds(doc: GraphDocument, catalog: Catalog): string[] {
  return doc.nodes.filter((n) => n && isTrainType(n.type) && catalog.has(n.type)).map((n) => n.id);
}

/** The cache key and its full text of every train node (like solverKeys for solvers). */
export function trainKeys(doc: GraphDocument, catalog: Catalog, fileHashes: FileHashes = new Map()): SubgraphKey[] {
  return trainIds(doc, catalog).map((nodeId) => {
    const text = serializeSubgraph(doc, nodeId, catalog, fileHashes);
    return { nodeId, key: hashText(text), text };
  });
}

/** The train nodes `nodeId` feeds, directly or through other nodes (itself when it is one): a loss or network node feeds its train node. */
export function trainsFedBy(doc: GraphDocument, catalog: Catalog, nodeId: string): string[] {
  const trains = trainIds(doc, catalog);
  const fed = dependentSolvers(doc, new Set(trains)).get(nodeId);
  return trains.filter((t) => fed?.has(t));
}

/** The train nodes whose networks `solverId` reads, directly or through other nodes (process.reverse_sde, …). */
export function trainsFeeding(doc: GraphDocument, catalog: Catalog, solverId: string): string[] {
  const feeds = dependentSolvers(doc, new Set([solverId]));
  return trainIds(doc, catalog).filter((t) => feeds.get(t)?.has(solverId));
}

/** Bytes held by a training outcome (weights, best, last, optimizer state, loss curve). */
export function trainingBytes(t: TrainingOutcome): number {
  const r = t.result;
  const tensors = new Set([...r.weights, ...r.last, ...r.best, ...(r.state?.weights ?? []), ...(r.state?.best ?? []), ...(r.state?.ema ?? [])]);
  let bytes = r.losses.byteLength + (r.state ? r.state.m.byteLength + r.state.v.byteLength : 0);
  for (const w of tensors) bytes += w.byteLength;
  return bytes;
}

/** Which weights of a training to save or use: those its `use` param picked, the best or the last iterate. */
export type WeightChoice = 'used' | 'best' | 'last';

/** The file a choice is saved as: `<node>.onnx` for the weights used, `<node>.best.onnx`, `<node>.last.onnx` (as the CLI names them). */
export function weightsFileName(nodeId: string, choice: WeightChoice): string {
  return choice === 'used' ? `${nodeId}.onnx` : `${nodeId}.${choice}.onnx`;
}

/** A label for a choice: `EMA (used)` (the weights the samplers read), `best (lowest smoothed loss)`, `last iterate`. */
export function weightChoiceLabel(t: TrainingOutcome, choice: WeightChoice): string {
  if (choice !== 'used') return choice === 'best' ? 'best (lowest smoothed loss)' : 'last iterate';
  const use = t.result.use;
  return `${use === 'ema' ? 'EMA' : use} (used)`;
}

/** The `.onnx` bytes of the chosen weights, with the CLI's doc string (what, loss, iterations, seed). */
export function trainedWeightsFile(t: TrainingOutcome, choice: WeightChoice): { name: string; bytes: Uint8Array } {
  const r = t.result;
  const weights = choice === 'used' ? r.weights : choice === 'best' ? r.best : r.last;
  const which = choice === 'used' ? `${r.use} weights` : `${choice} weights`;
  const how = r.pretrained ? `loaded from ${r.pretrained}`
    : `${r.iterations} Adam iterations${r.aborted ? ` of ${r.target} (stopped early)` : ''}, seed ${t.seed}`;
  return { name: weightsFileName(t.nodeId, choice), bytes: exportTrainedOnnx(t.spec, weights, `${which}: ${t.lossSummary}; ${how}`) };
}
