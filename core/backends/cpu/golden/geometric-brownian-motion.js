// (prelude.ts)

const D = 1, N = 50000, T0 = 0, T1 = 1, RECORD = 50;
const SEED = 11, BROWNIAN_STREAM = 0;
const STEPS = 250, DT = (T1 - T0) / STEPS, RECORD_EVERY = RECORD > 0 ? STEPS / RECORD : 0;
const LEAVES = 2, BASE = 125, H = (T1 - T0) / BASE, SQRT_H = Math.sqrt(H);
const CHUNK = Math.max(1, Math.floor(env.normals.length / (LEAVES * D)));
const ROOT_STD = Math.sqrt(H);
const HALF_STD_0 = Math.sqrt(H / 1) / 2;
const bridge = function (z, bases) {
  for (let b = 0; b < bases; b++) {
    const o = b * LEAVES * D;
    for (let j = 0; j < D; j++) {
      const w1 = ROOT_STD * z[o + j];
      const h1 = w1 / 2, a1 = HALF_STD_0 * z[o + 1 * D + j];
      const w2 = h1 + a1, w3 = h1 - a1;
      z[o + 0 * D + j] = w2;
      z[o + 1 * D + j] = w3;
    }
  }
};
const z = env.normals;
return function run(pStart, pEnd, samples, trajectory, status) {
  for (let p = pStart; p < pEnd; p++) {
    let x0 = 1;
    if (trajectory !== null) { const o = (0 * N + p) * D; trajectory[o + 0] = x0; }
    let s = 0;
    for (let b0 = 0; b0 < BASE; b0 += CHUNK) {
      const nb = Math.min(CHUNK, BASE - b0);
      env.fill(SEED, BROWNIAN_STREAM, p, b0, nb, LEAVES, D);
      if (bridge !== null) bridge(z, nb);
      const kEnd = nb * LEAVES;
      for (let k = 0; k < kEnd; k++, s++) {
        const o = k * D;
        const dW0 = z[o + 0];
        const t = T0 + s * DT;
        const f0_4 = (0.05 * x0);
        const g0_4 = (0.2 * x0);
        const dg_6 = (0.2 * x0);
        const n0 = x0 + DT * (f0_4) + dW0 * (g0_4) + 0.5 * g0_4 * 0.2 * (dW0 * dW0 - DT);
        x0 = n0;
        if ((x0 - x0) !== 0) { status[0] = p; status[1] = s; return p; }
        if (RECORD > 0 && (s + 1) % RECORD_EVERY === 0) { if (trajectory !== null) { const o = ((s + 1) / RECORD_EVERY * N + p) * D; trajectory[o + 0] = x0; } }
      }
    }
    samples[p * D + 0] = x0;
  }
  return -1;
};
