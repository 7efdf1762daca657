// (preludeWgsl.ts)

const D: u32 = 3u;
const RECORD: u32 = 500u;
const T0: f32 = 0.0;
const T1: f32 = 10.0;
const INIT_KEY = vec2<u32>(1u, 1u);
const BROWNIAN_KEY = vec2<u32>(1u, 0u);
const STEPS: u32 = 10000u;
const DT: f32 = 0.0010000000474974513;
const RECORD_EVERY: u32 = 20u;
const DEPTH: u32 = 4u;
const SQRT_H: f32 = 0.12649109959602356;
var<private> HALF_STD: array<f32, 4> = array<f32, 4>(0.06324554979801178, 0.04472136124968529, 0.03162277489900589, 0.022360680624842644);

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= chunk.count) { return; }
  let p = chunk.pStart + i;
  let init_n0 = normals4(philox(vec4<u32>(p, 0u, 0u, 0u), INIT_KEY));
  let i_2 = init_n0.x;
  let i_3 = (0.10000000149011612 * i_2);
  let i_4 = (1.0 + i_3);
  let i_5 = init_n0.y;
  let i_6 = (0.10000000149011612 * i_5);
  let i_7 = (1.0 + i_6);
  let i_8 = init_n0.z;
  let i_9 = (0.10000000149011612 * i_8);
  let i_10 = (1.0 + i_9);
  var x0: f32 = i_4;
  var x1: f32 = i_7;
  var x2: f32 = i_10;
  if (RECORD > 0u) { let o = (0u * chunk.count + i) * D; trajectory[o + 0u] = x0; trajectory[o + 1u] = x1; trajectory[o + 2u] = x2; }
  var dW: array<f32, 3>;
  var wpath: array<f32, 15>;
  var zcache: array<f32, 12>;
  for (var s = 0u; s < STEPS; s++) {
    let b = s >> DEPTH;
    let leaf = s & ((1u << DEPTH) - 1u);
    var firstLevel = 0u;
    if (leaf != 0u) { firstLevel = DEPTH - firstLeadingBit(leaf ^ (leaf - 1u)); }
    if (firstLevel == 0u) {
      let zg0 = normals4(philox(vec4<u32>(p, b, 0u, 0u), BROWNIAN_KEY));
      wpath[0u] = SQRT_H * zg0.x;
      wpath[1u] = SQRT_H * zg0.y;
      wpath[2u] = SQRT_H * zg0.z;
      firstLevel = 1u;
    }
    for (var l = firstLevel; l <= DEPTH; l++) {
      let parent = (1u << (l - 1u)) + (leaf >> (DEPTH - l + 1u));
      // A parent kept from the previous leaf already has its normals cached.
      if (l != firstLevel || leaf == 0u) {
        let k0 = parent * D;
        let lane0 = k0 & 3u;
        var zb: array<f32, 8>;
        for (var q = 0u; q < 2u; q++) {
          if (q * 4u >= lane0 + D) { break; }
          let z4 = normals4(philox(vec4<u32>(p, b, (k0 >> 2u) + q, 0u), BROWNIAN_KEY));
          zb[q * 4u] = z4.x; zb[q * 4u + 1u] = z4.y; zb[q * 4u + 2u] = z4.z; zb[q * 4u + 3u] = z4.w;
        }
        zcache[(l - 1u) * D + 0u] = zb[lane0 + 0u];
        zcache[(l - 1u) * D + 1u] = zb[lane0 + 1u];
        zcache[(l - 1u) * D + 2u] = zb[lane0 + 2u];
      }
      let right = ((leaf >> (DEPTH - l)) & 1u) == 1u;
      for (var j = 0u; j < D; j++) {
        let halfW = wpath[(l - 1u) * D + j] / 2.0;
        let a = HALF_STD[l - 1u] * zcache[(l - 1u) * D + j];
        wpath[l * D + j] = select(halfW + a, halfW - a, right);
      }
    }
    for (var j = 0u; j < D; j++) { dW[j] = wpath[DEPTH * D + j]; }
    let t = T0 + f32(s) * DT;
    let f0_6 = (x1 - x0);
    let f0_7 = (10.0 * f0_6);
    let f0_9 = (28.0 - x2);
    let f0_10 = (x0 * f0_9);
    let f0_11 = (f0_10 - x1);
    let f0_12 = (x0 * x1);
    let f0_14 = (2.6666667461395264 * x2);
    let f0_15 = (f0_12 - f0_14);
    let n0 = x0 + DT * (f0_7) + dW[0] * (0.5);
    let n1 = x1 + DT * (f0_11) + dW[1] * (0.5);
    let n2 = x2 + DT * (f0_15) + dW[2] * (0.5);
    x0 = n0;
    x1 = n1;
    x2 = n2;
    if (nonFinite(x0) || nonFinite(x1) || nonFinite(x2)) { atomicMin(&firstFailure[0], p); info[i * 4u] = s; info[i * 4u + 1u] = 0u; return; }
    if (RECORD > 0u && (s + 1u) % RECORD_EVERY == 0u) { if (RECORD > 0u) { let o = (((s + 1u) / RECORD_EVERY) * chunk.count + i) * D; trajectory[o + 0u] = x0; trajectory[o + 1u] = x1; trajectory[o + 2u] = x2; } }
  }
  samples[i * D + 0u] = x0;
  samples[i * D + 1u] = x1;
  samples[i * D + 2u] = x2;
}

