import { printIR } from '../ir/print.ts';
import type { IntegrateStage, Plan, TrainStage } from './plan.ts';

/** Bytes as a short human size: 1.5 GiB, 20 MiB, 512 B. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return `${u === 0 ? v : v.toFixed(v < 10 ? 2 : 1)} ${units[u]}`;
}

function describeStage(s: IntegrateStage, i: number): string[] {
  const m = s.method;
  const g = s.grid;
  const steps = s.tolerances ? `adaptive, rtol ${s.tolerances.rtol}, atol ${s.tolerances.atol}, at most ${s.tolerances.maxSteps} steps` : `${g.steps} steps of ${(g.t1 - g.t0) / g.steps}`;
  return [
    `stage ${i + 1}: integrate '${s.nodeId}' with ${m.name} (${m.summary})`,
    `  state dimension ${s.dims}, ${g.particles} particles, t in [${g.t0}, ${g.t1}], ${steps}`,
    `  record ${g.record === 0 ? 'final state only' : `${g.record + 1} time points`}, seed ${g.seed}`,
    `  work ≈ ${s.flopsPerStep} flops per particle-step${g.steps ? `, ${(s.flopsPerStep * g.particles * g.steps).toExponential(2)} in all` : ''}`,
  ];
}

function describeTraining(s: TrainStage, i: number): string[] {
  const spec = s.loss.spec;
  const net = `MLP ${spec.inputDim} → ${spec.depth}×${spec.width} ${spec.activation} → ${spec.outputDim}, time features ${spec.time.kind}`;
  const o = s.optimizer;
  const schedule = o.schedule?.kind ?? 'constant';
  return [
    `train ${i + 1}: '${s.nodeId}' minimises ${s.lossSummary}`,
    `  network ${net}`,
    ...(s.initFrom && !s.pretrained ? [`  starts from the weights in '${s.initFrom}' (fine-tuning)`] : []),
    s.pretrained ? `  weights loaded from '${s.pretrained.path}': training skipped`
      : `  Adam, lr ${o.lr} (${schedule}), ${s.iterations} iterations of batch ${s.batch}, seed ${s.seed}${o.clipNorm ? `, clip ${o.clipNorm}` : ''}${o.emaDecay ? `, EMA ${o.emaDecay}` : ''}`,
    `  data: ${s.data.grid.particles} samples of '${s.dataSource}' (seed ${s.data.grid.seed}), drawn once; fields use the ${s.use} weights`,
    ...(s.sourceData ? [`  source (x₀): ${s.sourceData.grid.particles} samples of '${s.sourceDataSource}' (seed ${s.sourceData.grid.seed}), drawn once, paired independently with the data`] : []),
    ...(s.pretrained ? [] : [`  work ≈ ${s.flopsPerIteration.toExponential(2)} flops per iteration, ${(s.flopsPerIteration * s.iterations).toExponential(2)} in all`]),
  ];
}

/**
 * A printable plan: stages with their sizes and cost estimates, output buffers, and optionally the
 * IR of each function and the generated kernel source (`kernelSource` comes from a backend).
 */
export function formatPlan(plan: Plan, detail: { ir?: boolean; kernelSource?: (s: IntegrateStage) => string; backend?: string } = {}): string {
  const lines = [`plan for '${plan.graphName}'${detail.backend ? ` on backend ${detail.backend}` : ''}`, ''];
  (plan.trainings ?? []).forEach((s, i) => lines.push(...describeTraining(s, i), ''));
  plan.stages.forEach((s, i) => {
    lines.push(...describeStage(s, i));
    const networks = [...new Set((s.weights ?? []).map((w) => w.train))].map((t) => `'${t}'`).join(', ');
    const models = (s.externals ?? []).map((m) => `'${m.path}'`).join(', ');
    if (models) lines.push(`  fields run the imported model ${models} with onnxruntime-web: on the batched CPU integrator, not a fused kernel`);
    else if (networks) {
      lines.push(detail.backend === 'webgpu'
        ? `  fields read the network of ${networks}: runs in the fused WGSL kernel, weights in a storage buffer`
        : `  fields read the network of ${networks}: on the CPU the batched integrator (float32 GEMMs, one thread) runs it, or the fused kernel below when the solver is adaptive or more than 8 threads run`);
    }
    if (detail.ir) {
      for (const fn of [s.init, s.drift, s.diffusion, s.diffusionDerivative]) if (fn) lines.push('', ...printIR(fn).split('\n').map((l) => `  ${l}`));
    }
    if (detail.kernelSource && !models) lines.push('', '  generated kernel:', ...detail.kernelSource(s).split('\n').map((l) => `  | ${l}`));
    lines.push('');
  });
  plan.analyses.forEach((a, i) => {
    const from = a.sources.map((src) => `${src.stage}.${src.output} → ${src.port}`).join(', ');
    lines.push(`analysis ${i + 1}: ${a.nodeId} (${a.type}) on the host after integration, reads ${from || 'nothing'}`);
  });
  if (plan.analyses.length > 0) lines.push('');
  lines.push('buffers:');
  for (const b of plan.buffers) lines.push(`  ${b.nodeId}.${b.port}  float32 [${b.shape.join(', ')}]  ${formatBytes(b.bytes)}`);
  lines.push(`memory ≈ ${formatBytes(plan.memoryBytes)}, work ≈ ${plan.flops.toExponential(2)} flops`);
  return lines.join('\n');
}
