/**
 * The Philox streams of training, keyed like every other use of randomness in SDE Studio:
 * key [seed, stream], counter words naming what is drawn. Stream ids sit far above core/rng's
 * (0 Brownian, 1 init, 2 corrector) so the two lists can grow without meeting.
 */
import { createNormalFiller, type NormalFiller } from '../rng/philoxWasm.ts';
import { normalsAt, uniformsAt } from '../rng/streams.ts';

/** Weight initialisation: counter [layer, tensor (0 weight, 1 bias), 0, block]. */
export const STREAM_NN_INIT = 16;
/** Per-step draws of a loss (t, noise, probes): counter [step, purpose, 0, block]. */
export const STREAM_NN_TRAIN = 17;
/** Samples of a synthetic data set: counter [step, 0, 0, block]. */
export const STREAM_NN_DATA = 18;
/** Fixed random Fourier frequencies of a time embedding: counter [0, 0, 0, block]. */
export const STREAM_NN_FOURIER = 19;

/** `count` uniforms on (lo, hi) from counter [c0, c1, 0, ·] of a stream. */
export function uniformRange(seed: number, stream: number, c0: number, c1: number, count: number, lo: number, hi: number): Float64Array {
  const u = uniformsAt(seed, stream, c0, c1, 0, count);
  for (let i = 0; i < count; i++) u[i] = lo + (hi - lo) * u[i];
  return u;
}

/** `count` standard normals from counter [c0, c1, 0, ·] of a stream (reference Philox). */
export function normalRow(seed: number, stream: number, c0: number, c1: number, count: number): Float64Array {
  return normalsAt(seed, stream, c0, c1, 0, count);
}

/**
 * Fast per-step draws: normals through the generated WebAssembly filler (bit-identical to
 * `normalsAt`), uniforms through the reference Philox (a quarter as many blocks per value).
 */
export class StepDraws {
  private filler: NormalFiller | undefined;

  constructor(readonly seed: number, readonly stream = STREAM_NN_TRAIN) {}

  /** Normals for (step, purpose) into `out` (float32), `count` of them. */
  normals(step: number, purpose: number, out: Float32Array, offset: number, count: number): void {
    if (this.filler === undefined || this.filler.capacity < count) this.filler = createNormalFiller(Math.max(count, 4096));
    this.filler.fillRow(this.seed >>> 0, this.stream, step >>> 0, purpose, 0, count);
    const z = this.filler.buffer;
    for (let i = 0; i < count; i++) out[offset + i] = z[i];
  }

  /** Uniforms on (lo, hi) for (step, purpose) into `out`. */
  uniforms(step: number, purpose: number, out: Float32Array, offset: number, count: number, lo = 0, hi = 1): void {
    const u = uniformRange(this.seed >>> 0, this.stream, step >>> 0, purpose, count, lo, hi);
    for (let i = 0; i < count; i++) out[offset + i] = u[i];
  }
}
