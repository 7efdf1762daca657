import { createNormalFiller } from '../../rng/philoxWasm.ts';
import { STREAM_INIT, uniformsAt } from '../../rng/streams.ts';

/** Everything a thread needs to run chunks of one integration stage. */
export interface KernelJob {
  /** Generated kernel body (see kernelJs.ts). */
  source: string;
  /** Float64 values the normal buffer must hold. */
  capacity: number;
  /** The compiled normal filler (WebAssembly modules can be posted to workers). */
  module?: WebAssembly.Module;
  /** [particles, d] final states, in shared memory so every thread writes its own rows. */
  samples: Float32Array;
  /** [record + 1, particles, d] saved states, or null when only the final state is kept. */
  trajectory: Float32Array | null;
  /**
   * The initial sampler's tables, packed (core/backends/tables.ts), read by the kernel as
   * `env.tables`; shared memory when several threads read them. Absent when it reads none.
   */
  tables?: Float64Array;
  /**
   * The stage's network weights, packed (core/backends/networkFields.ts packWeights), read by the
   * kernel as `env.weights`; shared memory when several threads read them. Absent without networks.
   */
  weights?: Float64Array;
}

/** Outcome of one chunk of particles. */
export interface ChunkResult {
  /** First particle that failed, or -1. */
  failedParticle: number;
  /** Step (attempted steps for adaptive methods) at which it failed. */
  failedStep: number;
  /** 0 = a state became NaN or infinite; 1 = an adaptive solver hit max_steps. */
  reason: number;
  /** Adaptive methods: accepted and rejected steps summed over the chunk, and the most for one particle. */
  accepted: number;
  rejected: number;
  maxStepsPerParticle: number;
}

type RunFn = (pStart: number, pEnd: number, samples: Float32Array, trajectory: Float32Array | null, status: Float64Array) => number;

/**
 * Instantiates a kernel for this thread and returns a function that runs a range of particles.
 * The kernel text comes only from the IR code generator, never from user input.
 */
export function prepareKernel(job: KernelJob): (pStart: number, pEnd: number) => ChunkResult {
  const filler = createNormalFiller(job.capacity, job.module);
  let initNormals = new Float64Array(0);
  const env = {
    normals: filler.buffer,
    fill: filler.fill,
    /** Draws 0..count-1 of the init stream: counters [p, 0, 0, k >> 2], lane k & 3 (as streams.ts). */
    initNormals(seed: number, p: number, count: number): Float64Array {
      if (initNormals.length < count) initNormals = new Float64Array(count);
      filler.fillRow(seed, STREAM_INIT, p, 0, 0, count);
      initNormals.set(filler.buffer.subarray(0, count));
      return initNormals;
    },
    initUniforms: (seed: number, p: number, count: number) => uniformsAt(seed, STREAM_INIT, p, 0, 1, count),
    tables: job.tables ?? new Float64Array(0),
    weights: job.weights ?? new Float64Array(0),
  };
  const run = new Function('env', job.source)(env) as RunFn;
  const status = new Float64Array(6);
  return (pStart, pEnd) => {
    status.fill(0);
    status[0] = -1;
    run(pStart, pEnd, job.samples, job.trajectory, status);
    return {
      failedParticle: status[0], failedStep: status[1], reason: status[5],
      accepted: status[2], rejected: status[3], maxStepsPerParticle: status[4],
    };
  };
}
