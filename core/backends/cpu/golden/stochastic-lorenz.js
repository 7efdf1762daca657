// (prelude.ts)

const D = 3, N = 2000, T0 = 0, T1 = 10, RECORD = 500;
const SEED = 1, BROWNIAN_STREAM = 0;
const STEPS = 10000, DT = (T1 - T0) / STEPS, RECORD_EVERY = RECORD > 0 ? STEPS / RECORD : 0;
const LEAVES = 16, BASE = 625, H = (T1 - T0) / BASE, SQRT_H = Math.sqrt(H);
const CHUNK = Math.max(1, Math.floor(env.normals.length / (LEAVES * D)));
const ROOT_STD = Math.sqrt(H);
const HALF_STD_0 = Math.sqrt(H / 1) / 2;
const HALF_STD_1 = Math.sqrt(H / 2) / 2;
const HALF_STD_2 = Math.sqrt(H / 4) / 2;
const HALF_STD_3 = Math.sqrt(H / 8) / 2;
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
      const h4 = w4 / 2, a4 = HALF_STD_2 * z[o + 4 * D + j];
      const w8 = h4 + a4, w9 = h4 - a4;
      const h5 = w5 / 2, a5 = HALF_STD_2 * z[o + 5 * D + j];
      const w10 = h5 + a5, w11 = h5 - a5;
      const h6 = w6 / 2, a6 = HALF_STD_2 * z[o + 6 * D + j];
      const w12 = h6 + a6, w13 = h6 - a6;
      const h7 = w7 / 2, a7 = HALF_STD_2 * z[o + 7 * D + j];
      const w14 = h7 + a7, w15 = h7 - a7;
      const h8 = w8 / 2, a8 = HALF_STD_3 * z[o + 8 * D + j];
      const w16 = h8 + a8, w17 = h8 - a8;
      const h9 = w9 / 2, a9 = HALF_STD_3 * z[o + 9 * D + j];
      const w18 = h9 + a9, w19 = h9 - a9;
      const h10 = w10 / 2, a10 = HALF_STD_3 * z[o + 10 * D + j];
      const w20 = h10 + a10, w21 = h10 - a10;
      const h11 = w11 / 2, a11 = HALF_STD_3 * z[o + 11 * D + j];
      const w22 = h11 + a11, w23 = h11 - a11;
      const h12 = w12 / 2, a12 = HALF_STD_3 * z[o + 12 * D + j];
      const w24 = h12 + a12, w25 = h12 - a12;
      const h13 = w13 / 2, a13 = HALF_STD_3 * z[o + 13 * D + j];
      const w26 = h13 + a13, w27 = h13 - a13;
      const h14 = w14 / 2, a14 = HALF_STD_3 * z[o + 14 * D + j];
      const w28 = h14 + a14, w29 = h14 - a14;
      const h15 = w15 / 2, a15 = HALF_STD_3 * z[o + 15 * D + j];
      const w30 = h15 + a15, w31 = h15 - a15;
      z[o + 0 * D + j] = w16;
      z[o + 1 * D + j] = w17;
      z[o + 2 * D + j] = w18;
      z[o + 3 * D + j] = w19;
      z[o + 4 * D + j] = w20;
      z[o + 5 * D + j] = w21;
      z[o + 6 * D + j] = w22;
      z[o + 7 * D + j] = w23;
      z[o + 8 * D + j] = w24;
      z[o + 9 * D + j] = w25;
      z[o + 10 * D + j] = w26;
      z[o + 11 * D + j] = w27;
      z[o + 12 * D + j] = w28;
      z[o + 13 * D + j] = w29;
      z[o + 14 * D + j] = w30;
      z[o + 15 * D + j] = w31;
    }
  }
};
const z = env.normals;
return function run(pStart, pEnd, samples, trajectory, status) {
  for (let p = pStart; p < pEnd; p++) {
    const initNormals = env.initNormals(SEED, p, 3);
    const i_2 = initNormals[0];
    const i_3 = (0.1 * i_2);
    const i_4 = (1 + i_3);
    const i_5 = initNormals[1];
    const i_6 = (0.1 * i_5);
    const i_7 = (1 + i_6);
    const i_8 = initNormals[2];
    const i_9 = (0.1 * i_8);
    const i_10 = (1 + i_9);
    let x0 = i_4;
    let x1 = i_7;
    let x2 = i_10;
    if (trajectory !== null) { const o = (0 * N + p) * D; trajectory[o + 0] = x0; trajectory[o + 1] = x1; trajectory[o + 2] = x2; }
    let s = 0;
    for (let b0 = 0; b0 < BASE; b0 += CHUNK) {
      const nb = Math.min(CHUNK, BASE - b0);
      env.fill(SEED, BROWNIAN_STREAM, p, b0, nb, LEAVES, D);
      if (bridge !== null) bridge(z, nb);
      const kEnd = nb * LEAVES;
      for (let k = 0; k < kEnd; k++, s++) {
        const o = k * D;
        const dW0 = z[o + 0];
        const dW1 = z[o + 1];
        const dW2 = z[o + 2];
        const t = T0 + s * DT;
        const f0_6 = (x1 - x0);
        const f0_7 = (10 * f0_6);
        const f0_9 = (28 - x2);
        const f0_10 = (x0 * f0_9);
        const f0_11 = (f0_10 - x1);
        const f0_12 = (x0 * x1);
        const f0_14 = (2.6666666666666665 * x2);
        const f0_15 = (f0_12 - f0_14);
        const n0 = x0 + DT * (f0_7) + dW0 * (0.5);
        const n1 = x1 + DT * (f0_11) + dW1 * (0.5);
        const n2 = x2 + DT * (f0_15) + dW2 * (0.5);
        x0 = n0;
        x1 = n1;
        x2 = n2;
        if ((x0 - x0) + (x1 - x1) + (x2 - x2) !== 0) { status[0] = p; status[1] = s; return p; }
        if (RECORD > 0 && (s + 1) % RECORD_EVERY === 0) { if (trajectory !== null) { const o = ((s + 1) / RECORD_EVERY * N + p) * D; trajectory[o + 0] = x0; trajectory[o + 1] = x1; trajectory[o + 2] = x2; } }
      }
    }
    samples[p * D + 0] = x0;
    samples[p * D + 1] = x1;
    samples[p * D + 2] = x2;
  }
  return -1;
};
