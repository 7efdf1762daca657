/**
 * Files and analyses in a run: the worker compiles with the document's data files, attaches each
 * stage's structure, runs the analysis nodes after the stages (on reused arrays too), and the
 * session keys the results cache on the files' contents.
 */
import { describe, expect, it } from 'vitest';
import { hashBytes } from './subgraphKey.ts';
import type { RunReply, RunRequest, WorkerLike } from './protocol.ts';
import { RunSession, type RunState } from './runSession.ts';
import { createRunHandler } from './runWorkerCore.ts';
import { analysisGraph, TEST_CATALOG, textBytes } from './testing.ts';
import type { RunFiles } from './types.ts';

const ATOMS = '0 0 0  1.5 0 0  3 0.2 0';

function files(entries: Record<string, string>): RunFiles {
  const bytes = new Map(Object.entries(entries).map(([p, t]) => [p, textBytes(t)]));
  return { bytes, hashes: new Map([...bytes].map(([p, b]) => [p, hashBytes(b)])) };
}

function handler() {
  const replies: { reply: RunReply; transfer: ArrayBuffer[] }[] = [];
  const handle = createRunHandler({ threadsFor: () => ({ threads: 1, reason: 'test' }), post: (reply, transfer) => replies.push({ reply, transfer }), catalog: TEST_CATALOG });
  return { handle, replies, kinds: () => replies.map((r) => r.reply.kind).filter((k) => k !== 'progress') };
}

describe('run worker: files and analyses', () => {
  it('compiles with the files, gives the stage its structure and runs the analyses after it', async () => {
    const { handle, replies, kinds } = handler();
    await handle({ kind: 'run', runId: 1, doc: analysisGraph({ failing: true }), skip: [], files: [['atoms.txt', textBytes(ATOMS)]] });
    expect(kinds()).toEqual(['started', 'stage', 'analyses', 'done']);
    const stage = replies.find((r) => r.reply.kind === 'stage')!;
    if (stage.reply.kind !== 'stage') throw new Error('no stage');
    expect(stage.reply.result.structure?.atoms.names).toHaveLength(3);
    expect(stage.reply.result.dims).toBe(9);
    // An analysis reads this stage: the page gets copies, the worker's arrays stay usable.
    expect(stage.transfer).toEqual([]);
    const analyses = replies.find((r) => r.reply.kind === 'analyses')!.reply;
    if (analyses.kind !== 'analyses') throw new Error('no analyses');
    const [mean, broken] = analyses.results;
    expect(mean).toMatchObject({ nodeId: 'mean', type: 'test.mean', ok: true, files: [{ name: 'mean.txt', mime: 'text/plain' }] });
    if (!mean.ok) throw new Error(mean.error);
    expect(mean.summary).toMatch(/over 3 atoms$/);
    expect(mean.metrics?.perFrame).toHaveLength(5); // record 4 → 5 frames
    expect(broken).toEqual({ nodeId: 'broken', type: 'test.fails', ok: false, error: 'nothing to export: connect a structure' });
  });

  it('reports a file the page did not send on its node and param', async () => {
    const { handle, replies } = handler();
    await handle({ kind: 'run', runId: 2, doc: analysisGraph(), skip: [] });
    expect(replies.map((r) => r.reply)).toMatchObject([{ kind: 'failed', error: { nodeId: 'atoms', problems: [{ nodeId: 'atoms', param: 'file', message: expect.stringMatching(/file 'atoms.txt' is not available/) }] } }]);
  });

  it('runs the analyses on the arrays of a reused solver', async () => {
    const { handle, replies, kinds } = handler();
    const frames = 5, particles = 2, dims = 9;
    const trajectory = new Float32Array(frames * particles * dims).fill(2);
    await handle({
      kind: 'run', runId: 3, doc: analysisGraph({ particles }), skip: ['solve'], files: [['atoms.txt', textBytes(ATOMS)]],
      reused: [{ nodeId: 'solve', dims, samples: trajectory.slice(-particles * dims), trajectory, times: new Float32Array(frames) }],
    });
    expect(kinds()).toEqual(['started', 'analyses', 'done']);
    const analyses = replies[1].reply;
    expect(analyses.kind === 'analyses' && analyses.results[0]).toMatchObject({ ok: true, metrics: { mean: 2 } });
  });
});

/** The real worker code in this process (as in runSession.test.ts), with the test catalog. */
class InProcessWorker implements WorkerLike {
  onmessage: ((event: { data: RunReply }) => void) | null = null;
  onerror: ((event: { message?: string }) => void) | null = null;
  readonly sent: RunRequest[] = [];
  private readonly handle = createRunHandler({
    threadsFor: () => ({ threads: 1, reason: 'test' }),
    catalog: TEST_CATALOG,
    post: (reply) => {
      const copy = structuredClone(reply);
      setTimeout(() => this.onmessage?.({ data: copy }), 0);
    },
  });

  postMessage(message: RunRequest): void {
    this.sent.push(message);
    const copy = structuredClone(message);
    setTimeout(() => void this.handle(copy), 0);
  }

  terminate(): void {}
}

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const t0 = Date.now();
  while (!condition()) {
    if (Date.now() - t0 > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('run session: files and analyses', () => {
  function setup() {
    const workers: InProcessWorker[] = [];
    const state: RunState = { running: false, progress: null, error: null, nodeStatus: {}, results: {}, backend: null, lastRun: null, analyses: {}, trainings: {}, training: null };
    const session = new RunSession(state, { catalog: TEST_CATALOG, createWorker: () => { const w = new InProcessWorker(); workers.push(w); return w; } });
    return { state, session, workers };
  }

  it('keeps analyses by node with their badges, sends copies of the files, and reruns analyses on reused results', async () => {
    const { state, session, workers } = setup();
    const store = files({ 'atoms.txt': ATOMS });
    session.start(analysisGraph({ failing: true }), 'cpu', store);
    expect(state.nodeStatus.mean).toBe('running');
    await until(() => !state.running);
    expect(state.error).toBeNull();
    expect(Object.keys(state.analyses).sort()).toEqual(['broken', 'mean']);
    expect(state.nodeStatus).toMatchObject({ solve: 'done', atoms: 'done', mean: 'done', broken: 'error' });
    expect(state.results.solve.structure?.atoms.names).toHaveLength(3);
    const request = workers[0].sent[0];
    if (request.kind !== 'run') throw new Error('not a run');
    const [[path, sent]] = request.files ?? [];
    expect(path).toBe('atoms.txt');
    expect(sent).not.toBe(store.bytes.get('atoms.txt')); // a copy: the store keeps its own bytes
    expect([...sent]).toEqual([...store.bytes.get('atoms.txt')!]);

    // Same graph, same file: the solver is reused and its cached arrays go to the analyses.
    const first = state.analyses.mean;
    expect(first.key).toMatch(/^[0-9a-f]{16}$/); // the analysis's subgraph, to spot outdated outputs
    session.start(analysisGraph({ failing: true }), 'cpu', store);
    await until(() => !state.running);
    expect(state.lastRun?.reused).toEqual(['solve']);
    const second = workers[0].sent[1];
    expect(second.kind === 'run' && second.reused?.map((r) => r.nodeId)).toEqual(['solve']);
    expect(state.analyses.mean).not.toBe(first);
    expect(state.analyses.mean).toEqual(first);
  });

  it('runs the solver again when a file of the same name has other bytes', async () => {
    const { state, session } = setup();
    session.start(analysisGraph(), 'cpu', files({ 'atoms.txt': ATOMS }));
    await until(() => !state.running);
    session.start(analysisGraph(), 'cpu', files({ 'atoms.txt': '5 5 5' }));
    await until(() => !state.running);
    expect(state.lastRun?.ran).toEqual(['solve']);
    expect(state.results.solve.dims).toBe(3);
  });

  it('drops the analyses of nodes no longer in the graph', async () => {
    const { state, session } = setup();
    const store = files({ 'atoms.txt': ATOMS });
    session.start(analysisGraph({ failing: true }), 'cpu', store);
    await until(() => !state.running);
    session.start(analysisGraph(), 'cpu', store);
    await until(() => !state.running);
    expect(Object.keys(state.analyses)).toEqual(['mean']);
  });
});
