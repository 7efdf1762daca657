/**
 * A small seeded generator for the Monte-Carlo parts of the metrics (random projection directions).
 * Simulation randomness uses Philox (core/rng); here we only need a reproducible, cheap stream that
 * a 20-line Python function can replay (scripts/metrics_reference.py does, for the fixtures).
 */

/**
 * Mulberry32 (Tommy Ettinger): a 32-bit state generator, period 2^32, good enough for picking
 * a few hundred directions. Returns a function giving the next uint32 (0 .. 2^32 − 1).
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t = (t + Math.imul(t ^ (t >>> 7), t | 61)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** Uniform on the open interval (0, 1): (u32 + 0.5) / 2^32, so log(u) is always finite. */
export function openUniform(next: () => number): number {
  return (next() + 0.5) / 4294967296;
}

/**
 * Fills `out` with independent standard normals by Box–Muller on pairs of open uniforms:
 * r = √(−2 ln u1), z0 = r cos(2π u2), z1 = r sin(2π u2).
 */
export function fillStandardNormal(next: () => number, out: Float64Array): Float64Array {
  for (let k = 0; k < out.length; k += 2) {
    const radius = Math.sqrt(-2 * Math.log(openUniform(next)));
    const angle = 2 * Math.PI * openUniform(next);
    out[k] = radius * Math.cos(angle);
    if (k + 1 < out.length) out[k + 1] = radius * Math.sin(angle);
  }
  return out;
}

/**
 * `count` directions uniform on the unit sphere S^(d−1), row-major (count × d): each is a vector
 * of d normals from {@link fillStandardNormal} (one Box–Muller batch per direction, so an odd d
 * discards the last sine) divided by its Euclidean norm. Deterministic in (count, d, seed).
 */
export function randomUnitDirections(count: number, d: number, seed: number): Float64Array {
  if (!Number.isInteger(count) || count < 1) throw new Error(`direction count must be a positive integer, got ${count}`);
  if (!Number.isInteger(d) || d < 1) throw new Error(`dimension must be a positive integer, got ${d}`);
  const next = mulberry32(seed);
  const directions = new Float64Array(count * d);
  const draw = new Float64Array(d);
  for (let c = 0; c < count; c++) {
    let norm = 0;
    // A zero vector has probability zero but would have no direction: draw again.
    while (norm === 0) {
      fillStandardNormal(next, draw);
      let sumOfSquares = 0;
      for (let k = 0; k < d; k++) sumOfSquares += draw[k] * draw[k];
      norm = Math.sqrt(sumOfSquares);
    }
    for (let k = 0; k < d; k++) directions[c * d + k] = draw[k] / norm;
  }
  return directions;
}
