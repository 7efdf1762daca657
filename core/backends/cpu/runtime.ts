import type { IntegrateStage, Plan } from '../../compile/plan.ts';
import { normalFillerWasmBytes } from '../../rng/philoxWasm.ts';
import { packWeights, stageUsesLoops } from '../networkFields.ts';
import { packTables } from '../tables.ts';
import { generateKernelSource, normalCapacity } from './kernelJs.ts';
import { prepareKernel, type ChunkResult, type KernelJob } from './kernelRunner.ts';

/** A thread that runs chunks of a kernel job (worker_threads in Node, a Web Worker in a browser). */
export interface KernelThreadLike {
  load(job: KernelJob): Promise<void>;
  run(id: number, pStart: number, pEnd: number): Promise<ChunkResult>;
  close(): Promise<void>;
}

/** Options of a CPU run. */
export interface CpuRunOptions {
  /** Worker threads; 1 runs on the calling thread. Default: the machine's available parallelism. */
  threads?: number;
  /** Starts one thread; default: a Node worker thread (browsers pass a Web Worker factory). */
  startThread?: () => KernelThreadLike;
  /** Called after each finished chunk of particles. */
  onProgress?: (p: Progress) => void;
  /** Aborting stops the run after the chunks in flight (within one chunk's time). */
  signal?: AbortSignal;
  /**
   * Chunks of particles per thread (default 16). More chunks report progress and notice an abort
   * sooner; a browser raises it for long runs so its progress bar moves several times a second.
   */
  chunksPerThread?: number;
  /**
   * Where a stage whose fields hold a network (IntegrateStage.weights) runs: `fused`, this
   * backend's kernel across the threads; `batched`, the batched integrator (core/backends/batched,
   * one thread, float32 GEMMs over blocks of particles); `auto` (default): see {@link chooseNetworkIntegrator}.
   */
  networkIntegrator?: 'auto' | 'fused' | 'batched';
}

/** Progress of the current stage. */
export interface Progress {
  nodeId: string;
  particlesDone: number;
  particles: number;
  /** Particle-steps done so far (fixed-step methods; 0 for adaptive ones). */
  particleSteps: number;
}

/** The outputs and timings of one integration stage. */
export interface StageResult {
  nodeId: string;
  dims: number;
  samples: Float32Array;
  trajectory: Float32Array;
  times: Float32Array;
  /** Seconds integrating, after the threads and kernels were ready. */
  wallSeconds: number;
  /** Seconds spent starting threads and compiling kernels before integrating. */
  setupSeconds: number;
  /** particles × steps (accepted steps for adaptive methods). */
  particleSteps: number;
  threads: number;
  adaptive?: { accepted: number; rejected: number; maxStepsPerParticle: number };
  /** For stages with networks: why the stage ran where it did (fused kernel or batched integrator). */
  reason?: string;
}

/** A run that stopped because a particle failed; names the solver node, particle and step. */
export class RunFailure extends Error {
  constructor(readonly nodeId: string, readonly particle: number, readonly step: number, readonly reason: 'non_finite' | 'max_steps', message: string) {
    super(message);
  }
}

/** The repo's `lib` has no DOM, so the WebAssembly constructor is typed here. */
const wasmApi = (globalThis as unknown as { WebAssembly: { Module: new (bytes: Uint8Array) => WebAssembly.Module } }).WebAssembly;

/** Logical cores: navigator.hardwareConcurrency in browsers, os.availableParallelism() in Node. */
async function defaultThreads(): Promise<number> {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  if (nav?.hardwareConcurrency) return nav.hardwareConcurrency;
  const os = await import('node:os');
  return os.availableParallelism();
}

/** Chunks per thread: small enough for progress and load balance, large enough to amortise messages. */
const CHUNKS_PER_THREAD = 16;

/** Runs every stage of a plan on the CPU. Results do not depend on the thread count, bit for bit. */
export async function runPlanCpu(plan: Plan, options: CpuRunOptions = {}): Promise<StageResult[]> {
  const results: StageResult[] = [];
  for (const stage of plan.stages) results.push(stage.weights?.length ? await runNetworkStage(stage, options) : await runStage(stage, options));
  return results;
}

/**
 * A stage whose fields hold a network: on the fused kernel or the batched integrator (see
 * {@link chooseNetworkIntegrator}), with the reason on the result. The batched integrator is
 * imported on demand (it imports this module).
 */
async function runNetworkStage(stage: IntegrateStage, options: CpuRunOptions): Promise<StageResult> {
  const threads = Math.max(1, Math.min(options.threads ?? (await defaultThreads()), stage.grid.particles));
  const choice = chooseNetworkIntegrator(stage, threads, options.networkIntegrator);
  if (choice.integrator === 'fused') return { ...await runStage(stage, { ...options, threads }), reason: choice.reason };
  const { integrateBatched } = await import('../batched/integrate.ts');
  const result = await integrateBatched(stage, () => [], { signal: options.signal, onProgress: options.onProgress });
  return { ...result, reason: choice.reason };
}

async function runStage(stage: IntegrateStage, options: CpuRunOptions): Promise<StageResult> {
  const { particles: n, record } = stage.grid;
  const threads = Math.max(1, Math.min(options.threads ?? (await defaultThreads()), n));
  const setupStarted = performance.now();
  let started = setupStarted;
  // Threads write their rows of shared memory; one thread needs no SharedArrayBuffer (which a
  // browser page only has when cross-origin isolated).
  const floats = (count: number) => new Float32Array(threads > 1 ? new SharedArrayBuffer(4 * count) : new ArrayBuffer(4 * count));
  const samples = floats(n * stage.dims);
  const trajectory = record > 0 ? floats((record + 1) * n * stage.dims) : null;
  // Tables are read-only, so threads share one copy instead of each receiving its own.
  const doubles = (count: number) => new Float64Array(threads > 1 ? new SharedArrayBuffer(8 * count) : new ArrayBuffer(8 * count));
  const tables = stage.init.tables?.length ? packTables(stage.init.tables, doubles) : undefined;
  // Network weights likewise: one shared read-only copy.
  const weights = stageUsesLoops(stage) ? packWeights(stage, doubles) : undefined;
  const job: KernelJob = {
    source: generateKernelSource(stage), capacity: normalCapacity(stage),
    module: new wasmApi.Module(normalFillerWasmBytes()), samples, trajectory, ...(tables ? { tables } : {}), ...(weights ? { weights } : {}),
  };
  const chunk = Math.max(1, Math.ceil(n / (threads * Math.max(1, options.chunksPerThread ?? CHUNKS_PER_THREAD))));
  const chunks: [number, number][] = [];
  for (let p = 0; p < n; p += chunk) chunks.push([p, Math.min(n, p + chunk)]);
  const outcomes: (ChunkResult | undefined)[] = new Array(chunks.length);
  let particlesDone = 0;
  let firstFailedChunk = Infinity;
  const steps = stage.grid.steps;
  const report = (k: number, r: ChunkResult) => {
    outcomes[k] = r;
    if (r.failedParticle >= 0) firstFailedChunk = Math.min(firstFailedChunk, k);
    particlesDone += chunks[k][1] - chunks[k][0];
    options.onProgress?.({ nodeId: stage.nodeId, particlesDone, particles: n, particleSteps: particlesDone * steps });
  };
  // Chunks after the first failing one are skipped; earlier ones still run, so the failure reported
  // is the lowest failing particle whatever the thread count.
  const next = (() => { let k = 0; return () => (k < chunks.length && k < firstFailedChunk && !options.signal?.aborted ? k++ : -1); })();
  if (threads === 1) {
    const run = prepareKernel(job);
    started = performance.now();
    for (let k = next(); k >= 0; k = next()) {
      report(k, run(chunks[k][0], chunks[k][1]));
      // Lets an abort signal (and progress listeners) in between chunks.
      if (options.signal) await new Promise((r) => setTimeout(r, 0));
    }
  } else {
    const start = options.startThread ?? (await import('./workerPool.ts')).startNodeThread;
    const pool = Array.from({ length: threads }, start);
    try {
      await Promise.all(pool.map((t) => t.load(job)));
      started = performance.now();
      await Promise.all(pool.map(async (t) => {
        for (let k = next(); k >= 0; k = next()) report(k, await t.run(k, chunks[k][0], chunks[k][1]));
      }));
    } finally {
      await Promise.all(pool.map((t) => t.close()));
    }
  }
  if (options.signal?.aborted) throw new Error('run cancelled');
  const failed = outcomes.find((r) => r !== undefined && r.failedParticle >= 0);
  if (failed) throw failure(stage, failed);
  const finished = outcomes as ChunkResult[];
  const times = new Float32Array(record + 1);
  for (let k = 0; k <= record; k++) times[k] = record === 0 ? stage.grid.t1 : k === record ? stage.grid.t1 : stage.grid.t0 + ((stage.grid.t1 - stage.grid.t0) * k) / record;
  const adaptive = stage.method.kind === 'ode' && stage.method.adaptive;
  const accepted = finished.reduce((a, r) => a + r.accepted, 0);
  return {
    nodeId: stage.nodeId, dims: stage.dims, samples,
    trajectory: trajectory ?? samples.slice(),
    times,
    wallSeconds: (performance.now() - started) / 1000,
    setupSeconds: (started - setupStarted) / 1000,
    particleSteps: adaptive ? accepted : n * steps,
    threads,
    adaptive: adaptive ? {
      accepted, rejected: finished.reduce((a, r) => a + r.rejected, 0),
      maxStepsPerParticle: finished.reduce((a, r) => Math.max(a, r.maxStepsPerParticle), 0),
    } : undefined,
  };
}

/**
 * The RunFailure of a failed chunk, with a message that names the solver node, particle, step (and
 * time) and says how to fix it. Shared with the WebGPU backend so both report failures alike.
 */
export function failure(stage: IntegrateStage, r: Pick<ChunkResult, 'failedParticle' | 'failedStep' | 'reason'>): RunFailure {
  if (r.reason === 1) {
    return new RunFailure(stage.nodeId, r.failedParticle, r.failedStep, 'max_steps',
      `solver '${stage.nodeId}': particle ${r.failedParticle} needed more than max_steps = ${stage.tolerances?.maxSteps} steps; raise max_steps, loosen rtol / atol, or check the drift for stiffness or blow-up`);
  }
  const t = stage.grid.steps > 0 ? ` (t ≈ ${(stage.grid.t0 + ((stage.grid.t1 - stage.grid.t0) * (r.failedStep + 1)) / stage.grid.steps).toPrecision(4)})` : '';
  return new RunFailure(stage.nodeId, r.failedParticle, r.failedStep, 'non_finite',
    `solver '${stage.nodeId}': the state of particle ${r.failedParticle} became NaN or infinite at step ${r.failedStep}${t}; reduce the step size (more steps), use an implicit-free stable setup (smaller noise or drift scale), or check the expressions for division by zero or log of a negative number`);
}

/**
 * How many times the fused kernel's per-thread rate the batched integrator reaches on networks,
 * measured on the two-moons sampler (predictor–corrector, 2 network evaluations per step; Node 20,
 * bench/networkSampling.ts): 3×32 SiLU 9.6×, 3×64 7.6×, 3×128 7.5× (a 3×8 network: 3×). The
 * batched integrator evaluates a layer for 1024 particles as one float32 GEMM; the fused kernel
 * runs one particle's float64 loops per thread. Both scale with the multiply-adds, so one ratio
 * serves every width.
 */
export const BATCHED_NETWORK_ADVANTAGE = 8;

/**
 * Where a stage with a network runs on the CPU. `requested` overrides (`auto` decides); adaptive
 * methods always run fused (the batched integrator has fixed steps only). `auto`: the fused kernel
 * when its threads together outrun the single-threaded batched integrator (more than
 * {@link BATCHED_NETWORK_ADVANTAGE} threads), else the batched integrator.
 */
export function chooseNetworkIntegrator(stage: IntegrateStage, threads: number, requested: CpuRunOptions['networkIntegrator'] = 'auto'): { integrator: 'fused' | 'batched'; reason: string } {
  if (stage.method.kind === 'ode' && stage.method.adaptive) {
    return { integrator: 'fused', reason: `its fields contain a trained network and ${stage.method.name} chooses a step per particle, which only the fused kernel does` };
  }
  if (requested === 'fused') return { integrator: 'fused', reason: 'its fields contain a trained network; the fused kernel was requested' };
  if (requested === 'batched') return { integrator: 'batched', reason: 'its fields contain a trained network; the batched integrator was requested' };
  const measured = `the batched integrator (one thread, float32 GEMMs over blocks of particles) runs networks about ${BATCHED_NETWORK_ADVANTAGE}× as fast as one thread of the fused kernel`;
  return threads > BATCHED_NETWORK_ADVANTAGE
    ? { integrator: 'fused', reason: `its fields contain a trained network: ${measured}, and the fused kernel has ${threads} threads` }
    : { integrator: 'batched', reason: `its fields contain a trained network: ${measured}, more than ${threads} thread${threads > 1 ? 's' : ''} make${threads > 1 ? '' : 's'} up` };
}
