// core's CPU runtime keeps Node-only fallbacks behind dynamic imports (node:os, worker_threads)
// that a browser never reaches; their types come from @types/node, which the renderer's
// tsconfig does not list, so name them here for svelte-check.
/// <reference types="node" />
/// <reference types="@webgpu/types" />
import { RunFailure, runPlanCpu, type KernelThreadLike, type Progress, type StageResult } from '../../core/backends/cpu/runtime.ts';
// runtime.ts, not the backend's index or nodeDevice.ts: the latter loads Dawn for Node.
import { DeviceLostError, runPlanWebGpu } from '../../core/backends/webgpu/runtime.ts';
import { compileGraph } from '../../core/compile/compileGraph.ts';
import type { IntegrateStage } from '../../core/compile/plan.ts';
import { formatProblem } from '../../core/graph/types.ts';
import { CATALOG } from '../../nodes/registry.ts';
import { decideBackend, type BackendChoice, type WebGpuProbe } from './backendChoice.ts';
import type { RunReply, RunRequest } from './protocol.ts';
import type { RunBackend, RunError, SolverResult } from './types.ts';
import { createGpuAccess, type GpuAccess } from './webgpuAccess.ts';

/** What the worker's surroundings provide: how many threads, how to start one, WebGPU, how to reply. */
export interface RunWorkerEnvironment {
  /** Threads for a CPU run (given the request's wish) and how the CPU backend runs that way, in words for the user. */
  threadsFor(requested: number | undefined): { threads: number; reason: string };
  /** Starts a kernel thread (a nested Web Worker); used when a run gets more than one thread. */
  startThread?: () => KernelThreadLike;
  /** WebGPU in this worker (navigator.gpu); without it `auto` runs on the CPU and `webgpu` fails. */
  gpu?: GpuAccess;
  post(reply: RunReply, transfer: ArrayBuffer[]): void;
}

/** Minimum gap between progress messages, so a fast run does not flood the page. */
const PROGRESS_INTERVAL_MS = 80;

/**
 * Particle-steps per chunk a browser aims for: about 50–100 ms of work for a simple 3-dimensional
 * drift, so the progress bar moves several times a second and a cancel lands within one chunk,
 * while the runtime's pause between chunks (a clamped setTimeout, ~4 ms) stays a few per cent.
 */
const TARGET_CHUNK_PARTICLE_STEPS = 1_500_000;

/** Chunks per thread for a stage: at least the runtime's 16, more for long stages. */
export function chunksPerThread(stage: IntegrateStage, threads: number): number {
  const n = stage.grid.particles;
  // Adaptive methods have no fixed step count; assume a long stage.
  const steps = stage.grid.steps > 0 ? stage.grid.steps : 1000;
  const perChunk = Math.max(1, Math.floor(TARGET_CHUNK_PARTICLE_STEPS / steps));
  return Math.max(16, Math.min(Math.ceil(n / threads), Math.ceil(n / (threads * perChunk))));
}

/**
 * The run worker's message handler, apart from `self` so it runs in Node tests too: compiles the
 * document, integrates the stages that are not skipped one at a time (so each result reaches the
 * page as soon as it is ready), and reports progress, failures and cancellation.
 */
export function createRunHandler(env: RunWorkerEnvironment): (request: RunRequest) => Promise<void> {
  const aborts = new Map<number, AbortController>();
  return async (request) => {
    if (request.kind === 'cancel') {
      aborts.get(request.runId)?.abort();
      return;
    }
    const { runId } = request;
    const abort = new AbortController();
    aborts.set(runId, abort);
    try {
      await execute(request, abort.signal, env);
    } finally {
      aborts.delete(runId);
    }
  };
}

/** How one stage runs on the chosen backend. */
type StageRunner = (stage: IntegrateStage, signal: AbortSignal, onProgress: (p: Progress) => void) => Promise<StageResult>;

async function execute(request: Extract<RunRequest, { kind: 'run' }>, signal: AbortSignal, env: RunWorkerEnvironment): Promise<void> {
  const { doc, skip, runId } = request;
  const gpu = env.gpu ?? createGpuAccess(undefined);
  let current: string | undefined;
  let backend: RunBackend | undefined;
  try {
    const compiled = compileGraph(doc, CATALOG);
    if (!compiled.ok) {
      env.post({ kind: 'failed', runId, error: problemsError(compiled.problems) }, []);
      return;
    }
    const skipped = new Set(skip);
    const stages = compiled.plan.stages.filter((s) => !skipped.has(s.nodeId));

    const choice: BackendChoice = request.backend ?? 'auto';
    const probe: WebGpuProbe | null = choice === 'cpu' ? null : await gpu.probe();
    const decision = decideBackend(choice, probe);
    if ('error' in decision) {
      env.post({ kind: 'failed', runId, error: { message: decision.error, retryOnCpu: true } }, []);
      return;
    }
    let threads = 1;
    let runStage: StageRunner;
    if (decision.name === 'webgpu') {
      backend = decision;
      // No device for a run that reuses every result: the adapter's name is enough to say why.
      let device: GPUDevice | undefined;
      if (stages.length > 0) {
        try {
          device = await gpu.device();
        } catch (e) {
          env.post({ kind: 'failed', runId, error: { message: `WebGPU could not start: ${errorMessage(e)}; choose CPU`, retryOnCpu: true } }, []);
          return;
        }
      }
      runStage = async (stage, sig, onProgress) => {
        const [r] = await runPlanWebGpu({ ...compiled.plan, stages: [stage] }, { device: device!, signal: sig, onProgress });
        return r;
      };
    } else {
      const t = env.threadsFor(request.threads);
      threads = t.threads;
      backend = { name: 'cpu', reason: `${decision.reason}; ${t.reason}` };
      runStage = async (stage, sig, onProgress) => {
        const [r] = await runPlanCpu({ ...compiled.plan, stages: [stage] }, {
          threads, startThread: env.startThread, signal: sig, chunksPerThread: chunksPerThread(stage, threads), onProgress,
        });
        return r;
      };
    }
    if (signal.aborted) {
      env.post({ kind: 'cancelled', runId }, []);
      return;
    }

    env.post({
      kind: 'started', runId, threads, backend,
      stages: stages.map((s) => ({ nodeId: s.nodeId, particles: s.grid.particles, steps: s.grid.steps })),
    }, []);
    for (const [stageIndex, stage] of stages.entries()) {
      if (signal.aborted) break;
      current = stage.nodeId;
      const started = performance.now();
      let lastPost = -Infinity;
      const r = await runStage(stage, signal, (p) => {
        const now = performance.now();
        if (now - lastPost < PROGRESS_INTERVAL_MS && p.particlesDone < p.particles) return;
        lastPost = now;
        env.post({ kind: 'progress', runId, stageIndex, ...p, elapsedSeconds: (now - started) / 1000 }, []);
      });
      const result: SolverResult = {
        nodeId: r.nodeId, dims: r.dims, particles: stage.grid.particles,
        samples: r.samples, trajectory: r.trajectory, times: r.times,
        wallSeconds: r.wallSeconds, setupSeconds: r.setupSeconds, particleSteps: r.particleSteps,
        threads: r.threads, adaptive: r.adaptive, backend,
      };
      env.post({ kind: 'stage', runId, stageIndex, result }, transferList(result));
    }
    env.post(signal.aborted ? { kind: 'cancelled', runId } : { kind: 'done', runId }, []);
  } catch (e) {
    if (signal.aborted) {
      env.post({ kind: 'cancelled', runId }, []);
    } else if (e instanceof RunFailure) {
      env.post({ kind: 'failed', runId, error: { nodeId: e.nodeId, message: e.message, particle: e.particle, step: e.step } }, []);
    } else if (e instanceof DeviceLostError) {
      env.post({ kind: 'failed', runId, error: deviceLostError(e, current) }, []);
    } else {
      const message = errorMessage(e);
      const onGpu = backend?.name === 'webgpu';
      env.post({
        kind: 'failed', runId,
        error: {
          nodeId: current,
          message: `${current ? `solver '${current}': ` : ''}${message}${onGpu ? ' (on WebGPU; the CPU backend may still run it)' : ''}`,
          retryOnCpu: onGpu || undefined,
        },
      }, []);
    }
  }
}

/**
 * A lost device as the app reports it. Not placed on the solver node: the graph is fine, and the
 * same document can run again on the CPU.
 */
export function deviceLostError(e: DeviceLostError, nodeId: string | undefined): RunError {
  const where = nodeId ? ` while running '${nodeId}'` : '';
  return {
    message: `WebGPU device lost${where} (${e.detail}); your graph is unchanged: retry on the CPU, or run again for a fresh device`,
    retryOnCpu: true,
    deviceLost: true,
  };
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** One error for a failed compile: the first problem in words, all of them attached. */
export function problemsError(problems: RunError['problems'] & object): RunError {
  const first = problems[0];
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
  return { nodeId: first?.nodeId, message: first ? formatProblem(first) + more : 'the graph did not compile', problems };
}

/** The distinct, non-shared buffers of a result (shared memory is posted without copying anyway). */
function transferList(r: SolverResult): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const a of [r.samples, r.trajectory, r.times]) if (a.buffer instanceof ArrayBuffer) buffers.add(a.buffer);
  return [...buffers];
}
