import { CATALOG } from '../../nodes/registry.ts';
import type { GraphDocument } from '../../core/graph/types.ts';
import type { WorkerLike } from './protocol.ts';
import { RunSession } from './runSession.ts';
import type { NodeRunStatus, RunController, RunError, RunProgress, RunSummary, SolverResult } from './types.ts';

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
  backend = $state.raw<{ name: string; reason: string } | null>(null);
  lastRun = $state.raw<RunSummary | null>(null);
  readonly #session: RunSession;

  constructor(options: RunControllerOptions) {
    this.#session = new RunSession(this, { createWorker: options.createWorker ?? startRunWorker, threads: options.threads, catalog: CATALOG });
  }

  start(doc: GraphDocument): void {
    this.#session.start(doc);
  }

  cancel(): void {
    this.#session.cancel();
  }

  dispose(): void {
    this.#session.dispose();
  }
}

/** Options of the run controller; the app needs none. */
export interface RunControllerOptions {
  /** CPU threads per run (used only where SharedArrayBuffer exists); default all cores but one. */
  threads?: number;
  /** Starts the run worker; tests pass a fake. Default: the bundled runWorker.ts. */
  createWorker?: () => WorkerLike;
}

/**
 * Creates the app's run controller: compiles and runs graphs in a module Web Worker, reports
 * progress, places errors on nodes, and reuses the results of solvers whose inputs did not change.
 */
export function createRunController(options: RunControllerOptions = {}): RunController {
  return new SvelteRunController(options);
}
