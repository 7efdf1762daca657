/**
 * Fixed WGSL at the top of every GPU kernel: bindings, Philox4x32-10 (the same u32 stream as
 * core/rng/philox.ts), Box–Muller in float32, and helpers. No user text and no IR: a constant.
 *
 * Bindings: 0 chunk (first particle, count), 1 samples [count, D], 2 trajectory [K+1, count, D],
 * 3 firstFailure [1] (atomic min of failing particle ids, 0xffffffff = none), 4 info [count, 4]
 * (per particle: failing step, reason 0 non-finite / 1 max_steps, accepted, rejected steps).
 */
export const WGSL_PRELUDE = String.raw`
struct Chunk { pStart: u32, count: u32, pad0: u32, pad1: u32 }
@group(0) @binding(0) var<uniform> chunk: Chunk;
@group(0) @binding(1) var<storage, read_write> samples: array<f32>;
@group(0) @binding(2) var<storage, read_write> trajectory: array<f32>;
@group(0) @binding(3) var<storage, read_write> firstFailure: array<atomic<u32>>;
@group(0) @binding(4) var<storage, read_write> info: array<u32>;

// (high, low) words of a 32x32-bit product from 16-bit halves (WGSL has no 64-bit integers).
fn mulhilo(a: u32, b: u32) -> vec2<u32> {
  let al = a & 0xffffu; let ah = a >> 16u; let bl = b & 0xffffu; let bh = b >> 16u;
  let ll = al * bl; let hl = ah * bl; let lh = al * bh;
  let mid = (ll >> 16u) + (hl & 0xffffu) + (lh & 0xffffu);
  return vec2<u32>(ah * bh + (hl >> 16u) + (lh >> 16u) + (mid >> 16u), a * b);
}

fn philox(counter: vec4<u32>, key: vec2<u32>) -> vec4<u32> {
  var c = counter;
  var k = key;
  for (var r = 0u; r < 10u; r++) {
    let m0 = mulhilo(0xD2511F53u, c.x);
    let m1 = mulhilo(0xCD9E8D57u, c.z);
    c = vec4<u32>(m1.x ^ c.y ^ k.x, m1.y, m0.x ^ c.w ^ k.y, m0.y);
    k = k + vec2<u32>(0x9E3779B9u, 0xBB67AE85u);
  }
  return c;
}

fn uniformFromU32(x: u32) -> f32 {
  return (f32(x) + 0.5) * 2.3283064365386963e-10;
}

const TWO_POW_MINUS_32: f32 = 2.3283064365386963e-10;

// s + s^3/3 + ... + s^15/15 = atanh(s) within float32 rounding for |s| <= 1/3.
fn atanhSeries(s: f32) -> f32 {
  let z = s * s;
  return s * (1.0 + z * (0.33333333 + z * (0.2 + z * (0.14285714 + z * (0.11111111 + z * (0.09090909 + z * (0.07692308 + z * 0.06666667)))))));
}

// ln u(x) with u(x) = (x + 0.5) 2^-32, within a few float32 ulps. Written out because WGSL's log is
// loosely specified (SwiftShader's is off by ~1e-4) and float32 u loses the digits of 1 - u near 1.
fn logUniform(x: u32) -> f32 {
  if (x >= 0x80000000u) {
    // u >= 1/2: ln u = ln(1 - v) = -2 atanh(v / (2 - v)), v = 1 - u = (~x + 0.5) 2^-32 exactly as words.
    let v = (f32(~x) + 0.5) * TWO_POW_MINUS_32;
    return -2.0 * atanhSeries(v / (2.0 - v));
  }
  // u < 1/2: u = m 2^e with m in [sqrt(1/2), sqrt(2)), so ln u = e ln 2 + 2 atanh((m - 1) / (m + 1)).
  let bits = bitcast<u32>((f32(x) + 0.5) * TWO_POW_MINUS_32);
  var e = f32(i32(bits >> 23u) - 127);
  var m = bitcast<f32>((bits & 0x007fffffu) | 0x3f800000u);
  if (m > 1.4142135) { m = 0.5 * m; e = e + 1.0; }
  return e * 0.6931471805599453 + 2.0 * atanhSeries((m - 1.0) / (m + 1.0));
}

// (cos, sin) of 2 pi u(x). As in core/rng/elementary.ts: the quadrant q = round(4u) mod 4 and the
// offset d = x - q 2^30 are integer operations, the reduced angle lies in [-pi/4, pi/4] (Taylor
// series to float32 precision) and the quadrant rotates the result exactly; WGSL's own sin and cos
// need only be good to 2^-11 and only on [-pi, pi].
fn cosSin2PiUniform(x: u32) -> vec2<f32> {
  let t = x + 0x20000000u;
  let th = (f32(i32(t & 0x3fffffffu) - 0x20000000) + 0.5) * 1.4629180792671596e-9;
  let z = th * th;
  let s = th * (1.0 + z * (-0.16666667 + z * (0.008333334 + z * (-0.0001984127 + z * 2.7557319e-6))));
  let c = 1.0 + z * (-0.5 + z * (0.041666668 + z * (-0.0013888889 + z * (2.4801587e-5 + z * -2.7557319e-7))));
  let q = t >> 30u;
  let r = select(vec2<f32>(c, s), vec2<f32>(-s, c), (q & 1u) == 1u);
  return select(r, -r, (q & 2u) == 2u);
}

// Box–Muller on one Philox output, lanes as in core/rng/normal.ts (float32 here):
// (r0 cos a1, r0 sin a1, r1 cos a3, r1 sin a3) with r0, r1 from words x, z and angles a1, a3 from y, w.
fn normals4(w: vec4<u32>) -> vec4<f32> {
  let r0 = sqrt(-2.0 * logUniform(w.x));
  let r1 = sqrt(-2.0 * logUniform(w.z));
  return vec4<f32>(r0 * cosSin2PiUniform(w.y), r1 * cosSin2PiUniform(w.w));
}

// sin and cos of an expression, within ~1 ulp for |x| <= 65536 (built-ins beyond): WGSL's own need
// only be within 2^-11, and only on [-pi, pi] (SwiftShader's are off by 2e-4), which an ODE would
// integrate into drift away from the CPU backend. Cody–Waite reduction by pi/2 (k · 1.5703125 is
// exact), Cephes sinf/cosf minimax polynomials on [-pi/4, pi/4], then an exact quadrant rotation.
fn sinCosAccurate(x: f32) -> vec2<f32> {
  if (!(abs(x) <= 65536.0)) { return vec2<f32>(sin(x), cos(x)); }
  let k = round(x * 0.63661977);
  let r = ((x - k * 1.5703125) - k * 4.8375129699707031e-4) - k * 7.5497899548918821e-8;
  let z = r * r;
  let s = r + r * z * (-1.6666654611e-1 + z * (8.3321608736e-3 + z * -1.9515295891e-4));
  let c = 1.0 - 0.5 * z + z * z * (4.166664568298827e-2 + z * (-1.388731625493765e-3 + z * 2.443315711809948e-5));
  let q = u32(i32(k) & 3);
  let sc = select(vec2<f32>(s, c), vec2<f32>(c, -s), (q & 1u) == 1u);
  return select(sc, -sc, (q & 2u) == 2u);
}

fn tanAccurate(x: f32) -> f32 {
  let sc = sinCosAccurate(x);
  return sc.x / sc.y;
}

// WGSL's tanh may be computed as sinh / cosh, which is inf / inf = NaN for |x| > ~44 on some
// drivers; float32 tanh is exactly +-1 beyond |x| = 9 anyway.
fn tanhSafe(x: f32) -> f32 {
  return tanh(clamp(x, -9.0, 9.0));
}

// NaN and infinities as runtime values: a constant expression that is not finite is a WGSL error.
var<private> NAN_BITS: u32 = 0x7fc00000u;
var<private> POS_INF_BITS: u32 = 0x7f800000u;
var<private> NEG_INF_BITS: u32 = 0xff800000u;

// Math.pow semantics for a negative base with an integer exponent (WGSL's pow leaves it undefined).
fn spow(a: f32, b: f32) -> f32 {
  if (a >= 0.0) { return pow(a, b); }
  if (fract(b) != 0.0) { return bitcast<f32>(NAN_BITS); }
  let r = pow(-a, b);
  return select(r, -r, fract(b * 0.5) != 0.0);
}

// NaN only (exponent all ones, mantissa not zero), as a bit test for the same reason as nonFinite.
fn isNan(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u;
}

// Exponent bits all ones: NaN or infinite. Compilers may assume NaN never occurs, so no x != x.
fn nonFinite(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7f800000u) == 0x7f800000u;
}
`;
