// (prelude.ts)

const D = 1, N = 20000, T0 = 0, T1 = 1.5, RECORD = 30;
const SEED = 7, BROWNIAN_STREAM = 0;
const STEPS = 300, DT = (T1 - T0) / STEPS, RECORD_EVERY = RECORD > 0 ? STEPS / RECORD : 0;
const LEAVES = 4, BASE = 75, H = (T1 - T0) / BASE, SQRT_H = Math.sqrt(H);
const CHUNK = Math.max(1, Math.floor(env.normals.length / (LEAVES * D)));
const ROOT_STD = Math.sqrt(H);
const HALF_STD_0 = Math.sqrt(H / 1) / 2;
const HALF_STD_1 = Math.sqrt(H / 2) / 2;
const bridge = function (z, bases) {
  for (let b = 0; b < bases; b++) {
    const o = b * LEAVES * D;
    for (let j = 0; j < D; j++) {
      const w1 = ROOT_STD * z[o + j];
      const h1 = w1 / 2, a1 = HALF_STD_0 * z[o + 1 * D + j];
      const w2 = h1 + a1, w3 = h1 - a1;
      const h2 = w2 / 2, a2 = HALF_STD_1 * z[o + 2 * D + j];
      const w4 = h2 + a2, w5 = h2 - a2;
      const h3 = w3 / 2, a3 = HALF_STD_1 * z[o + 3 * D + j];
      const w6 = h3 + a3, w7 = h3 - a3;
      z[o + 0 * D + j] = w4;
      z[o + 1 * D + j] = w5;
      z[o + 2 * D + j] = w6;
      z[o + 3 * D + j] = w7;
    }
  }
};
const z = env.normals;
return function run(pStart, pEnd, samples, trajectory, status) {
  for (let p = pStart; p < pEnd; p++) {
    const initNormals = env.initNormals(SEED, p, 1);
    const i_2 = initNormals[0];
    let x0 = 2;
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
        const f0_5 = (0.7 - x0);
        const f0_6 = (1.3 * f0_5);
        const n0 = x0 + DT * (f0_6) + dW0 * (0.4);
        x0 = n0;
        if ((x0 - x0) !== 0) { status[0] = p; status[1] = s; return p; }
        if (RECORD > 0 && (s + 1) % RECORD_EVERY === 0) { if (trajectory !== null) { const o = ((s + 1) / RECORD_EVERY * N + p) * D; trajectory[o + 0] = x0; } }
      }
    }
    samples[p * D + 0] = x0;
  }
  return -1;
};
