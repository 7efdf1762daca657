/// <reference types="@webgpu/types" />
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { requestNodeDevice, SWIFTSHADER_ICD } from '../../core/backends/webgpu/nodeDevice.ts';
import type { GraphDocument } from '../../core/graph/types.ts';
import { solverGraph } from '../../nodes/testing.ts';
import type { RunReply } from './protocol.ts';
import { createRunHandler } from './runWorkerCore.ts';
import type { GpuAccess } from './webgpuAccess.ts';

/**
 * The run worker's WebGPU path on a real device (Dawn for Node, SwiftShader without a GPU), as the
 * app's worker runs it with navigator.gpu. Skipped with the reason when no adapter exists.
 */
if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
const probe = await requestNodeDevice();
const skipReason = 'error' in probe ? probe.error : '';
if (skipReason) console.warn(`run worker WebGPU tests skipped: ${skipReason}`);
if ('device' in probe) probe.device.destroy();

/** A GpuAccess over a fresh Dawn device, as webgpuAccess.ts gives the worker over navigator.gpu. */
async function dawnAccess(): Promise<{ access: GpuAccess; device: GPUDevice }> {
  const got = await requestNodeDevice();
  if ('error' in got) throw new Error(got.error);
  return {
    device: got.device,
    access: { probe: async () => ({ available: true, adapter: got.adapterName, software: true }), device: async () => got.device },
  };
}

const ou = solverGraph({
  source: { type: 'source.gaussian', params: { mean: [2, -1], std: 0.3 } },
  drift: { type: 'drift.ou', params: { theta: 1.3, mu: 0.7 } },
  diffusion: { type: 'diffusion.constant', params: { sigma: 0.4 } },
  solver: { type: 'solver.euler_maruyama', params: { t0: 0, t1: 1, steps: 50, record: 5, particles: 2000, seed: 4 } },
});

async function run(backend: 'cpu' | 'webgpu', access: GpuAccess | undefined, onReply: (r: RunReply) => void = () => {}): Promise<RunReply[]> {
  const replies: RunReply[] = [];
  const handle = createRunHandler({
    threadsFor: () => ({ threads: 1, reason: 'one worker thread' }),
    gpu: access,
    post: (reply) => { replies.push(reply); onReply(reply); },
  });
  await handle({ kind: 'run', runId: 3, doc: ou, skip: [], backend });
  return replies;
}

describe.skipIf(skipReason !== '')(`run worker on WebGPU${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  test('runs on the device, says so, and agrees with the CPU to float32', async () => {
    const { access, device } = await dawnAccess();
    try {
      const gpu = await run('webgpu', access);
      const cpu = await run('cpu', access);
      expect(gpu[0]).toMatchObject({ kind: 'started', backend: { name: 'webgpu', reason: expect.stringMatching(/^requested; software adapter \(.+\)/) }, threads: 1 });
      expect(gpu.at(-1)?.kind).toBe('done');
      const g = gpu.find((r) => r.kind === 'stage');
      const c = cpu.find((r) => r.kind === 'stage');
      if (g?.kind !== 'stage' || c?.kind !== 'stage') throw new Error('no stage result');
      expect(g.result.backend?.name).toBe('webgpu');
      expect(g.result.trajectory.length).toBe(c.result.trajectory.length);
      let worst = 0;
      for (let i = 0; i < c.result.trajectory.length; i++) worst = Math.max(worst, Math.abs(g.result.trajectory[i] - c.result.trajectory[i]));
      expect(worst).toBeLessThan(1e-4);
    } finally {
      device.destroy();
    }
  });

  test('a sampler that reads a trained network runs in the WGSL kernel, says so, and agrees with the CPU', async () => {
    const doc = JSON.parse(readFileSync(new URL('../../assets/examples/two-moons-score.json', import.meta.url), 'utf8')) as GraphDocument;
    const params = (id: string) => doc.nodes.find((n) => n.id === id)?.params ?? {};
    Object.assign(params('network'), { width: 16, depth: 2, embedding_size: 8 });
    Object.assign(params('train'), { iterations: 50, batch: 64, data_samples: 1000 });
    Object.assign(params('sampler'), { steps: 20, particles: 128, record: 2 });
    doc.nodes = doc.nodes.filter((n) => n.id !== 'sliced_w2' && n.id !== 'heldout');
    doc.edges = doc.edges.filter((e) => e.to.node !== 'sliced_w2');
    const { access, device } = await dawnAccess();
    try {
      const results = await Promise.all((['webgpu', 'cpu'] as const).map(async (backend) => {
        const replies: RunReply[] = [];
        await createRunHandler({ threadsFor: () => ({ threads: 1, reason: 'test' }), gpu: access, post: (r) => replies.push(r) })({ kind: 'run', runId: 4, doc, skip: [], backend });
        const stage = replies.find((r) => r.kind === 'stage');
        if (stage?.kind !== 'stage') throw new Error(`no stage result: ${JSON.stringify(replies.at(-1))}`);
        return stage.result;
      }));
      const [gpu, cpu] = results;
      expect(gpu.backend?.name).toBe('webgpu');
      expect(cpu.samples.length).toBe(gpu.samples.length);
      // Same Brownian increments; the network in float32 on both sides (the CPU side on the batched integrator).
      let worst = 0;
      for (let i = 0; i < cpu.samples.length; i++) worst = Math.max(worst, Math.abs(gpu.samples[i] - cpu.samples[i]) / (1 + Math.abs(cpu.samples[i])));
      expect(worst).toBeLessThan(1e-3);
    } finally {
      device.destroy();
    }
  });

  test('a device lost mid-run fails the run with the CPU offered, off the solver node', async () => {
    const { access, device } = await dawnAccess();
    // Lose the device as soon as the run has started on it.
    const replies = await run('webgpu', access, (r) => { if (r.kind === 'started') device.destroy(); });
    expect(replies.map((r) => r.kind)).toEqual(['started', 'failed']);
    const failed = replies[1];
    if (failed.kind !== 'failed') throw new Error('not failed');
    expect(failed.error).toMatchObject({ retryOnCpu: true, deviceLost: true, message: expect.stringMatching(/^WebGPU device lost while running 'solve' \(.+\); your graph is unchanged: retry on the CPU/) });
    expect(failed.error.nodeId).toBeUndefined();
  });
});
