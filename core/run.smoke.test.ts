import { test, expect } from 'vitest';
import { compileGraph } from './compile/compileGraph.ts';
import { runPlanCpu } from './backends/cpu/runtime.ts';
import { CATALOG } from '../nodes/registry.ts';
import type { GraphDocument } from './graph/types.ts';

test('smoke', async () => {
  const doc: GraphDocument = {
    format: 'sde-studio.graph', version: 1, name: 'OU',
    nodes: [
      { id: 'init', type: 'source.gaussian', params: { mean: [2.0], std: 0.0 } },
      { id: 'f', type: 'drift.expression', params: { expr: ['theta*(mu - x[0])'], constants: { theta: 1.3, mu: 0.7 } } },
      { id: 'g', type: 'diffusion.constant', params: { sigma: 0.4 } },
      { id: 'solve', type: 'solver.euler_maruyama', params: { t0: 0, t1: 1.5, steps: 300, particles: 20000, seed: 7, record: 3 } },
    ],
    edges: [
      { id: 'e1', from: { node: 'init', port: 'out' }, to: { node: 'solve', port: 'initial' } },
      { id: 'e2', from: { node: 'f', port: 'out' }, to: { node: 'solve', port: 'drift' } },
      { id: 'e3', from: { node: 'g', port: 'out' }, to: { node: 'solve', port: 'diffusion' } },
    ],
  };
  const c = compileGraph(doc, CATALOG);
  if (!c.ok) throw new Error(JSON.stringify(c.problems));
  const [r1] = await runPlanCpu(c.plan, { threads: 1 });
  const [r2] = await runPlanCpu(c.plan, { threads: 2 });
  const m = r1.samples.reduce((a, b) => a + b, 0) / r1.samples.length;
  console.log('mean', m, 'exact', 0.7 + 1.3 * Math.exp(-1.3 * 1.5), r1.wallSeconds, r2.wallSeconds);
  expect(Buffer.from(r1.samples.buffer).equals(Buffer.from(r2.samples.buffer))).toBe(true);
});
