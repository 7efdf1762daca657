import type { IntegrateStage } from '../../compile/plan.ts';
import { tableValues } from '../tables.ts';
import { WORKGROUP_SIZE } from './kernelWgsl.ts';

/** The device limits that bound a chunk of particles (a subset of WebGPU's `GPUSupportedLimits`). */
export interface ChunkLimits {
  /** Largest storage buffer one binding may cover, in bytes. */
  maxStorageBufferBindingSize: number;
  /** Largest buffer the device creates, in bytes. */
  maxBufferSize: number;
  /** Largest dispatch along x, in workgroups. */
  maxComputeWorkgroupsPerDimension: number;
}

/** Particles per dispatch when the caller sets no cap: enough to fill a large GPU, few enough for regular progress reports and OS GPU watchdogs. */
export const DEFAULT_MAX_CHUNK_PARTICLES = 1 << 18;

/** Per-particle row of the info buffer: failing step, reason, accepted, rejected (u32 each). */
export const INFO_WORDS = 4;

/**
 * How a stage's particles are split into dispatches, and the size of each device buffer.
 *
 * @example planChunks(stage, device.limits) // { chunkParticles: 262144, chunks: 1, ... }
 */
export interface ChunkPlan {
  /** Particles per dispatch; the last chunk may hold fewer. */
  chunkParticles: number;
  /** Number of dispatches. */
  chunks: number;
  /** Bytes of the samples buffer [chunkParticles, D]. */
  samplesBytes: number;
  /** Bytes of the trajectory buffer [record + 1, chunkParticles, D]; 4 (a placeholder) when record = 0. */
  trajectoryBytes: number;
  /** Bytes of the info buffer [chunkParticles, 4]. */
  infoBytes: number;
  /**
   * Bytes of the read-only tables buffer (the initial sampler's tables as f32, one buffer for the
   * whole stage, not per chunk); 0 when the kernel reads no tables.
   */
  tablesBytes: number;
}

/**
 * Chooses the chunk size: the most particles whose samples, trajectory and info buffers each fit
 * the device's buffer limits and whose workgroups fit one dispatch, capped by `maxChunkParticles`.
 *
 * @throws Error before anything runs when a single particle's trajectory, or the tables the
 *   initial sampler reads, exceed the limits
 * @throws RangeError when maxChunkParticles is not a positive integer
 */
export function planChunks(
  stage: Pick<IntegrateStage, 'nodeId' | 'dims' | 'grid'> & Partial<Pick<IntegrateStage, 'init'>>,
  limits: ChunkLimits,
  maxChunkParticles: number = DEFAULT_MAX_CHUNK_PARTICLES,
): ChunkPlan {
  if (!Number.isSafeInteger(maxChunkParticles) || maxChunkParticles < 1) {
    throw new RangeError(`WebGPU backend: maxChunkParticles must be a positive integer, got ${maxChunkParticles}`);
  }
  const { dims: D, grid: { particles: n, record: K } } = stage;
  const bufferLimit = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  const trajectoryPerParticle = K > 0 ? (K + 1) * D * 4 : 0;
  const perParticle = Math.max(D * 4, trajectoryPerParticle, INFO_WORDS * 4);
  // Storage bindings must be a multiple of 4 bytes, so round the usable limit down to one.
  const fit = Math.floor(Math.floor(bufferLimit / 4) * 4 / perParticle);
  if (fit < 1) {
    const what = trajectoryPerParticle > 0 ? `records ${K + 1} time points × ${D} components × 4 bytes = ${trajectoryPerParticle} bytes per particle` : `has ${D} components × 4 bytes = ${D * 4} bytes per particle`;
    throw new Error(
      `WebGPU backend: solver '${stage.nodeId}' ${what}, more than this device's largest storage buffer ` +
      `(${bufferLimit} bytes: min of maxStorageBufferBindingSize ${limits.maxStorageBufferBindingSize} and maxBufferSize ${limits.maxBufferSize}); ` +
      'lower record, or run with --backend cpu',
    );
  }
  const tablesBytes = 4 * tableValues(stage.init?.tables);
  if (tablesBytes > bufferLimit) {
    throw new Error(
      `WebGPU backend: the data tables of solver '${stage.nodeId}' (its source's file: ${tablesBytes / 4} values × 4 bytes = ${tablesBytes} bytes) ` +
      `are larger than this device's largest storage buffer (${bufferLimit} bytes: min of maxStorageBufferBindingSize ${limits.maxStorageBufferBindingSize} and maxBufferSize ${limits.maxBufferSize}); ` +
      'use a smaller data file, or run with --backend cpu',
    );
  }
  const chunkParticles = Math.max(1, Math.min(n, maxChunkParticles, fit, limits.maxComputeWorkgroupsPerDimension * WORKGROUP_SIZE));
  return {
    chunkParticles,
    chunks: Math.ceil(n / chunkParticles),
    samplesBytes: chunkParticles * D * 4,
    trajectoryBytes: K > 0 ? chunkParticles * trajectoryPerParticle : 4,
    infoBytes: chunkParticles * INFO_WORDS * 4,
    tablesBytes,
  };
}
