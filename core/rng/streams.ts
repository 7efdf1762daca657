/**
 * Counter layout of the random streams: which (key, counter) produces which draw.
 *
 * The key is [seed, stream] so that independent uses of randomness (Brownian increments, initial
 * conditions) never share a counter space; the counter words are chosen by the caller, e.g.
 * [particle, step, draw-group, block]. Draw k sits in block k >> 2, lane k & 3, because one Philox
 * call yields four words.
 */
import { philox4x32_10 } from './philox.ts';
import { boxMuller4, uniformFromU32 } from './normal.ts';

/** Stream id for Brownian increments (see `brownianIncrements`). */
export const STREAM_BROWNIAN = 0;
/** Stream id for random initial conditions. */
export const STREAM_INIT = 1;

/** One Philox block per 4 draws; `lanes` turns the 4 output words into 4 values. */
function drawsAt(
  seed: number,
  stream: number,
  c0: number,
  c1: number,
  c2: number,
  count: number,
  lanes: (out: Uint32Array) => readonly number[],
): Float64Array {
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new RangeError(`random draws: count must be a non-negative integer, got ${count}.`);
  }
  const key = [seed >>> 0, stream] as const;
  const result = new Float64Array(count);
  for (let block = 0; block * 4 < count; block++) {
    const values = lanes(philox4x32_10([c0, c1, c2, block], key));
    for (let lane = 0; lane < 4 && block * 4 + lane < count; lane++) {
      result[block * 4 + lane] = values[lane];
    }
  }
  return result;
}

/**
 * `count` standard normals: draw k comes from counter [c0, c1, c2, k >> 2], lane k & 3, of
 * `boxMuller4`, under key [seed >>> 0, stream].
 *
 * @example normalsAt(42, STREAM_BROWNIAN, particle, step, 0, dims)
 */
export function normalsAt(
  seed: number,
  stream: number,
  c0: number,
  c1: number,
  c2: number,
  count: number,
): Float64Array {
  return drawsAt(seed, stream, c0, c1, c2, count, boxMuller4);
}

/**
 * `count` uniforms in (0, 1): draw k is `uniformFromU32` of word k & 3 of counter
 * [c0, c1, c2, k >> 2] under key [seed >>> 0, stream].
 */
export function uniformsAt(
  seed: number,
  stream: number,
  c0: number,
  c1: number,
  c2: number,
  count: number,
): Float64Array {
  return drawsAt(seed, stream, c0, c1, c2, count, (out) => Array.from(out, uniformFromU32));
}
