import { CATALOG } from '../../nodes/registry.ts';
import type { GraphDocument } from '../../core/graph/types.ts';
import { loadBackendChoice, saveBackendChoice, type BackendChoice } from './backendChoice.ts';
import type { WorkerLike } from './protocol.ts';
import { RunSession } from './runSession.ts';
import type {
  NodeRunStatus, RunBackend, RunController, RunError, RunFiles, RunProgress, RunSummary, ShownAnalysis, SolverResult, TrainingLive, TrainingOutcome,
} from './types.ts';

/** Starts the run worker; the literal `new Worker(new URL(…))` is what lets Vite bundle it. */
function startRunWorker(): WorkerLike {
  return new Worker(new URL('./runWorker.ts', import.meta.url), { type: 'module', name: 'sde-studio-run' }) as unknown as WorkerLike;
}

/** The Svelte face of a RunSession: every field the session writes is reactive state. */
class SvelteRunController implements RunController {
  running = $state(false);
  // Raw state: the session replaces these objects whole, and results hold large typed arrays
  // that must not be wrapped in proxies.
  progress = $state.raw<RunProgress | null>(null);
  error = $state.raw<RunError | null>(null);
  nodeStatus = $state.raw<Record<string, NodeRunStatus>>({});
  results = $state.raw<Record<string, SolverResult>>({});
  backend = $state.raw<RunBackend | null>(null);
  backendChoice = $state<BackendChoice>('auto');
  lastRun = $state.raw<RunSummary | null>(null);
  analyses = $state.raw<Record<string, ShownAnalysis>>({});
  trainings = $state.raw<Record<string, TrainingOutcome>>({});
  training = $state.raw<TrainingLive | null>(null);
  readonly #session: RunSession;
  readonly #storage: Storage | undefined;

  constructor(options: RunControllerOptions) {
    this.#storage = options.storage === undefined ? pageStorage() : (options.storage ?? undefined);
    this.backendChoice = loadBackendChoice(this.#storage);
    this.#session = new RunSession(this, { createWorker: options.createWorker ?? startRunWorker, threads: options.threads, catalog: CATALOG });
  }

  start(doc: GraphDocument, options: { backend?: BackendChoice; files?: RunFiles } = {}): void {
    this.#session.start(doc, options.backend ?? this.backendChoice, options.files);
  }

  setBackendChoice(choice: BackendChoice): void {
    this.backendChoice = choice;
    saveBackendChoice(this.#storage, choice);
  }

  cancel(): void {
    this.#session.cancel();
  }

  dispose(): void {
    this.#session.dispose();
  }
}

/** localStorage, or undefined where the page may not use it (reading it can throw in sandboxed frames). */
function pageStorage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}

/** Options of the run controller; the app needs none. */
export interface RunControllerOptions {
  /** CPU threads per run (used only where SharedArrayBuffer exists); default all cores but one. */
  threads?: number;
  /** Starts the run worker; tests pass a fake. Default: the bundled runWorker.ts. */
  createWorker?: () => WorkerLike;
  /** Where the backend choice is remembered (default localStorage; null: nowhere). */
  storage?: Storage | null;
}

/**
 * Creates the app's run controller: compiles and runs graphs in a module Web Worker, reports
 * progress, places errors on nodes, and reuses the results of solvers whose inputs did not change.
 */
export function createRunController(options: RunControllerOptions = {}): RunController {
  return new SvelteRunController(options);
}
