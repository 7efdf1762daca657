import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { TrainProgress, TrainResult } from '../backends/batched/training.ts';
import { lossCurve } from '../backends/batched/training.ts';
import type { Plan } from '../compile/plan.ts';
import { exportTrainedOnnx } from '../compile/trainOnnx.ts';

/**
 * What `sde-studio run` does around train stages: progress lines while training, the trained
 * networks as ONNX files, and their entries in run.json.
 */

/** A progress printer that writes at most one line a second per stage, and always the last one. */
export function trainProgressPrinter(err: (text: string) => void): (p: TrainProgress) => void {
  let last = -Infinity;
  return (p) => {
    const now = performance.now();
    if (now - last < 1000 && p.iteration < p.iterations) return;
    last = now;
    err(`  ${p.nodeId}: iteration ${p.iteration}/${p.iterations}, loss ${p.loss.toPrecision(4)}, ${p.itersPerSecond.toFixed(0)} iterations/s`);
  };
}

/**
 * Writes each train stage's networks: `<node>.onnx` (the weights its `use` picks, which the
 * samplers read), `<node>.best.onnx` and `<node>.last.onnx`. Returns the file names written, in
 * order, per train node. `safeName` keeps node ids to a safe file-name alphabet.
 */
export async function writeTrainedNetworks(outDir: string, plan: Plan, trainings: readonly TrainResult[], safeName: (name: string) => string): Promise<Map<string, string[]>> {
  const written = new Map<string, string[]>();
  for (const t of trainings) {
    const stage = plan.trainings?.find((s) => s.nodeId === t.nodeId);
    if (!stage) continue;
    const doc = `${stage.lossSummary}; ${t.pretrained ? `loaded from ${t.pretrained}` : `${t.iterations} Adam iterations, seed ${stage.seed}`}`;
    const files: [string, Float32Array[], string][] = [
      [`${t.nodeId}.onnx`, t.weights, `${t.use} weights`], [`${t.nodeId}.best.onnx`, t.best, 'best weights'], [`${t.nodeId}.last.onnx`, t.last, 'last weights'],
    ];
    const names: string[] = [];
    for (const [name, weights, which] of files) {
      const file = safeName(name);
      await writeFile(path.join(outDir, file), exportTrainedOnnx(stage.loss.spec, weights, `${which}: ${doc}`));
      names.push(file);
    }
    written.set(t.nodeId, names);
  }
  return written;
}

/** The run.json entry of each train stage: timing, losses and a loss curve of at most 1000 points. */
export function trainingReport(trainings: readonly TrainResult[], files: ReadonlyMap<string, string[]>) {
  return trainings.map((t) => ({
    node: t.nodeId,
    ...(t.pretrained ? { pretrained: t.pretrained } : {}),
    iterations: t.iterations,
    ...(t.backend ? { backend: t.backend } : {}),
    seconds: t.seconds,
    iterationsPerSecond: t.itersPerSecond,
    finalLoss: Number.isFinite(t.finalLoss) ? t.finalLoss : null,
    bestLoss: Number.isFinite(t.bestLoss) ? t.bestLoss : null,
    use: t.use,
    lossCurve: lossCurve(t.losses),
    files: files.get(t.nodeId) ?? [],
  }));
}
