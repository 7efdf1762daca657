// core's CPU runtime keeps Node-only fallbacks behind dynamic imports (node:os, worker_threads)
// that a browser never reaches; their types come from @types/node, which the renderer's
// tsconfig does not list, so name them here for svelte-check.
/// <reference types="node" />
/// <reference types="@webgpu/types" />
import { isBatchedResult, needsBatched, runIntegrations, runTrainings, type RunPlanOptions } from '../../core/backends/batched/runPlan.ts';
import type { TrainProgress, TrainResult } from '../../core/backends/batched/training.ts';
import { RunFailure, runPlanCpu, type KernelThreadLike, type Progress } from '../../core/backends/cpu/runtime.ts';
// runtime.ts, not the backend's index or nodeDevice.ts: the latter loads Dawn for Node.
import { DeviceLostError, runPlanWebGpu } from '../../core/backends/webgpu/runtime.ts';
import { compileGraph } from '../../core/compile/compileGraph.ts';
import type { IntegrateStage } from '../../core/compile/plan.ts';
import { runAnalyses, type StageArrays } from '../../core/compile/runAnalyses.ts';
import type { Catalog } from '../../core/graph/catalog.ts';
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
  /** The node catalog (default: the app's); tests pass one with extra nodes. */
  catalog?: Catalog;
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
 * document, trains its train nodes (or reuses / resumes the earlier trainings the page sends),
 * integrates the stages that are not skipped one at a time (so each result reaches the page as
 * soon as it is ready), runs the analysis nodes (metrics, exports) over all solvers' arrays, and
 * reports progress, failures and cancellation. Training and the solvers that read trained
 * networks go through core's batched runner (runTrainings, runIntegrations), as in the CLI.
 *
 * Analyses run here rather than on the page: the compiled plan (with each stage's structure) is
 * here, exports of long trajectories and per-frame metrics can take a while and would stall the
 * editor, and the code path is the CLI's (`runAnalyses(plan, results, catalog)`). The page sends
 * the cached arrays of skipped solvers that an analysis reads; stages run here keep theirs.
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

/** Minimum gap between training progress messages: the run bar and the live loss curve update ~10×/s. */
const TRAIN_PROGRESS_INTERVAL_MS = 100;

async function execute(request: Extract<RunRequest, { kind: 'run' }>, signal: AbortSignal, env: RunWorkerEnvironment): Promise<void> {
  const { doc, skip, runId } = request;
  const catalog = env.catalog ?? CATALOG;
  const gpu = env.gpu ?? createGpuAccess(undefined);
  /** The stage running now, for errors: a solver, or a train node while `training`. */
  let current: string | undefined;
  let training = false;
  let backend: RunBackend | undefined;
  try {
    const compiled = compileGraph(doc, catalog, { files: new Map(request.files ?? []) });
    if (!compiled.ok) {
      env.post({ kind: 'failed', runId, error: problemsError(compiled.problems) }, []);
      return;
    }
    const { plan } = compiled;
    const skipped = new Set(skip);
    const stages = plan.stages.filter((s) => !skipped.has(s.nodeId));
    const trainStages = plan.trainings ?? [];
    const previous = new Map((request.trainings ?? []).map((t) => [t.nodeId, t]));
    // Solvers an analysis reads: their arrays stay here (the page gets copies) until the analyses ran.
    const analysed = new Set(plan.analyses.flatMap((a) => a.sources.map((src) => src.stage)));
    const arrays: StageArrays[] = [...(request.reused ?? [])];

    const choice: BackendChoice = request.backend ?? 'auto';
    const probe: WebGpuProbe | null = choice === 'cpu' ? null : await gpu.probe();
    const decision = decideBackend(choice, probe);
    if ('error' in decision) {
      env.post({ kind: 'failed', runId, error: { message: decision.error, retryOnCpu: true } }, []);
      return;
    }
    let threads = 1;
    let runPlain: NonNullable<RunPlanOptions['runPlain']>;
    let device: GPUDevice | undefined;
    let trainDevice: GPUDevice | undefined;
    if (decision.name === 'webgpu') {
      backend = decision;
      // No device when nothing goes to the GPU (stages all reused or run imported models, trainings all done).
      const toTrain = trainStages.some((s) => {
        const earlier = previous.get(s.nodeId);
        return s.pretrained === undefined && !(earlier && !earlier.aborted && earlier.iterations >= s.iterations);
      });
      if (stages.some((s) => !needsBatched(s)) || toTrain) {
        try {
          device = await gpu.device();
        } catch (e) {
          env.post({ kind: 'failed', runId, error: { message: `WebGPU could not start: ${errorMessage(e)}; choose CPU`, retryOnCpu: true } }, []);
          return;
        }
      }
      runPlain = (p, o) => runPlanWebGpu(p, { device: device!, signal: o.signal, onProgress: o.onProgress });
      trainDevice = device;
    } else {
      const t = env.threadsFor(request.threads);
      threads = t.threads;
      backend = { name: 'cpu', reason: `${decision.reason}; ${t.reason}` };
      runPlain = (p, o) => runPlanCpu(p, {
        threads, startThread: env.startThread, signal: o.signal, chunksPerThread: chunksPerThread(p.stages[0], threads), onProgress: o.onProgress,
      });
    }
    if (signal.aborted) {
      env.post({ kind: 'cancelled', runId }, []);
      return;
    }

    env.post({
      kind: 'started', runId, threads, backend,
      stages: stages.map((s) => ({ nodeId: s.nodeId, particles: s.grid.particles, steps: s.grid.steps })),
      trainings: trainStages.map((s) => {
        const earlier = previous.get(s.nodeId);
        const finished = earlier !== undefined && !earlier.aborted && earlier.iterations >= s.iterations;
        return { nodeId: s.nodeId, iterations: s.iterations, done: earlier?.iterations ?? 0, skipped: finished || s.pretrained !== undefined };
      }),
    }, []);

    // Train stages first, one at a time through the CLI's runner, so each outcome reaches the page
    // as soon as it is ready; a cancelled one is sent too (its weights so far and resumable state).
    const trainings: TrainResult[] = [];
    for (const stage of trainStages) {
      current = stage.nodeId;
      training = true;
      const earlier = previous.get(stage.nodeId);
      const report = trainProgressReporter(runId, env);
      // On the GPU, progress points are readbacks: every 16 iterations keeps the queue busy.
      const outcome = await runTrainings({ ...plan, trainings: [stage] }, {
        signal, previous, onTrainProgress: report.onProgress,
        ...(trainDevice ? { trainDevice, trainProgressEvery: 16 } : { trainProgressEvery: 1 }),
      });
      const [result] = outcome.trainings;
      trainings.push(result);
      env.post({
        kind: 'training', runId,
        training: { nodeId: stage.nodeId, result, spec: stage.loss.spec, lossSummary: stage.lossSummary, seed: stage.seed, reused: result === earlier },
      }, []);
      if (outcome.cancelled) {
        env.post({ kind: 'cancelled', runId }, []);
        return;
      }
    }
    training = false;

    for (const [stageIndex, stage] of stages.entries()) {
      if (signal.aborted) break;
      current = stage.nodeId;
      const started = performance.now();
      let lastPost = -Infinity;
      const onProgress = (p: Progress) => {
        const now = performance.now();
        if (now - lastPost < PROGRESS_INTERVAL_MS && p.particlesDone < p.particles) return;
        lastPost = now;
        env.post({ kind: 'progress', runId, stageIndex, ...p, elapsedSeconds: (now - started) / 1000 }, []);
      };
      // Stages that run an imported onnxruntime model go to the batched CPU integrator, the others (trained networks included) to `runPlain`.
      const [r] = await runIntegrations({ ...plan, stages: [stage] }, trainings, { runPlain, signal, onProgress });
      const batched = isBatchedResult(r);
      const result: SolverResult = {
        nodeId: r.nodeId, dims: r.dims, particles: stage.grid.particles,
        samples: r.samples, trajectory: r.trajectory, times: r.times,
        wallSeconds: r.wallSeconds, setupSeconds: r.setupSeconds, particleSteps: r.particleSteps,
        threads: r.threads, adaptive: r.adaptive,
        backend: batched ? { name: 'cpu', reason: `batched CPU integrator: ${r.reason}` } : backend,
        ...(batched ? { integrator: 'batched' as const } : {}),
        ...(stage.structure ? { structure: stage.structure } : {}),
      };
      if (analysed.has(r.nodeId)) {
        arrays.push({ nodeId: r.nodeId, dims: r.dims, samples: r.samples, trajectory: r.trajectory, times: r.times });
        env.post({ kind: 'stage', runId, stageIndex, result }, []); // copied: the analyses still need them
      } else {
        env.post({ kind: 'stage', runId, stageIndex, result }, transferList(result));
      }
    }
    if (!signal.aborted && plan.analyses.length > 0) {
      current = undefined;
      env.post({ kind: 'analyses', runId, results: runAnalyses(plan, arrays, catalog) }, []);
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
      const onGpu = backend?.name === 'webgpu' && !training;
      const where = current ? `${training ? 'training' : 'solver'} '${current}': ` : '';
      env.post({
        kind: 'failed', runId,
        error: {
          nodeId: current,
          message: `${where}${message}${onGpu ? ' (on WebGPU; the CPU backend may still run it)' : ''}`,
          retryOnCpu: onGpu || undefined,
        },
      }, []);
    }
  }
}

/**
 * Training progress as the page gets it: every iteration's loss is collected (the trainer
 * reports each one), and sent with the latest iteration at most every 100 ms and at the end.
 */
function trainProgressReporter(runId: number, env: RunWorkerEnvironment): { onProgress: (p: TrainProgress) => void } {
  let pending: number[] = [];
  let from = -1;
  let lastPost = -Infinity;
  return {
    onProgress(p) {
      if (from < 0) from = p.iteration - 1;
      pending.push(p.loss);
      const now = performance.now();
      if (now - lastPost < TRAIN_PROGRESS_INTERVAL_MS && p.iteration < p.iterations) return;
      lastPost = now;
      env.post({
        kind: 'train-progress', runId, nodeId: p.nodeId, iteration: p.iteration, iterations: p.iterations,
        loss: p.loss, itersPerSecond: p.itersPerSecond, from, losses: Float64Array.from(pending),
      }, []);
      pending = [];
      from = p.iteration;
    },
  };
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
