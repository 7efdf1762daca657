/**
 * Counter layout of the random streams: which (key, counter) produces which draw.
 *
 * The key is [seed, stream] so that independent uses of randomness (Brownian increments, initial
 * conditions) never share a counter space. One Philox call yields four words, so draw k of a
 * sequence sits in lane k & 3 of block k >> 2; the two layouts differ in which counter word counts
 * the blocks:
 * - `normalsAt`/`uniformsAt` (the init stream): block g at counter [c0, c1, c2, g];
 * - `brownianNormals`: block g of base interval b at counter [particle, b, g, 0], one flat
 *   sequence per base interval, so no Philox output is left partly unused between tree nodes.
 */
import { philox4x32_10 } from './philox.ts';
import { boxMuller4, uniformFromU32 } from './normal.ts';

/** Stream id for Brownian increments (see `brownianIncrements`). */
export const STREAM_BROWNIAN = 0;
/** Stream id for random initial conditions. */
export const STREAM_INIT = 1;
/**
 * Stream id for the Langevin corrector of predictor–corrector samplers: corrector iteration c of
 * step s draws k = c · d + j (j = component) at counter [particle, s, k >> 2, 0], lane k & 3 (the
 * `brownianNormals` layout with the step in place of the base interval). A stream of its own, so
 * the predictor's Brownian increments are those of the same seed without a corrector.
 */
export const STREAM_CORRECTOR = 2;

/** One Philox block per 4 draws; `counter(g)` places block g, `lanes` turns its 4 words into 4 values. */
function drawsAt(
  seed: number,
  stream: number,
  counter: (block: number) => readonly [number, number, number, number],
  count: number,
  lanes: (out: Uint32Array) => readonly number[],
): Float64Array {
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new RangeError(`random draws: count must be a non-negative integer, got ${count}.`);
  }
  const key = [seed >>> 0, stream] as const;
  const result = new Float64Array(count);
  for (let block = 0; block * 4 < count; block++) {
    const values = lanes(philox4x32_10(counter(block), key));
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
 * @example normalsAt(42, STREAM_INIT, particle, 0, 0, dims)
 */
export function normalsAt(
  seed: number,
  stream: number,
  c0: number,
  c1: number,
  c2: number,
  count: number,
): Float64Array {
  return drawsAt(seed, stream, (g) => [c0, c1, c2, g], count, boxMuller4);
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
  return drawsAt(seed, stream, (g) => [c0, c1, c2, g], count, (out) => Array.from(out, uniformFromU32));
}

/**
 * Draws 0 .. count-1 of the Brownian stream of one base interval: draw k is lane k & 3 of
 * `boxMuller4` of counter [particle, baseInterval, k >> 2, 0] under key [seed >>> 0,
 * STREAM_BROWNIAN]. `brownianIncrements` gives tree node n, dimension j draw k = n · dims + j
 * (node 0 is the root), which does not depend on the tree depth, so a finer step reuses every
 * draw of the coarser one.
 *
 * @example brownianNormals(42, particle, base, leaves * dims) // a whole tree's normals
 * @throws RangeError if count is not a non-negative integer or a counter word is not a u32
 */
export function brownianNormals(seed: number, particle: number, baseInterval: number, count: number): Float64Array {
  return drawsAt(seed, STREAM_BROWNIAN, (g) => [particle, baseInterval, g, 0], count, boxMuller4);
}
