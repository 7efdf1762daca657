import type { Catalog } from '../../core/graph/catalog.ts';
import type { GraphDocument } from '../../core/graph/types.ts';
import { cacheBackend, type BackendChoice } from './backendChoice.ts';
import { dependentSolvers, nodeStatuses } from './nodeStatus.ts';
import type { PlannedStage, RunReply, WorkerLike } from './protocol.ts';
import { backendCacheKey, ResultCache } from './resultCache.ts';
import { solverKeys, type SubgraphKey } from './subgraphKey.ts';
import type { NodeRunStatus, RunBackend, RunError, RunProgress, RunSummary, SolverResult } from './types.ts';

/** The state a session writes; the Svelte controller passes its `$state` fields. */
export interface RunState {
  running: boolean;
  progress: RunProgress | null;
  error: RunError | null;
  nodeStatus: Record<string, NodeRunStatus>;
  results: Record<string, SolverResult>;
  backend: RunBackend | null;
  lastRun: RunSummary | null;
}

/** What a session needs from its surroundings; tests pass fakes. */
export interface RunSessionOptions {
  createWorker: () => WorkerLike;
  catalog: Catalog;
  cache?: ResultCache;
  /** Milliseconds since some origin (performance.now in the app). */
  now?: () => number;
  /** How long a cancelled worker may take to stop on its own before it is terminated. */
  cancelGraceMs?: number;
  /** CPU threads to ask for (the worker's default otherwise: all cores but one, when shared memory exists). */
  threads?: number;
}

/** Backends whose results the cache holds; the current document's results on each are kept on prune. */
const CACHED_BACKENDS = ['cpu', 'webgpu'];

/** One run from start() until done, failed or cancelled. */
interface ActiveRun {
  runId: number;
  started: number;
  keys: Map<string, SubgraphKey>;
  dependents: Map<string, Set<string>>;
  solverStatus: Record<string, NodeRunStatus>;
  stages: PlannedStage[];
  /** The backend the worker chose, from its 'started' reply. */
  backend: RunBackend | null;
  choice: BackendChoice;
  ran: string[];
  reused: string[];
  particleSteps: number;
}

/**
 * Runs documents in a worker, one run at a time, and keeps `state` up to date. Results are cached
 * by the subgraph feeding each solver and the backend that computed them, so only solvers whose
 * inputs changed run again, and a CPU result is never passed off as a WebGPU one (or back).
 *
 * Cancel asks the worker to stop after its current chunk; a worker that has not stopped within
 * `cancelGraceMs` is terminated, and the next run starts a fresh one. Starting while a run is in
 * flight terminates the worker straight away (its results would be thrown out anyway).
 */
export class RunSession {
  private worker: WorkerLike | null = null;
  /** The worker is still busy with a run (possibly a cancelled one). */
  private busyRunId: number | null = null;
  private cancelTimer: ReturnType<typeof setTimeout> | undefined;
  private nextRunId = 1;
  private active: ActiveRun | null = null;
  /** Keys and backends of cancelled runs, so their late results can still be cached. */
  private readonly lateKeys = new Map<number, { keys: Map<string, SubgraphKey>; backend: RunBackend | null }>();
  /** What `auto` resolved to in the latest run that asked for it: whose cached results `auto` may reuse. */
  private autoResolved: string | undefined;
  private readonly cache: ResultCache;
  private readonly now: () => number;

  constructor(private readonly state: RunState, private readonly options: RunSessionOptions) {
    this.cache = options.cache ?? new ResultCache();
    this.now = options.now ?? (() => performance.now());
  }

  /** Runs `doc` on `backend` ('auto' lets the worker choose). */
  start(doc: GraphDocument, backend: BackendChoice = 'auto'): void {
    if (this.busyRunId !== null) this.killWorker();
    // A plain copy: the document may be a Svelte proxy, which cannot be posted to a worker.
    const plain = JSON.parse(JSON.stringify(doc)) as GraphDocument;
    const keys = solverKeys(plain, this.options.catalog);
    const solverIds = new Set(keys.map((k) => k.nodeId));
    const run: ActiveRun = {
      runId: this.nextRunId++, started: this.now(),
      keys: new Map(keys.map((k) => [k.nodeId, k])),
      dependents: dependentSolvers(plain, solverIds),
      solverStatus: {}, stages: [], backend: null, choice: backend, ran: [], reused: [], particleSteps: 0,
    };
    const results: Record<string, SolverResult> = {};
    const reuseFrom = cacheBackend(backend, this.autoResolved);
    for (const k of keys) {
      const hit = reuseFrom === undefined ? undefined : this.cache.get(backendCacheKey(reuseFrom, k.key), k.text);
      if (hit) {
        // Already shown: keep the same object, so views do not rebuild for nothing.
        const shown = this.state.results[k.nodeId];
        results[k.nodeId] = shown?.samples === hit.samples ? shown : { ...hit, nodeId: k.nodeId, key: k.key, reused: true };
        run.reused.push(k.nodeId);
        run.solverStatus[k.nodeId] = 'done';
      } else if (this.state.results[k.nodeId]) {
        // Previous results stay visible (views mark them stale by key) until new ones arrive.
        results[k.nodeId] = this.state.results[k.nodeId];
      }
    }
    this.active = run;
    this.state.results = results;
    this.state.running = true;
    this.state.error = null;
    this.state.progress = null;
    this.state.nodeStatus = nodeStatuses(run.dependents, run.solverStatus);
    this.busyRunId = run.runId;
    this.ensureWorker().postMessage({ kind: 'run', runId: run.runId, doc: plain, skip: run.reused, threads: this.options.threads, backend });
  }

  cancel(): void {
    const run = this.active;
    if (!run) return;
    this.worker?.postMessage({ kind: 'cancel', runId: run.runId });
    this.lateKeys.set(run.runId, { keys: run.keys, backend: run.backend });
    this.active = null;
    for (const [id, s] of Object.entries(run.solverStatus)) if (s === 'running') run.solverStatus[id] = 'idle';
    this.state.running = false;
    this.state.progress = null;
    this.state.nodeStatus = nodeStatuses(run.dependents, run.solverStatus);
    clearTimeout(this.cancelTimer);
    this.cancelTimer = setTimeout(() => {
      if (this.busyRunId === run.runId) this.killWorker();
    }, this.options.cancelGraceMs ?? 300);
  }

  /** Ends the worker; the session can still start again later. */
  dispose(): void {
    this.cancel();
    this.killWorker();
  }

  private ensureWorker(): WorkerLike {
    if (this.worker) return this.worker;
    const w = this.options.createWorker();
    w.onmessage = (e) => this.receive(e.data);
    w.onerror = (e) => {
      const run = this.active;
      this.killWorker();
      if (run) this.fail(run, { message: `the run worker stopped unexpectedly${e.message ? `: ${e.message}` : ''}; run again, and report this if it repeats` });
    };
    this.worker = w;
    return w;
  }

  private killWorker(): void {
    clearTimeout(this.cancelTimer);
    this.worker?.terminate();
    this.worker = null;
    this.busyRunId = null;
    this.lateKeys.clear();
  }

  private receive(reply: RunReply): void {
    if (reply.kind === 'done' || reply.kind === 'failed' || reply.kind === 'cancelled') {
      if (this.busyRunId === reply.runId) {
        this.busyRunId = null;
        clearTimeout(this.cancelTimer);
      }
      this.lateKeys.delete(reply.runId);
    }
    const run = this.active;
    if (!run || run.runId !== reply.runId) {
      // A cancelled run's finished stage is still a correct result for its inputs: keep it for later.
      const late = reply.kind === 'stage' ? this.lateKeys.get(reply.runId) : undefined;
      const key = reply.kind === 'stage' ? late?.keys.get(reply.result.nodeId) : undefined;
      if (key && late?.backend && reply.kind === 'stage') {
        this.cache.set(backendCacheKey(late.backend.name, key.key), key.text, { ...reply.result, key: key.key, backend: late.backend });
      }
      return;
    }
    switch (reply.kind) {
      case 'started':
        run.stages = reply.stages;
        for (const s of reply.stages) run.solverStatus[s.nodeId] = 'running';
        run.backend = reply.backend;
        if (run.choice === 'auto') this.autoResolved = reply.backend.name;
        this.state.backend = reply.backend;
        this.state.nodeStatus = nodeStatuses(run.dependents, run.solverStatus);
        if (reply.stages.length > 0) {
          const s = reply.stages[0];
          this.state.progress = { nodeId: s.nodeId, particlesDone: 0, particles: s.particles, particleSteps: 0, rate: 0, etaSeconds: null, stageIndex: 0, stageCount: reply.stages.length };
        }
        break;
      case 'progress': {
        const elapsed = Math.max(reply.elapsedSeconds, 1e-6);
        const fraction = reply.particlesDone / Math.max(1, reply.particles);
        this.state.progress = {
          nodeId: reply.nodeId, particlesDone: reply.particlesDone, particles: reply.particles,
          particleSteps: reply.particleSteps, rate: reply.particleSteps / elapsed,
          etaSeconds: fraction > 0 ? (elapsed * (1 - fraction)) / fraction : null,
          stageIndex: reply.stageIndex, stageCount: run.stages.length,
        };
        break;
      }
      case 'stage': {
        const key = run.keys.get(reply.result.nodeId);
        const backend = reply.result.backend ?? run.backend ?? undefined;
        const result: SolverResult = { ...reply.result, key: key?.key, reused: false, backend };
        if (key && backend) this.cache.set(backendCacheKey(backend.name, key.key), key.text, result);
        run.ran.push(result.nodeId);
        run.particleSteps += result.particleSteps;
        run.solverStatus[result.nodeId] = 'done';
        this.state.results = { ...this.state.results, [result.nodeId]: result };
        this.state.nodeStatus = nodeStatuses(run.dependents, run.solverStatus);
        break;
      }
      case 'done': {
        this.active = null;
        this.state.running = false;
        this.state.progress = null;
        this.state.lastRun = {
          wallSeconds: (this.now() - run.started) / 1000, particleSteps: run.particleSteps,
          ran: run.ran, reused: run.reused,
        };
        // Results of solvers no longer in the document go; the cache keeps what it can afford.
        this.state.results = Object.fromEntries(Object.entries(this.state.results).filter(([id]) => run.keys.has(id)));
        this.cache.prune(new Set([...run.keys.values()].flatMap((k) => CACHED_BACKENDS.map((b) => backendCacheKey(b, k.key)))));
        break;
      }
      case 'failed':
        this.fail(run, reply.error);
        break;
      case 'cancelled':
        // Only a cancel() sends one, and cancel() already cleared `active`.
        break;
    }
  }

  private fail(run: ActiveRun, error: RunError): void {
    this.active = null;
    for (const [id, s] of Object.entries(run.solverStatus)) if (s === 'running') run.solverStatus[id] = 'idle';
    const errorNodes = new Set<string>();
    for (const p of error.problems ?? []) if (p.nodeId !== undefined) errorNodes.add(p.nodeId);
    if (error.nodeId !== undefined) errorNodes.add(error.nodeId);
    this.state.running = false;
    this.state.progress = null;
    this.state.error = error;
    this.state.nodeStatus = nodeStatuses(run.dependents, run.solverStatus, errorNodes);
  }
}
