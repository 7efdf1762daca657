import type { DataSource } from '../data.ts';
import type { BatchedLoss } from '../executor.ts';
import type { LossDefinition } from '../losses.ts';
import { StepDraws } from '../random.ts';
import { fillStepData, type StepDataLayout } from '../trainer.ts';
import type { StepData } from './gpuTrainer.ts';

/**
 * The per-step data of a loss, drawn on the CPU by the CPU trainer's own `fillStepData` (so a GPU
 * run sees the batches a CPU run with the same seed sees), into one staging array whose views are
 * returned. The arrays are reused from step to step: upload them before the next call (the WebGPU
 * trainer's writeBuffer copies at once).
 */
export function stepDataSource(loss: LossDefinition, program: BatchedLoss, data: DataSource, seed: number, source?: DataSource): (iteration: number) => StepData {
  const B = program.batch;
  const draws = new StepDraws(seed);
  let floats = 0;
  const take = (n: number) => { const offset = floats; floats += n; return offset; };
  const layout: StepDataLayout = {
    batch: B,
    inputs: program.inputs.map((s) => ({ offset: take(B * s.size), size: s.size })),
    normals: { offset: take(program.normals.draws * B), draws: program.normals.draws },
    uniforms: { offset: take(program.uniforms.draws * B), draws: program.uniforms.draws },
  };
  const staging = new Float32Array(floats);
  const view = (offset: number, n: number) => staging.subarray(offset, offset + n);
  const result: StepData = {
    inputs: layout.inputs.map((s) => view(s.offset, B * s.size)),
    ...(layout.normals.draws > 0 ? { normals: view(layout.normals.offset, layout.normals.draws * B) } : {}),
    ...(layout.uniforms.draws > 0 ? { uniforms: view(layout.uniforms.offset, layout.uniforms.draws * B) } : {}),
  };
  return (step) => {
    fillStepData(loss, layout, staging, step, draws, data, source);
    return result;
  };
}
