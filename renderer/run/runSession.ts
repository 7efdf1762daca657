import type { StageArrays } from '../../core/compile/runAnalyses.ts';
import type { Catalog } from '../../core/graph/catalog.ts';
import { fileRefs } from '../../core/graph/fileRefs.ts';
import type { GraphDocument } from '../../core/graph/types.ts';
import { cacheBackend, type BackendChoice } from './backendChoice.ts';
import { dependentSolvers, nodeStatuses } from './nodeStatus.ts';
import type { PlannedStage, RunReply, WorkerLike } from './protocol.ts';
import { backendCacheKey, ResultCache } from './resultCache.ts';
import { hashText, serializeSubgraph, solverKeys, type SubgraphKey } from './subgraphKey.ts';
import { trainingBytes, trainKeys } from './trainings.ts';
import type {
  NodeRunStatus, RunBackend, RunError, RunFiles, RunProgress, RunSummary, ShownAnalysis, SolverResult, TrainingLive, TrainingOutcome, TrainResult,
} from './types.ts';

/** The state a session writes; the Svelte controller passes its `$state` fields. */
export interface RunState {
  running: boolean;
  progress: RunProgress | null;
  error: RunError | null;
  nodeStatus: Record<string, NodeRunStatus>;
  results: Record<string, SolverResult>;
  backend: RunBackend | null;
  lastRun: RunSummary | null;
  analyses: Record<string, ShownAnalysis>;
  trainings: Record<string, TrainingOutcome>;
  training: TrainingLive | null;
}

/** What a session needs from its surroundings; tests pass fakes. */
export interface RunSessionOptions {
  createWorker: () => WorkerLike;
  catalog: Catalog;
  cache?: ResultCache;
  /** Trainings by train-node subgraph key (default: a fresh cache of 256 MB). */
  trainingCache?: ResultCache<TrainingOutcome>;
  /** Milliseconds since some origin (performance.now in the app). */
  now?: () => number;
  /** How long a cancelled worker may take to stop on its own before it is terminated. */
  cancelGraceMs?: number;
  /**
   * The same while it trains: longer, as the worker then still sends the weights trained so far
   * (the trainer stops within ~50 ms of an iteration; a slow machine may take longer).
   */
  trainingCancelGraceMs?: number;
  /** CPU threads to ask for (the worker's default otherwise: all cores but one, when shared memory exists). */
  threads?: number;
}

/**
 * Cache key prefix of results computed by the batched CPU integrator (solvers that read a trained
 * network): the same whatever backend was chosen, so any choice may reuse them.
 */
const BATCHED = 'batched';

/** Backends whose results the cache holds; the current document's results on each are kept on prune. */
const CACHED_BACKENDS = ['cpu', 'webgpu', BATCHED];

/** One run from start() until done, failed or cancelled. */
interface ActiveRun {
  runId: number;
  started: number;
  keys: Map<string, SubgraphKey>;
  dependents: Map<string, Set<string>>;
  solverStatus: Record<string, NodeRunStatus>;
  /** Analysis nodes (metrics, exports) of the document: running until the worker's `analyses` reply. */
  analysisStatus: Record<string, NodeRunStatus>;
  /** Each analysis node's subgraph hash, stored with its output. */
  analysisKeys: Map<string, string>;
  stages: PlannedStage[];
  /** The backend the worker chose, from its 'started' reply. */
  backend: RunBackend | null;
  choice: BackendChoice;
  ran: string[];
  reused: string[];
  particleSteps: number;
  /** Train nodes' subgraph keys, and their badges (running while training). */
  trainKeys: Map<string, SubgraphKey>;
  trainStatus: Record<string, NodeRunStatus>;
  trained: string[];
  reusedTrainings: string[];
  /** The earlier trainings sent with the run (reused or resumed), by node id. */
  sentTrainings: Map<string, TrainResult>;
  /** Loss of every iteration so far, by train node (grown by doubling; views get a subarray). */
  lossBuffers: Map<string, Float64Array>;
}

/**
 * Runs documents in a worker, one run at a time, and keeps `state` up to date. Results are cached
 * by the subgraph feeding each solver and the backend that computed them, so only solvers whose
 * inputs changed run again, and a CPU result is never passed off as a WebGPU one (or back).
 *
 * Train nodes run first; their outcomes are cached by the train node's subgraph, and sent back
 * with the next run: a finished training is reused, one cancelled part-way resumes exactly where
 * it stopped (core's TrainingState: weights, Adam moments, EMA, best weights, step).
 *
 * Cancel asks the worker to stop after its current chunk; a worker that has not stopped within
 * `cancelGraceMs` is terminated, and the next run starts a fresh one. Starting while a run is in
 * flight terminates the worker straight away (its results would be thrown out anyway), except
 * while it trains: then the run is cancelled and the new one waits (up to
 * `trainingCancelGraceMs`) for the weights trained so far, so it can resume from them.
 */
export class RunSession {
  private worker: WorkerLike | null = null;
  /** The worker is still busy with a run (possibly a cancelled one). */
  private busyRunId: number | null = null;
  private cancelTimer: ReturnType<typeof setTimeout> | undefined;
  private nextRunId = 1;
  private active: ActiveRun | null = null;
  /** Keys and backends of cancelled runs, so their late results can still be cached. */
  private readonly lateKeys = new Map<number, { keys: Map<string, SubgraphKey>; trainKeys: Map<string, SubgraphKey>; backend: RunBackend | null }>();
  /** The busy run is training (its cancel then waits for the partial weights). */
  private busyTraining = false;
  /** A run waiting for a cancelled training to hand back its weights before it is posted. */
  private pending: (() => void) | null = null;
  private readonly trainingCache: ResultCache<TrainingOutcome>;
  /** What `auto` resolved to in the latest run that asked for it: whose cached results `auto` may reuse. */
  private autoResolved: string | undefined;
  private readonly cache: ResultCache;
  private readonly now: () => number;

  constructor(private readonly state: RunState, private readonly options: RunSessionOptions) {
    this.cache = options.cache ?? new ResultCache();
    this.trainingCache = options.trainingCache ?? new ResultCache<TrainingOutcome>(256 * 1024 * 1024, trainingBytes);
    this.now = options.now ?? (() => performance.now());
  }

  /** Runs `doc` on `backend` ('auto' lets the worker choose) with the data files `files`. */
  start(doc: GraphDocument, backend: BackendChoice = 'auto', files?: RunFiles): void {
    // A run waiting for a cancelled training is replaced; a training in flight is cancelled and
    // waited for (its weights so far let this run resume it); anything else is cut short.
    let wait = false;
    if (this.pending) {
      this.pending = null;
      this.active = null;
      wait = true;
    } else if (this.busyRunId !== null && this.busyTraining) {
      if (this.active) this.stop(this.active);
      wait = true;
    } else if (this.busyRunId !== null) {
      this.killWorker();
    }
    // A plain copy: the document may be a Svelte proxy, which cannot be posted to a worker.
    const plain = JSON.parse(JSON.stringify(doc)) as GraphDocument;
    const { catalog } = this.options;
    const keys = solverKeys(plain, catalog, files?.hashes);
    const tKeys = trainKeys(plain, catalog, files?.hashes);
    const solverIds = new Set(keys.map((k) => k.nodeId));
    const analysisIds = plain.nodes.filter((n) => n && catalog.get(n.type)?.role === 'analysis').map((n) => n.id);
    const run: ActiveRun = {
      runId: this.nextRunId++, started: this.now(),
      keys: new Map(keys.map((k) => [k.nodeId, k])),
      dependents: dependentSolvers(plain, solverIds),
      solverStatus: {}, analysisStatus: Object.fromEntries(analysisIds.map((id) => [id, 'running' as const])),
      analysisKeys: new Map(analysisIds.map((id) => [id, hashText(serializeSubgraph(plain, id, catalog, files?.hashes))])),
      stages: [], backend: null, choice: backend, ran: [], reused: [], particleSteps: 0,
      trainKeys: new Map(tKeys.map((k) => [k.nodeId, k])), trainStatus: {}, trained: [], reusedTrainings: [],
      sentTrainings: new Map(), lossBuffers: new Map(),
    };
    const results: Record<string, SolverResult> = {};
    const reuseFrom = cacheBackend(backend, this.autoResolved);
    for (const k of keys) {
      const hit = (reuseFrom === undefined ? undefined : this.cache.get(backendCacheKey(reuseFrom, k.key), k.text))
        ?? this.cache.get(backendCacheKey(BATCHED, k.key), k.text);
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
    // Trainings: a cached one of the unchanged node is shown (and sent back with the run); others
    // keep showing their previous outcome, marked stale by key, until the new one arrives.
    const trainings: Record<string, TrainingOutcome> = {};
    for (const k of tKeys) {
      const hit = this.trainingCache.get(k.key, k.text);
      const shown = this.state.trainings[k.nodeId];
      if (hit) trainings[k.nodeId] = shown?.result === hit.result ? shown : { ...hit, nodeId: k.nodeId, key: k.key };
      else if (shown) trainings[k.nodeId] = shown;
    }
    this.active = run;
    this.state.results = results;
    this.state.trainings = trainings;
    this.state.running = true;
    this.state.error = null;
    this.state.progress = null;
    this.state.training = null;
    this.state.nodeStatus = this.statuses(run);
    // The bytes of the files the document names, copied so the store keeps its own.
    const sent = new Map<string, Uint8Array>();
    for (const ref of fileRefs(plain, catalog)) {
      const bytes = files?.bytes.get(ref.path);
      if (bytes && !sent.has(ref.path)) sent.set(ref.path, bytes.slice());
    }
    // Analyses read reused solvers too: send the cached arrays they need (copies, not transferred).
    const analysed = analysedSolvers(plain, new Set(analysisIds), solverIds);
    const reusedArrays: StageArrays[] = run.reused.filter((id) => analysed.has(id)).map((id) => {
      const r = results[id];
      return { nodeId: id, dims: r.dims, samples: r.samples, trajectory: r.trajectory, times: r.times };
    });
    const post = () => {
      if (this.active !== run) return;
      // Read at post time: a cancelled training may have handed back its weights meanwhile.
      const previous = tKeys.flatMap((k) => {
        const hit = this.trainingCache.get(k.key, k.text);
        return hit ? [hit.result] : [];
      });
      run.sentTrainings = new Map(previous.map((t) => [t.nodeId, t]));
      this.busyRunId = run.runId;
      this.busyTraining = false;
      this.ensureWorker().postMessage(
        {
          kind: 'run', runId: run.runId, doc: plain, skip: run.reused, threads: this.options.threads, backend,
          files: [...sent], reused: reusedArrays, trainings: previous,
        },
        [...sent.values()].map((b) => b.buffer as ArrayBuffer),
      );
    };
    if (wait) this.pending = post;
    else post();
  }

  /** Badges: solvers and what feeds them, then the analysis nodes, then errors over both. */
  private statuses(run: ActiveRun, errors: Iterable<string> = []): Record<string, NodeRunStatus> {
    const out = { ...nodeStatuses(run.dependents, run.solverStatus), ...run.analysisStatus, ...run.trainStatus };
    for (const id of errors) out[id] = 'error';
    return out;
  }

  cancel(): void {
    const run = this.active;
    if (!run) return;
    if (this.pending) {
      // Not posted yet (it waits for a cancelled training): nothing to tell the worker.
      this.pending = null;
      this.active = null;
    } else {
      this.stop(run);
    }
    this.state.running = false;
    this.state.progress = null;
    this.state.training = null;
    this.state.nodeStatus = this.statuses(run);
  }

  /**
   * Asks the worker to stop `run` and clears `active`; its late results are still cached (and a
   * training's weights so far shown). Terminates the worker when it has not stopped in time.
   */
  private stop(run: ActiveRun): void {
    this.pending = null;
    this.worker?.postMessage({ kind: 'cancel', runId: run.runId });
    this.lateKeys.set(run.runId, { keys: run.keys, trainKeys: run.trainKeys, backend: run.backend });
    this.active = null;
    for (const [id, s] of Object.entries(run.solverStatus)) if (s === 'running') run.solverStatus[id] = 'idle';
    for (const [id, s] of Object.entries(run.analysisStatus)) if (s === 'running') run.analysisStatus[id] = 'idle';
    for (const [id, s] of Object.entries(run.trainStatus)) if (s === 'running') run.trainStatus[id] = 'idle';
    if (this.busyRunId !== run.runId) return;
    clearTimeout(this.cancelTimer);
    const grace = this.busyTraining ? (this.options.trainingCancelGraceMs ?? 2000) : (this.options.cancelGraceMs ?? 300);
    this.cancelTimer = setTimeout(() => {
      if (this.busyRunId !== run.runId) return;
      this.killWorker();
      this.flushPending();
    }, grace);
  }

  /** Posts the run that waited for a cancelled one to finish. */
  private flushPending(): void {
    const post = this.pending;
    this.pending = null;
    post?.();
  }

  /** Ends the worker; the session can still start again later. */
  dispose(): void {
    this.cancel();
    this.pending = null;
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
    this.busyTraining = false;
    this.lateKeys.clear();
  }

  private receive(reply: RunReply): void {
    const terminal = reply.kind === 'done' || reply.kind === 'failed' || reply.kind === 'cancelled';
    if (this.busyRunId === reply.runId) {
      if (reply.kind === 'train-progress') this.busyTraining = true;
      else if (reply.kind === 'training' || reply.kind === 'progress' || reply.kind === 'stage') this.busyTraining = false;
    }
    const run = this.active;
    if (!run || run.runId !== reply.runId) {
      this.receiveLate(reply);
    } else {
      this.receiveActive(run, reply);
    }
    if (terminal) {
      this.lateKeys.delete(reply.runId);
      if (this.busyRunId === reply.runId) {
        this.busyRunId = null;
        this.busyTraining = false;
        clearTimeout(this.cancelTimer);
        this.flushPending();
      }
    }
  }

  /**
   * A reply of a cancelled run: a finished stage is still a correct result for its inputs, and a
   * training's weights so far are what the user keeps (and what the next run resumes).
   */
  private receiveLate(reply: RunReply): void {
    const late = this.lateKeys.get(reply.runId);
    if (!late) return;
    if (reply.kind === 'stage') {
      const key = late.keys.get(reply.result.nodeId);
      const backend = reply.result.integrator === BATCHED ? BATCHED : late.backend?.name;
      if (key && backend) this.cache.set(backendCacheKey(backend, key.key), key.text, { ...reply.result, key: key.key, backend: reply.result.backend ?? late.backend ?? undefined });
    } else if (reply.kind === 'training') {
      const key = late.trainKeys.get(reply.training.nodeId);
      const outcome: TrainingOutcome = { ...reply.training, key: key?.key, reused: false };
      if (key) this.trainingCache.set(key.key, key.text, outcome);
      this.state.trainings = { ...this.state.trainings, [outcome.nodeId]: outcome };
    }
  }

  private receiveActive(run: ActiveRun, reply: RunReply): void {
    switch (reply.kind) {
      case 'started': {
        run.stages = reply.stages;
        for (const s of reply.stages) run.solverStatus[s.nodeId] = 'running';
        run.backend = reply.backend;
        if (run.choice === 'auto') this.autoResolved = reply.backend.name;
        this.state.backend = reply.backend;
        for (const t of reply.trainings ?? []) run.trainStatus[t.nodeId] = t.skipped ? 'done' : 'running';
        const first = (reply.trainings ?? []).find((t) => !t.skipped);
        if (first) {
          this.showTraining(run, { nodeId: first.nodeId, iteration: first.done, iterations: first.iterations, loss: NaN, itersPerSecond: 0, from: first.done, losses: new Float64Array(0) });
        } else if (reply.stages.length > 0) {
          const s = reply.stages[0];
          this.state.progress = { nodeId: s.nodeId, particlesDone: 0, particles: s.particles, particleSteps: 0, rate: 0, etaSeconds: null, stageIndex: 0, stageCount: reply.stages.length };
        }
        this.state.nodeStatus = this.statuses(run);
        break;
      }
      case 'train-progress':
        this.showTraining(run, reply);
        if (run.trainStatus[reply.nodeId] !== 'running') {
          run.trainStatus[reply.nodeId] = 'running';
          this.state.nodeStatus = this.statuses(run);
        }
        break;
      case 'training': {
        const t = reply.training;
        const key = run.trainKeys.get(t.nodeId);
        const cached = t.reused && key ? this.trainingCache.get(key.key, key.text) : undefined;
        const shown = this.state.trainings[t.nodeId];
        // A reused training comes back as a copy: keep the object already shown.
        const outcome: TrainingOutcome = cached ? (shown?.result === cached.result ? shown : { ...cached, key: key?.key, reused: true }) : { ...t, key: key?.key };
        if (key && !cached) this.trainingCache.set(key.key, key.text, outcome);
        (t.reused ? run.reusedTrainings : run.trained).push(t.nodeId);
        run.trainStatus[t.nodeId] = t.result.aborted ? 'idle' : 'done';
        this.state.trainings = { ...this.state.trainings, [t.nodeId]: outcome };
        if (this.state.training?.nodeId === t.nodeId) this.state.training = null;
        this.state.nodeStatus = this.statuses(run);
        break;
      }
      case 'progress': {
        this.state.training = null;
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
        const cacheAs = result.integrator === BATCHED ? BATCHED : backend?.name;
        if (key && cacheAs) this.cache.set(backendCacheKey(cacheAs, key.key), key.text, result);
        run.ran.push(result.nodeId);
        run.particleSteps += result.particleSteps;
        run.solverStatus[result.nodeId] = 'done';
        this.state.results = { ...this.state.results, [result.nodeId]: result };
        this.state.nodeStatus = this.statuses(run);
        break;
      }
      case 'analyses': {
        const analyses: Record<string, ShownAnalysis> = {};
        for (const a of reply.results) {
          analyses[a.nodeId] = { ...a, key: run.analysisKeys.get(a.nodeId) };
          run.analysisStatus[a.nodeId] = a.ok ? 'done' : 'error';
        }
        this.state.analyses = analyses;
        this.state.nodeStatus = this.statuses(run);
        break;
      }
      case 'done': {
        this.active = null;
        this.state.running = false;
        this.state.progress = null;
        this.state.training = null;
        this.state.lastRun = {
          wallSeconds: (this.now() - run.started) / 1000, particleSteps: run.particleSteps,
          ran: run.ran, reused: run.reused, trained: run.trained, reusedTrainings: run.reusedTrainings,
        };
        // Results of solvers no longer in the document go; the cache keeps what it can afford.
        this.state.results = Object.fromEntries(Object.entries(this.state.results).filter(([id]) => run.keys.has(id)));
        // So do the analyses of nodes no longer in it (a graph without any gets no reply).
        this.state.analyses = Object.fromEntries(Object.entries(this.state.analyses).filter(([id]) => id in run.analysisStatus));
        this.cache.prune(new Set([...run.keys.values()].flatMap((k) => CACHED_BACKENDS.map((b) => backendCacheKey(b, k.key)))));
        this.state.trainings = Object.fromEntries(Object.entries(this.state.trainings).filter(([id]) => run.trainKeys.has(id)));
        this.trainingCache.prune(new Set([...run.trainKeys.values()].map((k) => k.key)));
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

  /**
   * Appends a training progress report's losses to the node's buffer (seeded with the losses of
   * the cancelled run it resumes) and shows the latest iteration, rate and ETA.
   */
  private showTraining(run: ActiveRun, p: { nodeId: string; iteration: number; iterations: number; loss: number; itersPerSecond: number; from: number; losses: Float64Array }): void {
    let buffer = run.lossBuffers.get(p.nodeId);
    const resumed = run.sentTrainings.get(p.nodeId);
    const resumedFrom = resumed?.aborted ? resumed.iterations : 0;
    if (!buffer) {
      buffer = new Float64Array(Math.max(1024, resumedFrom * 2));
      if (resumed?.aborted) buffer.set(resumed.losses.subarray(0, resumedFrom));
    }
    const end = p.from + p.losses.length;
    if (end > buffer.length) {
      const grown = new Float64Array(Math.max(end, 2 * buffer.length));
      grown.set(buffer);
      buffer = grown;
    }
    buffer.set(p.losses, p.from);
    run.lossBuffers.set(p.nodeId, buffer);
    const filled = Math.max(end, resumedFrom);
    this.state.training = {
      nodeId: p.nodeId, iteration: p.iteration, iterations: p.iterations, loss: p.loss, itersPerSecond: p.itersPerSecond,
      etaSeconds: p.itersPerSecond > 0 ? (p.iterations - p.iteration) / p.itersPerSecond : null,
      losses: buffer.subarray(0, filled), resumedFrom,
    };
  }

  private fail(run: ActiveRun, error: RunError): void {
    this.active = null;
    for (const [id, s] of Object.entries(run.solverStatus)) if (s === 'running') run.solverStatus[id] = 'idle';
    for (const [id, s] of Object.entries(run.analysisStatus)) if (s === 'running') run.analysisStatus[id] = 'idle';
    for (const [id, s] of Object.entries(run.trainStatus)) if (s === 'running') run.trainStatus[id] = 'idle';
    this.state.training = null;
    const errorNodes = new Set<string>();
    for (const p of error.problems ?? []) if (p.nodeId !== undefined) errorNodes.add(p.nodeId);
    if (error.nodeId !== undefined) errorNodes.add(error.nodeId);
    this.state.running = false;
    this.state.progress = null;
    this.state.error = error;
    this.state.nodeStatus = this.statuses(run, errorNodes);
  }
}

/** Solver nodes with an edge into one of the analysis nodes. */
function analysedSolvers(doc: GraphDocument, analysisIds: ReadonlySet<string>, solverIds: ReadonlySet<string>): Set<string> {
  const found = new Set<string>();
  for (const e of doc.edges) {
    if (e?.from && e.to && analysisIds.has(e.to.node) && solverIds.has(e.from.node)) found.add(e.from.node);
  }
  return found;
}
