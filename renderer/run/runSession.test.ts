import { describe, expect, it } from 'vitest';
import type { GraphDocument } from '../../core/graph/types.ts';
import { CATALOG } from '../../nodes/registry.ts';
import { solverGraph } from '../../nodes/testing.ts';
import type { RunReply, RunRequest, WorkerLike } from './protocol.ts';
import { RunSession, type RunState } from './runSession.ts';
import { createRunHandler } from './runWorkerCore.ts';

/** The real worker code in this process, with messages cloned and delivered asynchronously. */
class InProcessWorker implements WorkerLike {
  onmessage: ((event: { data: RunReply }) => void) | null = null;
  onerror: ((event: { message?: string }) => void) | null = null;
  terminated = false;
  readonly sent: RunRequest[] = [];
  readonly replies: RunReply[] = [];
  private readonly handle = createRunHandler({
    threadsFor: () => ({ threads: 1, reason: 'test' }),
    post: (reply) => {
      if (this.terminated) return;
      this.replies.push(reply);
      const copy = structuredClone(reply);
      setTimeout(() => { if (!this.terminated) this.onmessage?.({ data: copy }); }, 0);
    },
  });

  constructor(private readonly deaf = false) {}

  postMessage(message: RunRequest): void {
    this.sent.push(message);
    if (this.deaf && message.kind === 'cancel') return;
    const copy = structuredClone(message);
    setTimeout(() => { if (!this.terminated) void this.handle(copy); }, 0);
  }

  terminate(): void {
    this.terminated = true;
    // Stop the in-process loop too, as terminating a real worker would.
    for (const m of this.sent) if (m.kind === 'run') void this.handle({ kind: 'cancel', runId: m.runId });
  }
}

function setup(options: { deaf?: boolean } = {}) {
  const workers: InProcessWorker[] = [];
  const state: RunState = { running: false, progress: null, error: null, nodeStatus: {}, results: {}, backend: null, lastRun: null, analyses: {}, trainings: {}, training: null };
  const session = new RunSession(state, {
    // A second for a cancelled worker to stop on its own: a chunk can take a while on a busy 2-core machine.
    catalog: CATALOG, cancelGraceMs: 1000,
    createWorker: () => { const w = new InProcessWorker(options.deaf); workers.push(w); return w; },
  });
  return { state, session, workers };
}

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const t0 = Date.now();
  while (!condition()) {
    if (Date.now() - t0 > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const ou = (particles = 4000, steps = 100, theta = 1.3) => solverGraph({
  source: { type: 'source.gaussian', params: { mean: [2], std: 0 } },
  drift: { type: 'drift.ou', params: { theta, mu: 0.7 } },
  diffusion: { type: 'diffusion.constant', params: { sigma: 0.4 } },
  solver: { type: 'solver.euler_maruyama', params: { t0: 0, t1: 1, steps, particles, seed: 3, record: 10 } },
});

/** Two OU solvers sharing nothing but the source. */
function twoSolvers(): GraphDocument {
  const doc = ou(2000);
  doc.nodes.push(
    { id: 'f2', type: 'drift.ou', params: { theta: 0.5, mu: 0 } },
    { id: 'solve2', type: 'solver.euler', params: { t0: 0, t1: 1, steps: 50, particles: 1000, seed: 1, record: 5 } },
  );
  doc.edges.push(
    { id: 'e4', from: { node: 'init', port: 'out' }, to: { node: 'solve2', port: 'initial' } },
    { id: 'e5', from: { node: 'f2', port: 'out' }, to: { node: 'solve2', port: 'drift' } },
  );
  return doc;
}

describe('RunSession with the real worker code', () => {
  it('runs a graph and reports progress, results, statuses and the backend', async () => {
    const { state, session, workers } = setup();
    session.start(ou());
    expect(state.running).toBe(true);
    await until(() => !state.running);
    expect(state.error).toBeNull();
    const r = state.results.solve;
    expect(r.dims).toBe(1);
    expect(r.samples.length).toBe(4000);
    expect(r.trajectory.length).toBe(11 * 4000);
    expect(r.times[10]).toBeCloseTo(1);
    // Exact OU mean at t = 1: mu + (x0 - mu) e^{-theta t}; the noise is small, 4000 particles.
    const mean = r.samples.reduce((a, b) => a + b, 0) / r.samples.length;
    expect(Math.abs(mean - (0.7 + 1.3 * Math.exp(-1.3)))).toBeLessThan(0.02);
    // No navigator.gpu here: auto takes the CPU and says so, on the run and on its result.
    expect(state.backend).toEqual({ name: 'cpu', reason: expect.stringMatching(/^auto: navigator\.gpu is missing .*; test$/) });
    expect(r.backend).toEqual(state.backend);
    expect(workers[0].sent[0]).toMatchObject({ kind: 'run', backend: 'auto' });
    expect(state.nodeStatus).toMatchObject({ init: 'done', f: 'done', g: 'done', solve: 'done' });
    expect(state.lastRun?.ran).toEqual(['solve']);
    expect(workers[0].replies.some((m) => m.kind === 'progress' && m.particlesDone === 4000)).toBe(true);
  });

  it('reuses a solver whose subgraph did not change and reruns only the edited one', async () => {
    const { state, session, workers } = setup();
    session.start(twoSolvers());
    await until(() => !state.running);
    expect(state.lastRun?.ran.sort()).toEqual(['solve', 'solve2']);
    const first = state.results.solve2;

    const edited = twoSolvers();
    (edited.nodes.find((n) => n.id === 'f')?.params as Record<string, number>).theta = 2;
    edited.nodes[0].position = { x: 99, y: 99 };
    session.start(edited);
    await until(() => !state.running);
    expect(state.lastRun?.ran).toEqual(['solve']);
    expect(state.lastRun?.reused).toEqual(['solve2']);
    // Still shown from the first run: the same object, so the views do not rebuild.
    expect(state.results.solve2).toBe(first);
    const runs = workers[0].sent.filter((m) => m.kind === 'run');
    expect(runs[1]).toMatchObject({ skip: ['solve2'] });

    // Undoing the edit finds the first run's result for 'solve' in the cache.
    session.start(twoSolvers());
    await until(() => !state.running);
    expect(state.lastRun?.ran).toEqual([]);
    expect(state.lastRun?.reused.sort()).toEqual(['solve', 'solve2']);
    expect(state.results.solve.reused).toBe(true);
  });

  it('puts compile problems on the node and starts nothing', async () => {
    const { state, session, workers } = setup();
    const doc = solverGraph({
      source: { type: 'source.gaussian', params: { mean: [0], std: 1 } },
      drift: { type: 'drift.expression', params: { expr: ['-x[0] +* 2'], constants: {} } },
      solver: { type: 'solver.euler', params: { t0: 0, t1: 1, steps: 10, particles: 10, seed: 1, record: 0 } },
    });
    session.start(doc);
    await until(() => !state.running);
    expect(state.error?.nodeId).toBe('f');
    expect(state.error?.message).toMatch(/node 'f', param 'expr'/);
    expect(state.error?.problems?.length).toBeGreaterThan(0);
    expect(state.nodeStatus.f).toBe('error');
    expect(workers[0].replies.some((m) => m.kind === 'started')).toBe(false);
  });

  it('reports a particle that blew up on its solver node', async () => {
    const { state, session } = setup();
    session.start(solverGraph({
      source: { type: 'source.gaussian', params: { mean: [3], std: 0 } },
      drift: { type: 'drift.expression', params: { expr: ['x[0]^3'], constants: {} } },
      solver: { type: 'solver.euler', params: { t0: 0, t1: 5, steps: 50, particles: 20, seed: 1, record: 0 } },
    }));
    await until(() => !state.running);
    expect(state.error).toMatchObject({ nodeId: 'solve', particle: 0 });
    expect(state.error?.message).toMatch(/NaN or infinite/);
    expect(state.nodeStatus.solve).toBe('error');
    expect(state.results.solve).toBeUndefined();
  });

  it('cancels at once, keeps earlier results, and runs again afterwards', async () => {
    const { state, session, workers } = setup();
    session.start(ou(1000, 50));
    await until(() => !state.running);
    const before = state.results.solve;
    session.start(ou(200_000, 2000, 0.9));
    await until(() => (state.progress?.particlesDone ?? 0) > 0);
    session.cancel();
    expect(state.running).toBe(false);
    expect(state.results.solve).toBe(before);
    expect(state.nodeStatus.solve).not.toBe('running');
    await until(() => workers[0].replies.some((m) => m.kind === 'cancelled'));
    await new Promise((r) => setTimeout(r, 20)); // the reply reaches the session a tick after the worker posts it
    expect(workers[0].terminated).toBe(false); // it stopped on its own, so it is kept
    session.start(ou(500, 20));
    await until(() => !state.running);
    expect(state.results.solve.particles).toBe(500);
    expect(workers.length).toBe(1);
  });

  it('terminates a worker that does not stop and starts a fresh one next time', async () => {
    const { state, session, workers } = setup({ deaf: true });
    session.start(ou(100_000, 2000));
    await until(() => (state.progress?.particlesDone ?? 0) > 0);
    session.cancel();
    await until(() => workers[0].terminated, 3000);
    session.start(ou(300, 20));
    await until(() => !state.running);
    expect(workers.length).toBe(2);
    expect(state.results.solve.particles).toBe(300);
  });

  it('a second start replaces a run in flight and ignores its messages', async () => {
    const { state, session, workers } = setup();
    session.start(ou(100_000, 2000));
    session.start(ou(300, 20));
    expect(workers[0].terminated).toBe(true);
    await until(() => !state.running);
    expect(state.results.solve.particles).toBe(300);
  });
});

/**
 * A scripted worker for what the engine cannot do here: 'webgpu' runs answer as WebGPU (or lose the
 * device when `loseDevice` is set), 'auto' resolves to the CPU, as next to a software adapter.
 */
class ScriptedWorker implements WorkerLike {
  onmessage: ((event: { data: RunReply }) => void) | null = null;
  onerror: ((event: { message?: string }) => void) | null = null;
  readonly sent: RunRequest[] = [];
  loseDevice = false;

  postMessage(message: RunRequest): void {
    this.sent.push(message);
    if (message.kind !== 'run') return;
    const { runId } = message;
    const name = message.backend === 'webgpu' ? 'webgpu' : 'cpu';
    const backend = { name, reason: `${message.backend} in the test` };
    const stages = message.doc.nodes.filter((n) => n.type.startsWith('solver.') && !message.skip.includes(n.id));
    const replies: RunReply[] = [{ kind: 'started', runId, backend, threads: 1, stages: stages.map((n) => ({ nodeId: n.id, particles: 2, steps: 1 })) }];
    if (name === 'webgpu' && this.loseDevice) {
      replies.push({ kind: 'failed', runId, error: { message: 'WebGPU device lost (GPU hang)', retryOnCpu: true, deviceLost: true } });
    } else {
      for (const [stageIndex, n] of stages.entries()) {
        const samples = new Float32Array([name === 'webgpu' ? 1 : 2, 3]);
        replies.push({ kind: 'stage', runId, stageIndex, result: { nodeId: n.id, dims: 1, particles: 2, samples, trajectory: samples.slice(), times: new Float32Array([1]), wallSeconds: 0.01, particleSteps: 2, backend } });
      }
      replies.push({ kind: 'done', runId });
    }
    for (const r of replies) setTimeout(() => this.onmessage?.({ data: r }), 0);
  }

  terminate(): void {}
}

describe('RunSession and backends', () => {
  function scripted() {
    const worker = new ScriptedWorker();
    const state: RunState = { running: false, progress: null, error: null, nodeStatus: {}, results: {}, backend: null, lastRun: null, analyses: {}, trainings: {}, training: null };
    const session = new RunSession(state, { catalog: CATALOG, createWorker: () => worker });
    const runOn = async (backend: 'auto' | 'webgpu' | 'cpu') => {
      session.start(ou(), backend);
      await until(() => !state.running);
    };
    return { state, session, worker, runOn };
  }

  it('passes the backend to the worker and never shows a CPU result as a WebGPU one', async () => {
    const { state, worker, runOn } = scripted();
    await runOn('cpu');
    expect(worker.sent.at(-1)).toMatchObject({ kind: 'run', backend: 'cpu', skip: [] });
    expect(state.results.solve.backend?.name).toBe('cpu');

    // Same document on WebGPU: the CPU result is not reused.
    await runOn('webgpu');
    expect(worker.sent.at(-1)).toMatchObject({ backend: 'webgpu', skip: [] });
    expect(state.lastRun).toMatchObject({ ran: ['solve'], reused: [] });
    expect(state.results.solve.backend?.name).toBe('webgpu');
    expect(state.results.solve.samples[0]).toBe(1);

    // Back on the CPU: the CPU result comes from the cache, labelled as the CPU's.
    await runOn('cpu');
    expect(state.lastRun).toMatchObject({ ran: [], reused: ['solve'] });
    expect(state.results.solve).toMatchObject({ reused: true, backend: { name: 'cpu' } });
    expect(state.results.solve.samples[0]).toBe(2);
  });

  it('auto reuses results of whatever auto chose last time, once it knows', async () => {
    const { state, worker, runOn } = scripted();
    await runOn('webgpu');
    // First auto run: what auto means is not known yet, so nothing is reused.
    await runOn('auto');
    expect(state.lastRun).toMatchObject({ ran: ['solve'], reused: [] });
    expect(state.results.solve.backend?.name).toBe('cpu');
    await runOn('auto');
    expect(worker.sent.at(-1)).toMatchObject({ backend: 'auto', skip: ['solve'] });
    expect(state.lastRun).toMatchObject({ ran: [], reused: ['solve'] });
    expect(state.results.solve.backend?.name).toBe('cpu');
  });

  it('reports a lost device with the CPU offered, keeps the results, and reruns on the CPU', async () => {
    const { state, worker, runOn } = scripted();
    await runOn('cpu');
    const shown = state.results.solve;
    worker.loseDevice = true;
    await runOn('webgpu');
    expect(state.error).toMatchObject({ message: expect.stringMatching(/^WebGPU device lost/), retryOnCpu: true, deviceLost: true });
    expect(state.results.solve).toBe(shown);
    expect(state.nodeStatus.solve).not.toBe('error');
    // Retry on CPU: the same document again, on the CPU.
    await runOn('cpu');
    expect(state.error).toBeNull();
    const [failed, retried] = worker.sent.slice(-2) as Extract<RunRequest, { kind: 'run' }>[];
    expect(retried.backend).toBe('cpu');
    expect(retried.doc).toEqual(failed.doc);
    expect(state.results.solve.backend?.name).toBe('cpu');
  });
});
