import { describe, expect, it } from 'vitest';
import { compileGraph } from '../../core/compile/compileGraph.ts';
import { CATALOG } from '../../nodes/registry.ts';
import { solverGraph } from '../../nodes/testing.ts';
import { DeviceLostError } from '../../core/backends/webgpu/deviceWatch.ts';
import type { RunReply, RunRequest } from './protocol.ts';
import { chunksPerThread, createRunHandler, deviceLostError } from './runWorkerCore.ts';
import type { GpuAccess } from './webgpuAccess.ts';

const doc = (steps: number, particles: number, record = 5) => solverGraph({
  source: { type: 'source.gaussian', params: { mean: [0, 1], std: 1 } },
  drift: { type: 'drift.ou', params: { theta: 1, mu: 0 } },
  diffusion: { type: 'diffusion.constant', params: { sigma: 0.3 } },
  solver: { type: 'solver.euler_maruyama', params: { t0: 0, t1: 1, steps, particles, seed: 2, record } },
});

function stageOf(steps: number, particles: number) {
  const c = compileGraph(doc(steps, particles), CATALOG);
  if (!c.ok) throw new Error('does not compile');
  return c.plan.stages[0];
}

describe('run worker', () => {
  it('splits long stages into more chunks, about 1.5 M particle-steps each', () => {
    expect(chunksPerThread(stageOf(100, 1000), 1)).toBe(16);
    expect(chunksPerThread(stageOf(10_000, 40_000), 1)).toBe(267);
    expect(chunksPerThread(stageOf(10_000, 40_000), 4)).toBe(67);
    // Never more chunks than particles per thread.
    expect(chunksPerThread(stageOf(1_000_000, 10), 1)).toBe(16);
  });

  it('replies started, progress, stage and done, transferring the result arrays', async () => {
    const replies: { reply: RunReply; transfer: ArrayBuffer[] }[] = [];
    const handle = createRunHandler({ threadsFor: () => ({ threads: 1, reason: 'test' }), post: (reply, transfer) => replies.push({ reply, transfer }) });
    await handle({ kind: 'run', runId: 7, doc: doc(50, 300), skip: [] });
    expect(replies.map((r) => r.reply.kind)).toEqual(['started', ...replies.slice(1, -2).map(() => 'progress'), 'stage', 'done']);
    const stage = replies.find((r) => r.reply.kind === 'stage');
    if (stage?.reply.kind !== 'stage') throw new Error('no stage reply');
    const { result } = stage.reply;
    expect(result).toMatchObject({ nodeId: 'solve', dims: 2, particles: 300, threads: 1 });
    expect(new Set(stage.transfer)).toEqual(new Set([result.samples.buffer, result.trajectory.buffer, result.times.buffer]));
    expect(replies.every((r) => r.reply.runId === 7)).toBe(true);
  });

  it('skips cached solvers and still validates the graph', async () => {
    const replies: RunReply[] = [];
    const handle = createRunHandler({ threadsFor: () => ({ threads: 1, reason: 'test' }), post: (reply) => replies.push(reply) });
    await handle({ kind: 'run', runId: 1, doc: doc(50, 300), skip: ['solve'] });
    expect(replies.map((r) => r.kind)).toEqual(['started', 'done']);
    const bad = doc(50, 300);
    (bad.nodes[3].params as Record<string, number>).particles = -5;
    replies.length = 0;
    await handle({ kind: 'run', runId: 2, doc: bad, skip: ['solve'] });
    expect(replies).toMatchObject([{ kind: 'failed', error: { nodeId: 'solve' } }]);
  });
});

describe('run worker backend choice', () => {
  const software: GpuAccess = {
    probe: async () => ({ available: true, adapter: 'google swiftshader', software: true }),
    device: async () => { throw new Error('auto must not ask for a device on a software adapter'); },
  };

  async function run(request: Partial<Extract<RunRequest, { kind: 'run' }>>, gpu?: GpuAccess): Promise<RunReply[]> {
    const replies: RunReply[] = [];
    const handle = createRunHandler({ threadsFor: () => ({ threads: 1, reason: 'one worker thread' }), gpu, post: (reply) => replies.push(reply) });
    await handle({ kind: 'run', runId: 1, doc: doc(20, 100), skip: [], ...request });
    return replies;
  }

  it('auto runs on the CPU next to a software adapter and says why, per result too', async () => {
    const replies = await run({ backend: 'auto' }, software);
    const backend = { name: 'cpu', reason: 'auto: only a software WebGPU adapter (google swiftshader); the CPU is faster; one worker thread' };
    expect(replies[0]).toMatchObject({ kind: 'started', backend });
    expect(replies.find((r) => r.kind === 'stage')).toMatchObject({ result: { backend } });
    expect(replies.at(-1)?.kind).toBe('done');
  });

  it('cpu never probes WebGPU', async () => {
    const probeless: GpuAccess = { probe: async () => { throw new Error('probed'); }, device: async () => { throw new Error('asked'); } };
    const replies = await run({ backend: 'cpu' }, probeless);
    expect(replies[0]).toMatchObject({ kind: 'started', backend: { name: 'cpu', reason: 'requested; one worker thread' } });
  });

  it('webgpu without WebGPU fails before starting, says why, and offers the CPU', async () => {
    const replies = await run({ backend: 'webgpu' });
    expect(replies).toEqual([{
      kind: 'failed', runId: 1,
      error: { message: expect.stringMatching(/^WebGPU is not available in this browser: navigator\.gpu is missing .*; choose CPU$/), retryOnCpu: true },
    }]);
  });

  it('webgpu whose device cannot start fails with the reason and offers the CPU', async () => {
    const refusing: GpuAccess = { ...software, device: async () => { throw new Error('the WebGPU adapter (google swiftshader) refused a device (out of memory)'); } };
    const replies = await run({ backend: 'webgpu' }, refusing);
    expect(replies).toMatchObject([{ kind: 'failed', error: { message: /^WebGPU could not start: .*refused a device \(out of memory\); choose CPU$/, retryOnCpu: true } }]);
  });

  it('webgpu with every result reused needs no device', async () => {
    const replies = await run({ backend: 'webgpu', skip: ['solve'] }, software);
    expect(replies.map((r) => r.kind)).toEqual(['started', 'done']);
    expect(replies[0]).toMatchObject({ backend: { name: 'webgpu', reason: 'requested; software adapter (google swiftshader), slower than the CPU' } });
  });

  it('words a lost device for the app: not on a node, retry on the CPU', () => {
    const error = deviceLostError(new DeviceLostError('unknown', 'Device was lost (TDR)'), 'solve');
    expect(error).toEqual({
      message: "WebGPU device lost while running 'solve' (Device was lost (TDR)); your graph is unchanged: retry on the CPU, or run again for a fresh device",
      retryOnCpu: true, deviceLost: true,
    });
    expect(error.nodeId).toBeUndefined();
  });
});
