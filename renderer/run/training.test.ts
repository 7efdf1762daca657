/**
 * Training in the run service: the worker trains before it samples (core's runner), the page sees
 * progress and the outcome, trainings are cached by the train node's subgraph, a cancelled
 * training keeps its weights and the next run resumes it exactly.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { GraphDocument, ParamValue } from '../../core/graph/types.ts';
import { CATALOG } from '../../nodes/registry.ts';
import type { RunReply, RunRequest, WorkerLike } from './protocol.ts';
import { RunSession, type RunState } from './runSession.ts';
import { createRunHandler } from './runWorkerCore.ts';
import { solverKeys } from './subgraphKey.ts';
import { trainedWeightsFile } from './trainings.ts';

const EXAMPLE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../assets/examples/two-moons-score.json');

/** The two-moons example, made small: a 16-wide network, `iterations` Adam steps, a short sampler. */
function smallTwoMoons(iterations: number, train: Record<string, ParamValue> = {}): GraphDocument {
  const doc = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as GraphDocument;
  const params = (id: string) => {
    const node = doc.nodes.find((n) => n.id === id);
    if (!node?.params) throw new Error(`two-moons-score.json: no node '${id}' with params`);
    return node.params;
  };
  Object.assign(params('network'), { width: 16, depth: 2, embedding_size: 8 });
  Object.assign(params('train'), { iterations, batch: 64, data_samples: 1000, ...train });
  Object.assign(params('sampler'), { steps: 20, particles: 200, record: 2 });
  Object.assign(params('sliced_w2'), { reference_samples: 200 });
  return doc;
}

/** The real worker code in this process, messages cloned and delivered asynchronously. */
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

  postMessage(message: RunRequest): void {
    this.sent.push(message);
    const copy = structuredClone(message);
    setTimeout(() => { if (!this.terminated) void this.handle(copy); }, 0);
  }

  terminate(): void {
    this.terminated = true;
    for (const m of this.sent) if (m.kind === 'run') void this.handle({ kind: 'cancel', runId: m.runId });
  }
}

function setup() {
  const workers: InProcessWorker[] = [];
  const state: RunState = { running: false, progress: null, error: null, nodeStatus: {}, results: {}, backend: null, lastRun: null, analyses: {}, trainings: {}, training: null };
  const session = new RunSession(state, {
    catalog: CATALOG, cancelGraceMs: 50, trainingCancelGraceMs: 3000,
    createWorker: () => { const w = new InProcessWorker(); workers.push(w); return w; },
  });
  return { state, session, workers };
}

async function until(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const t0 = Date.now();
  while (!condition()) {
    if (Date.now() - t0 > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 2));
  }
}

const replies = (workers: InProcessWorker[]) => workers.flatMap((w) => w.replies);

describe('training in the run service', () => {
  it('trains before sampling, reports progress at most ~10×/s, and keeps the outcome per train node', async () => {
    const { state, session, workers } = setup();
    const seen: number[] = [];
    session.start(smallTwoMoons(400));
    await until(() => {
      if (state.training) seen.push(state.training.iteration);
      return !state.running;
    });
    expect(state.error).toBeNull();
    const t = state.trainings.train;
    expect(t.result.iterations).toBe(400);
    expect(t.result.losses.length).toBe(400);
    expect(t.result.aborted).toBe(false);
    expect(t.spec.width).toBe(16);
    expect(t.key).toMatch(/^[0-9a-f]{16}$/);
    // The sampler read the trained network: it ran on the batched CPU integrator.
    expect(state.results.sampler.integrator).toBe('batched');
    expect(state.results.sampler.backend?.reason).toMatch(/batched CPU integrator/);
    expect(state.analyses.sliced_w2?.ok).toBe(true);
    expect(state.nodeStatus.train).toBe('done');
    expect(state.lastRun?.trained).toEqual(['train']);
    // Progress: iteration counts grow; messages are throttled (one per ≥ 100 ms, plus the last).
    const progress = replies(workers).filter((r) => r.kind === 'train-progress');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.length).toBeLessThanOrEqual(Math.ceil(t.result.seconds * 10) + 2);
    expect(progress.at(-1)).toMatchObject({ iteration: 400, iterations: 400 });
    const sent = progress.reduce((n, r) => n + (r.kind === 'train-progress' ? r.losses.length : 0), 0);
    expect(sent).toBe(400);
    const order = replies(workers).map((r) => r.kind);
    expect(order.indexOf('training')).toBeLessThan(order.indexOf('stage'));
  });

  it('reuses an unchanged training; a change to the training reruns it and the solver it feeds', async () => {
    const { state, session } = setup();
    session.start(smallTwoMoons(200));
    await until(() => !state.running);
    const first = state.trainings.train;
    const firstSamples = state.results.sampler.samples;

    // Solver-only change: the training is reused, the sampler runs again.
    const solverEdit = smallTwoMoons(200);
    (solverEdit.nodes.find((n) => n.id === 'sampler')?.params as Record<string, ParamValue>).seed = 5;
    session.start(solverEdit);
    await until(() => !state.running);
    expect(state.lastRun?.reusedTrainings).toEqual(['train']);
    expect(state.lastRun?.trained).toEqual([]);
    expect(state.trainings.train).toBe(first);
    expect(state.lastRun?.ran).toContain('sampler');

    // Same graph again: nothing runs.
    session.start(solverEdit);
    await until(() => !state.running);
    expect(state.lastRun?.reused).toContain('sampler');
    expect(state.lastRun?.ran).not.toContain('sampler'); // (the metric's reference draws always run)
    expect(state.lastRun?.reusedTrainings).toEqual(['train']);

    // A change inside the training subgraph (the loss): the training and the sampler both rerun.
    const lossEdit = smallTwoMoons(200);
    (lossEdit.nodes.find((n) => n.id === 'dsm')?.params as Record<string, ParamValue>).eps = 0.002;
    expect(solverKeys(lossEdit, CATALOG).find((k) => k.nodeId === 'sampler')?.key)
      .not.toBe(solverKeys(smallTwoMoons(200), CATALOG).find((k) => k.nodeId === 'sampler')?.key);
    session.start(lossEdit);
    await until(() => !state.running);
    expect(state.lastRun?.trained).toEqual(['train']);
    expect(state.lastRun?.ran).toContain('sampler');
    expect(state.trainings.train.key).not.toBe(first.key);
    expect(state.results.sampler.samples).not.toBe(firstSamples);
  });

  it('cancel stops training at once and keeps the weights so far; the next run resumes to the same weights as an uninterrupted run', async () => {
    const iterations = 3000;
    // Reference: the same training, never stopped.
    const reference = setup();
    reference.session.start(smallTwoMoons(iterations));
    await until(() => !reference.state.running, 60_000);
    const full = reference.state.trainings.train.result;

    const { state, session, workers } = setup();
    session.start(smallTwoMoons(iterations));
    await until(() => (state.training?.iteration ?? 0) > 0);
    const cancelledAt = Date.now();
    session.cancel();
    expect(state.running).toBe(false);
    // The worker hands back what it trained within a second.
    await until(() => state.trainings.train?.result.aborted === true, 1000);
    expect(Date.now() - cancelledAt).toBeLessThan(1000);
    const partial = state.trainings.train.result;
    expect(partial.iterations).toBeGreaterThan(0);
    expect(partial.iterations).toBeLessThan(iterations);
    expect(partial.losses.length).toBe(partial.iterations);
    expect(partial.last.length).toBe(full.last.length);
    expect(partial.best.length).toBe(full.best.length);
    expect(partial.state?.step).toBe(partial.iterations);
    // The partial weights can be saved like finished ones.
    expect(trainedWeightsFile(state.trainings.train, 'last').bytes[0]).toBe(0x08);

    // Run again: the worker gets the cancelled training and continues it.
    session.start(smallTwoMoons(iterations));
    await until(() => !state.running, 60_000);
    const run = workers.flatMap((w) => w.sent).filter((m) => m.kind === 'run').at(-1);
    expect(run?.kind === 'run' && run.trainings?.[0]?.iterations).toBe(partial.iterations);
    const started = replies(workers).filter((r) => r.kind === 'started').at(-1);
    expect(started?.kind === 'started' && started.trainings?.[0]).toMatchObject({ nodeId: 'train', done: partial.iterations, skipped: false });
    const resumed = state.trainings.train.result;
    expect(resumed.aborted).toBe(false);
    expect(resumed.iterations).toBe(iterations);
    // Bit for bit the weights and losses of the run that never stopped.
    expect(resumed.losses).toEqual(full.losses);
    resumed.weights.forEach((w, k) => expect(w).toEqual(full.weights[k]));
    resumed.best.forEach((w, k) => expect(w).toEqual(full.best[k]));
  });

  it('with WebGPU chosen, a sampler that reads a trained network runs in the WGSL kernel: without a device the run fails and says why', async () => {
    const doc = smallTwoMoons(50);
    doc.nodes = doc.nodes.filter((n) => n.id !== 'sliced_w2' && n.id !== 'heldout');
    doc.edges = doc.edges.filter((e) => e.to.node !== 'sliced_w2');
    const replies: RunReply[] = [];
    const handle = createRunHandler({
      threadsFor: () => ({ threads: 1, reason: 'test' }),
      gpu: { probe: async () => ({ available: true, adapter: 'test adapter', software: false }), device: async () => { throw new Error('no device in this test'); } },
      post: (reply) => replies.push(reply),
    });
    await handle({ kind: 'run', runId: 1, doc, skip: [], backend: 'webgpu' });
    expect(replies.map((r) => r.kind)).toEqual(['failed']);
    expect(JSON.stringify(replies[0])).toMatch(/no device in this test/);
  });

  it('Run right after Cancel waits for the weights trained so far and resumes from them', async () => {
    const { state, session, workers } = setup();
    session.start(smallTwoMoons(1_000_000));
    await until(() => (state.training?.iteration ?? 0) > 20);
    session.cancel();
    session.start(smallTwoMoons(1_000_000));
    expect(state.running).toBe(true);
    await until(() => replies(workers).filter((r) => r.kind === 'started').length === 2, 5000);
    const started = replies(workers).filter((r) => r.kind === 'started').at(-1);
    const done = started?.kind === 'started' ? started.trainings?.[0]?.done ?? 0 : 0;
    expect(done).toBeGreaterThan(20);
    // The live curve starts with the losses of the part already trained.
    await until(() => (state.training?.iteration ?? 0) > done);
    expect(state.training?.resumedFrom).toBe(done);
    expect(state.training?.losses.length).toBeGreaterThan(done);
    session.dispose();
  });

  it('a run cancelled while it waits for a stopping training is dropped; the next one still resumes', async () => {
    const { state, session, workers } = setup();
    session.start(smallTwoMoons(1_000_000));
    await until(() => (state.training?.iteration ?? 0) > 20);
    session.cancel();
    session.start(smallTwoMoons(1_000_000));
    session.cancel();
    expect(state.running).toBe(false);
    await until(() => state.trainings.train?.result.aborted === true, 3000);
    const stoppedAt = state.trainings.train.result.iterations;
    session.start(smallTwoMoons(1_000_000));
    await until(() => (state.training?.iteration ?? 0) > stoppedAt, 10_000);
    const runs = workers.flatMap((w) => w.sent).filter((m) => m.kind === 'run');
    expect(runs.length).toBe(2); // the dropped run was never posted
    expect(state.training?.resumedFrom).toBe(stoppedAt);
    session.dispose();
  });
});
