// (preludeWgsl.ts)

const D: u32 = 1u;
const RECORD: u32 = 30u;
const T0: f32 = 0.0;
const T1: f32 = 1.5;
const INIT_KEY = vec2<u32>(7u, 1u);
const BROWNIAN_KEY = vec2<u32>(7u, 0u);
const STEPS: u32 = 300u;
const DT: f32 = 0.004999999888241291;
const RECORD_EVERY: u32 = 10u;
const DEPTH: u32 = 2u;
const SQRT_H: f32 = 0.1414213627576828;
var<private> HALF_STD: array<f32, 2> = array<f32, 2>(0.0707106813788414, 0.05000000074505806);

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= chunk.count) { return; }
  let p = chunk.pStart + i;
  let init_n0 = normals4(philox(vec4<u32>(p, 0u, 0u, 0u), INIT_KEY));
  let i_2 = init_n0.x;
  var x0: f32 = 2.0;
  if (RECORD > 0u) { let o = (0u * chunk.count + i) * D; trajectory[o + 0u] = x0; }
  var dW: array<f32, 1>;
  var wpath: array<f32, 3>;
  var zcache: array<f32, 2>;
  for (var s = 0u; s < STEPS; s++) {
    let b = s >> DEPTH;
    let leaf = s & ((1u << DEPTH) - 1u);
    var firstLevel = 0u;
    if (leaf != 0u) { firstLevel = DEPTH - firstLeadingBit(leaf ^ (leaf - 1u)); }
    if (firstLevel == 0u) {
      let zg0 = normals4(philox(vec4<u32>(p, b, 0u, 0u), BROWNIAN_KEY));
      wpath[0u] = SQRT_H * zg0.x;
      firstLevel = 1u;
    }
    for (var l = firstLevel; l <= DEPTH; l++) {
      let parent = (1u << (l - 1u)) + (leaf >> (DEPTH - l + 1u));
      // A parent kept from the previous leaf already has its normals cached.
      if (l != firstLevel || leaf == 0u) {
        let k0 = parent * D;
        let lane0 = k0 & 3u;
        var zb: array<f32, 4>;
        for (var q = 0u; q < 1u; q++) {
          if (q * 4u >= lane0 + D) { break; }
          let z4 = normals4(philox(vec4<u32>(p, b, (k0 >> 2u) + q, 0u), BROWNIAN_KEY));
          zb[q * 4u] = z4.x; zb[q * 4u + 1u] = z4.y; zb[q * 4u + 2u] = z4.z; zb[q * 4u + 3u] = z4.w;
        }
        zcache[(l - 1u) * D + 0u] = zb[lane0 + 0u];
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
    let f0_5 = (0.699999988079071 - x0);
    let f0_6 = (1.2999999523162842 * f0_5);
    let n0 = x0 + DT * (f0_6) + dW[0] * (0.4000000059604645);
    x0 = n0;
    if (nonFinite(x0)) { atomicMin(&firstFailure[0], p); info[i * 4u] = s; info[i * 4u + 1u] = 0u; return; }
    if (RECORD > 0u && (s + 1u) % RECORD_EVERY == 0u) { if (RECORD > 0u) { let o = (((s + 1u) / RECORD_EVERY) * chunk.count + i) * D; trajectory[o + 0u] = x0; } }
  }
  samples[i * D + 0u] = x0;
}

