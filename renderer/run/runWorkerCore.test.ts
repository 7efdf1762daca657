import { describe, expect, it } from 'vitest';
import { compileGraph } from '../../core/compile/compileGraph.ts';
import { CATALOG } from '../../nodes/registry.ts';
import { solverGraph } from '../../nodes/testing.ts';
import type { RunReply } from './protocol.ts';
import { chunksPerThread, createRunHandler } from './runWorkerCore.ts';

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
