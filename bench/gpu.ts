import { compileGraph } from '../core/compile/compileGraph.ts';
import type { GraphDocument } from '../core/graph/types.ts';
import { CATALOG } from '../nodes/registry.ts';

/** Integer and float operations of one Philox4x32-10 call plus Box–Muller, per normal (d = 3 uses 3 of 4). */
const PHILOX_OPS = 10 * 22;
const BOX_MULLER_FLOPS_PER_NORMAL = 30;

/**
 * `npm run bench -- --gpu`: the Lorenz benchmark on the WebGPU backend, with particle-steps per
 * second next to the CPU's, and the arithmetic bound from the operations per particle-step in the
 * generated kernel and the GPU's float32 peak (when given with --peak-tflops).
 */
export async function gpuLorenz(doc: GraphDocument, ref: { cpuRate: number; peakTflops: number }): Promise<{ ok: boolean; lines: string[] }> {
  const { requestNodeDevice } = await import('../core/backends/webgpu/nodeDevice.ts');
  const { runPlanWebGpu } = await import('../core/backends/webgpu/runtime.ts');
  const got = await requestNodeDevice();
  if ('error' in got) return { ok: false, lines: [`  WebGPU: not available (${got.error})`] };
  const compiled = compileGraph(doc, CATALOG);
  if (!compiled.ok) throw new Error('benchmark graph does not compile');
  const stage = compiled.plan.stages[0];
  const [r] = await runPlanWebGpu(compiled.plan, { device: got.device });
  const rate = r.particleSteps / r.wallSeconds;
  const opsPerStep = stage.flopsPerStep + (stage.dims / 4) * PHILOX_OPS + stage.dims * BOX_MULLER_FLOPS_PER_NORMAL;
  const lines = [
    `  SDE Studio webgpu on ${got.adapterName}: ${stage.grid.particles} particles × ${stage.grid.steps} steps`,
    `    ${(rate / 1e6).toFixed(1)} M particle-steps/s (${r.wallSeconds.toFixed(2)} s), ${(rate / ref.cpuRate).toFixed(1)}× the CPU backend`,
    `    ≈ ${opsPerStep.toFixed(0)} operations per particle-step (${stage.flopsPerStep} from the IR, the rest Philox and Box–Muller)`,
  ];
  if (Number.isFinite(ref.peakTflops)) {
    const bound = (ref.peakTflops * 1e12) / opsPerStep;
    lines.push(`    arithmetic bound at ${ref.peakTflops} TFLOP/s: ${(bound / 1e9).toFixed(1)} G particle-steps/s; measured ${(100 * rate / bound).toFixed(1)} % of it`);
  }
  got.device.destroy();
  return { ok: true, lines };
}
