/**
 * Philox4x32-10 normals in a WebAssembly module that this file writes byte by byte.
 *
 * JavaScript has no 32×32→64-bit multiply, so a JS Philox splits every product into 16-bit halves
 * and manages ~10 M counters/s; WebAssembly's `i64.mul` does it in one instruction. Emitting the
 * binary ourselves keeps the repo free of a toolchain and of checked-in blobs.
 *
 * Bit-exactness contract: every normal equals `boxMuller4(philox4x32_10(counter, key))` from
 * `normal.ts`/`philox.ts` bit for bit. The logarithm, sine and cosine are the deterministic ones of
 * `elementary.ts`, emitted inline: each float64 operation below mirrors that file's formulas with
 * the same operands in the same order (IEEE + − × ÷ and sqrt round identically in JS and
 * WebAssembly, and neither fuses multiply-adds), so the module needs no imports from JavaScript.
 *
 * Two variants with identical output: 'simd' transforms both Box–Muller pairs of a block with
 * f64x2 arithmetic, software-pipelined against the (scalar, integer-unit) Philox of the next
 * block; 'scalar' needs only WebAssembly 1.0 for engines without SIMD. Memory layout: bytes
 * [0, CONST_BYTES) hold the float constants (a data segment), results follow.
 */
import { ELEMENTARY } from './elementary.ts';
import { PHILOX_M0, PHILOX_M1, PHILOX_ROUNDS, PHILOX_W0, PHILOX_W1 } from './philox.ts';

// ---------------------------------------------------------------------------------------------
// Binary encoding helpers (WebAssembly core spec, section 5 "Binary Format").
// ---------------------------------------------------------------------------------------------

/** Opcodes and type codes used here, checked against the WebAssembly 1.0 binary format. */
const Op = {
  block: 0x02, loop: 0x03, if: 0x04, else: 0x05, end: 0x0b, br: 0x0c, brIf: 0x0d, select: 0x1b,
  localGet: 0x20, localSet: 0x21,
  i32Load: 0x28, f64Load: 0x2b, i32Store: 0x36, f64Store: 0x39,
  i32Const: 0x41, i64Const: 0x42,
  i32Eqz: 0x45, i32Eq: 0x46, i32GeU: 0x4f, f64Ge: 0x66,
  i32Clz: 0x67, i32Add: 0x6a, i32Sub: 0x6b, i32Mul: 0x6c, i32And: 0x71, i32Xor: 0x73, i32Shl: 0x74, i32ShrU: 0x76,
  i64Mul: 0x7e, i64Shl: 0x86, i64ShrU: 0x88,
  f64Sqrt: 0x9f, f64Add: 0xa0, f64Sub: 0xa1, f64Mul: 0xa2, f64Div: 0xa3,
  i32WrapI64: 0xa7, i64ExtendI32U: 0xad, f64ConvertI32S: 0xb7, f64ConvertI32U: 0xb8, f64ReinterpretI64: 0xbf,
} as const;
const I32 = 0x7f;
const I64 = 0x7e;
const F64 = 0x7c;
const V128 = 0x7b;

/** SIMD sub-opcodes (fixed-width SIMD, WebAssembly 2.0), each encoded after the 0xfd prefix. */
const Simd = {
  load32Splat: 0x09, load64Splat: 0x0a, store: 0x0b, shuffle: 0x0d, i32x4Splat: 0x11, i32x4ReplaceLane: 0x1c,
  f64x2Ge: 0x4c, and: 0x4e, or: 0x50, store64Lane: 0x5b,
  i32x4Shl: 0xab, i32x4ShrU: 0xad, i32x4Add: 0xae, i32x4Sub: 0xb1, i32x4Mul: 0xb5,
  i64x2ShrU: 0xcd, i64x2Add: 0xce, i64x2Sub: 0xd1,
  f64x2Sqrt: 0xef, f64x2Add: 0xf0, f64x2Sub: 0xf1, f64x2Mul: 0xf2, f64x2Div: 0xf3,
  f64x2ConvertLowI32x4S: 0xfe, f64x2ConvertLowI32x4U: 0xff,
} as const;

/** The bytes of a SIMD instruction: prefix 0xfd, then the sub-opcode as unsigned LEB128. */
function simd(subOpcode: number): number[] {
  return [0xfd, ...uleb(subOpcode)];
}

/** Block type of a block/loop/if that takes and leaves nothing on the stack. */
const VOID = 0x40;

/** Unsigned LEB128 of a u32 (indices, counts, sizes, memarg fields). */
function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    const byte = v & 0x7f;
    v >>>= 7;
    out.push(v === 0 ? byte : byte | 0x80);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 of any integer; `i64.const` of the Philox multipliers needs 33 significant bits. */
function sleb(value: bigint): number[] {
  const out: number[] = [];
  let v = value;
  for (;;) {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    // Stop once the remaining bits are pure sign extension of the byte's bit 6.
    const done = (v === 0n && (byte & 0x40) === 0) || (v === -1n && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

/** Length-prefixed vector of already-encoded items. */
function vec(items: readonly (readonly number[])[]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

/** UTF-8 name as a byte vector (import/export names). */
function name(text: string): number[] {
  return vec(Array.from(new TextEncoder().encode(text), (b) => [b]));
}

/** A section: id byte, then its size-prefixed content. */
function section(id: number, content: readonly number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

/** Appends instructions to one function body; `local()` declares the non-parameter locals in order. */
class Body {
  readonly bytes: number[] = [];
  private readonly localTypes: number[] = [];

  constructor(private readonly paramCount: number) {}

  /** Declares a local of `type` and returns its index. */
  local(type: number): number {
    this.localTypes.push(type);
    return this.paramCount + this.localTypes.length - 1;
  }
  op(...bytes: number[]): this {
    this.bytes.push(...bytes);
    return this;
  }
  get(index: number): this {
    return this.op(Op.localGet, ...uleb(index));
  }
  set(index: number): this {
    return this.op(Op.localSet, ...uleb(index));
  }
  i32(value: number): this {
    return this.op(Op.i32Const, ...sleb(BigInt(value | 0)));
  }
  i64(value: bigint): this {
    return this.op(Op.i64Const, ...sleb(value));
  }
  /** Store with natural alignment (log2 of the access size) at a constant byte offset. */
  store(opcode: number, alignLog2: number, offset: number): this {
    return this.op(opcode, ...uleb(alignLog2), ...uleb(offset));
  }
  /** The `code` entry: size-prefixed local declarations (run-length grouped) plus the body. */
  encode(): number[] {
    const groups: number[][] = [];
    for (const type of this.localTypes) {
      const last = groups[groups.length - 1];
      if (last !== undefined && last[1] === type) last[0]++;
      else groups.push([1, type]);
    }
    const func = [...vec(groups.map(([count, type]) => [...uleb(count), type])), ...this.bytes, Op.end];
    return [...uleb(func.length), ...func];
  }
}

// ---------------------------------------------------------------------------------------------
// Module layout.
// ---------------------------------------------------------------------------------------------

/** Function indices (the module imports no functions, so its own start at 0). */
const FN_FILL = 0;
const FN_RAW = 1;

/** Locals holding the Philox state (x0..x3 in/out), the two products and the round key base. */
interface PhiloxLocals {
  x: readonly [number, number, number, number];
  p0: number;
  p1: number;
  k0: number;
  k1: number;
}

/** Ten unrolled Philox rounds on x0..x3 in place; round keys are k + r·W folded into constants. */
function emitPhilox(b: Body, { x, p0, p1, k0, k1 }: PhiloxLocals): void {
  const [x0, x1, x2, x3] = x;
  for (let round = 0; round < PHILOX_ROUNDS; round++) {
    b.get(x0).op(Op.i64ExtendI32U).i64(BigInt(PHILOX_M0)).op(Op.i64Mul).set(p0);
    b.get(x2).op(Op.i64ExtendI32U).i64(BigInt(PHILOX_M1)).op(Op.i64Mul).set(p1);
    // x0 and x2 are dead once multiplied, so the new words overwrite them before x1/x3 change.
    for (const [dst, prod, other, key, weyl] of [
      [x0, p1, x1, k0, PHILOX_W0],
      [x2, p0, x3, k1, PHILOX_W1],
    ] as const) {
      b.get(prod).i64(32n).op(Op.i64ShrU, Op.i32WrapI64).get(other).op(Op.i32Xor).get(key);
      if (round > 0) b.i32(Math.imul(round, weyl)).op(Op.i32Add);
      b.op(Op.i32Xor).set(dst);
    }
    b.get(p1).op(Op.i32WrapI64).set(x1);
    b.get(p0).op(Op.i32WrapI64).set(x3);
  }
}

// ---------------------------------------------------------------------------------------------
// Box–Muller transform: the formulas of `elementary.ts`, as scalar f64 or as f64x2 (two pairs).
//
// The float64 steps are written once, as expression trees shaped exactly like the JavaScript
// (JS `a + b + c` is add(add(a, b), c)), over `Lanes` = scalar or two-lane SIMD arithmetic;
// WebAssembly's f64x2 operations round each lane exactly like the scalar ones. Only the exact
// integer steps (exponent, quadrant) are written per variant.
// ---------------------------------------------------------------------------------------------

/** Code that pushes one value. */
type Expr = (b: Body) => void;
const get = (local: number): Expr => (b) => void b.get(local);
const int = (value: number): Expr => (b) => void b.i32(value);
const binary = (...opcode: number[]) => (x: Expr, y: Expr): Expr => (b) => {
  x(b);
  y(b);
  b.op(...opcode);
};
const unary = (...opcode: number[]) => (x: Expr): Expr => (b) => {
  x(b);
  b.op(...opcode);
};
/** `cond ? whenTrue : whenFalse` (integers here; both sides are evaluated). */
const select = (whenTrue: Expr, whenFalse: Expr, cond: Expr): Expr => (b) => {
  whenTrue(b);
  whenFalse(b);
  cond(b);
  b.op(Op.select);
};
/** Evaluates `value` into a new local of `type` and returns the local. */
function bind(b: Body, type: number, value: Expr): number {
  const local = b.local(type);
  value(b);
  b.set(local);
  return local;
}

/** Float arithmetic on one f64 or on both lanes of an f64x2. */
interface Lanes {
  /** Type of the locals holding values: f64 or v128. */
  readonly type: number;
  num(value: number): Expr;
  add(x: Expr, y: Expr): Expr;
  sub(x: Expr, y: Expr): Expr;
  mul(x: Expr, y: Expr): Expr;
  div(x: Expr, y: Expr): Expr;
  sqrt(x: Expr): Expr;
}

/** Bytes [0, CONST_BYTES) of memory hold the constant table; results start right after. */
const CONST_BYTES = 512;

/**
 * The float and vector-integer constants, as a table that a data segment writes to memory bytes
 * [0, CONST_BYTES) at instantiation. Code loads them (one load, or one load-and-splat for SIMD)
 * instead of using `f64.const`/`v128.const`, which V8 materialises through a general register in
 * two or three instructions at every use: the transform reads ~30 constants per pass (~10% faster).
 */
class ConstPool {
  readonly bytes: number[] = [];
  private readonly offsets = new Map<bigint, number>();

  /** Byte offset of an 8-byte slot holding `bits` (little-endian), shared between equal values. */
  slot(bits: bigint): number {
    let offset = this.offsets.get(bits);
    if (offset === undefined) {
      offset = this.bytes.length;
      if (offset + 8 > CONST_BYTES) throw new Error('philoxWasm: the constant table outgrew CONST_BYTES.');
      for (let shift = 0n; shift < 64n; shift += 8n) this.bytes.push(Number((bits >> shift) & 0xffn));
      this.offsets.set(bits, offset);
    }
    return offset;
  }
  f64(value: number): number {
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, value, true);
    return this.slot(view.getBigUint64(0, true));
  }
}

/** Code that loads the table entry at `offset` with the (possibly SIMD) load `opcode`. */
function loadConst(opcode: readonly number[], alignLog2: number, offset: number): Expr {
  return (b) => void b.i32(0).op(...opcode, alignLog2, ...uleb(offset));
}

/** Scalar f64 arithmetic. */
function scalarLanes(pool: ConstPool): Lanes {
  return {
    type: F64,
    num: (value) => loadConst([Op.f64Load], 3, pool.f64(value)),
    add: binary(Op.f64Add),
    sub: binary(Op.f64Sub),
    mul: binary(Op.f64Mul),
    div: binary(Op.f64Div),
    sqrt: unary(Op.f64Sqrt),
  };
}

/** f64x2 arithmetic: the same operation on both lanes. */
function vectorLanes(pool: ConstPool): Lanes {
  return {
    type: V128,
    num: (value) => loadConst(simd(Simd.load64Splat), 3, pool.f64(value)),
    add: binary(...simd(Simd.f64x2Add)),
    sub: binary(...simd(Simd.f64x2Sub)),
    mul: binary(...simd(Simd.f64x2Mul)),
    div: binary(...simd(Simd.f64x2Div)),
    sqrt: unary(...simd(Simd.f64x2Sqrt)),
  };
}

/** Reduced arguments of one Box–Muller pair (or two), as `elementary.ts` derives them. */
interface Reduced {
  /** m with 2·xr + 1 = m · 2^k, m ∈ [√½, √2). */
  m: number;
  /** k − 33. */
  dk: number;
  /** The odd integer a with reduced angle a · π · 2^-32. */
  a: number;
  /** cos and sin of the quadrant angle qπ/2, each 0 or ±1. */
  cq: number;
  sq: number;
}

/**
 * The float64 part of `logUniform`, `sinCos2PiUniform` and `boxMullerWords` (elementary.ts),
 * statement for statement; leaves the two normals r·cos θ and r·sin θ in the returned locals.
 */
function emitTransform(b: Body, L: Lanes, { m, dk, a, cq, sq }: Reduced): { zc: number; zs: number } {
  const E = ELEMENTARY;
  const { num, add, sub, mul, div } = L;
  const let_ = (value: Expr): number => bind(b, L.type, value);
  /** c[0] + x·(c[1] + x·(c[2] + …)), the JS's nested form. */
  const horner = (x: number, [first, ...rest]: readonly number[]): Expr =>
    rest.length === 0 ? num(first) : add(num(first), mul(get(x), horner(x, rest)));

  // logUniform
  const f = let_(sub(get(m), num(1)));
  const hfsq = let_(mul(mul(num(0.5), get(f)), get(f)));
  const s = let_(div(get(f), add(num(2), get(f))));
  const z = let_(mul(get(s), get(s)));
  const w = let_(mul(get(z), get(z)));
  const t1 = mul(get(w), horner(w, [E.LG2, E.LG4, E.LG6]));
  const t2 = mul(get(z), horner(w, [E.LG1, E.LG3, E.LG5, E.LG7]));
  const r = add(t2, t1);
  // s * (hfsq + r) + dk * LN2_LO - hfsq + f + dk * LN2_HI, left to right.
  const sum = add(mul(get(s), add(get(hfsq), r)), mul(get(dk), num(E.LN2_LO)));
  const log = let_(add(add(sub(sum, get(hfsq)), get(f)), mul(get(dk), num(E.LN2_HI))));

  // sinCosCore
  const hi = let_(mul(get(a), num(E.PI_HI)));
  const lo = let_(mul(get(a), num(E.PI_LO)));
  const th = let_(add(get(hi), get(lo)));
  const tl = let_(sub(get(lo), sub(get(th), get(hi))));
  const zz = let_(mul(get(th), get(th)));
  const ww = let_(mul(get(zz), get(zz)));
  const rs = add(horner(zz, [E.S2, E.S3, E.S4]), mul(mul(get(zz), get(ww)), horner(zz, [E.S5, E.S6])));
  const v = let_(mul(get(zz), get(th)));
  // th - ((z * (0.5 * tl - v * rs) - tl) - v * S1)
  const inner = sub(mul(num(0.5), get(tl)), mul(get(v), rs));
  const sr = let_(sub(get(th), sub(sub(mul(get(zz), inner), get(tl)), mul(get(v), num(E.S1)))));
  const rcLow = mul(get(zz), horner(zz, [E.C1, E.C2, E.C3]));
  const rc = add(rcLow, mul(mul(get(ww), get(ww)), horner(zz, [E.C4, E.C5, E.C6])));
  const hz = let_(mul(num(0.5), get(zz)));
  const w1 = let_(sub(num(1), get(hz)));
  // w1 + (((1 - w1) - hz) + (z * rc - th * tl))
  const cr = let_(add(get(w1), add(sub(sub(num(1), get(w1)), get(hz)), sub(mul(get(zz), rc), mul(get(th), get(tl))))));
  const sin = let_(add(mul(get(sr), get(cq)), mul(get(cr), get(sq))));
  const cos = let_(sub(mul(get(cr), get(cq)), mul(get(sr), get(sq))));

  // boxMullerWords
  const radius = let_(L.sqrt(mul(num(-2), get(log))));
  return { zc: let_(mul(get(radius), get(cos))), zs: let_(mul(get(radius), get(sin))) };
}

const iadd = binary(Op.i32Add);
const isub = binary(Op.i32Sub);
const iand = binary(Op.i32And);

/**
 * Scalar integer steps for words xr, xa (i32 locals). They compute the same values as the JS
 * without its tables: 2^-k comes from exponent bits, and k's extra step from the float test
 * m1 ≥ SQRT2 that the JS decides by a precomputed integer threshold.
 */
function emitReduceScalar(b: Body, L: Lanes, xr: number, xa: number): Reduced {
  const f64 = (value: Expr): number => bind(b, F64, value);
  const i32 = (value: Expr): number => bind(b, I32, value);
  const signed = unary(Op.f64ConvertI32S);
  /** 2^-k for an i32 0 ≤ k ≤ 33. */
  const pow2neg = (k: Expr): Expr => (bb) => {
    isub(int(1023), k)(bb);
    bb.op(Op.i64ExtendI32U).i64(52n).op(Op.i64Shl, Op.f64ReinterpretI64);
  };
  const { num, add, mul } = L;
  const e = i32(isub(int(32), unary(Op.i32Clz)(get(xr))));
  const v = f64(add(mul(num(2), unary(Op.f64ConvertI32U)(get(xr))), num(1)));
  const k = i32(iadd(get(e), binary(Op.f64Ge)(mul(get(v), pow2neg(get(e))), num(ELEMENTARY.SQRT2))));
  const m = f64(mul(get(v), pow2neg(get(k))));
  const dk = f64(signed(isub(get(k), int(33))));
  // t = x + 2^29 wraps mod 2^32 in i32 exactly like `>>> 0` in the JS.
  const t = i32(iadd(get(xa), int(0x20000000)));
  const q = i32(binary(Op.i32ShrU)(get(t), int(30)));
  const a = f64(signed(isub(binary(Op.i32Shl)(iand(get(t), int(0x3fffffff)), int(1)), int(0x3fffffff))));
  const sgn = i32(isub(int(1), iand(get(q), int(2))));
  const sqInt = i32(binary(Op.i32Mul)(iand(get(q), int(1)), get(sgn)));
  return { m, dk, a, sq: f64(signed(get(sqInt))), cq: f64(signed(isub(get(sgn), get(sqInt)))) };
}

/**
 * The same integer steps on two pairs at once: lanes 0 and 1 of the i32x4 locals `xr` and `xa`
 * hold the words. Without a vector clz, k comes from the exponent field of 2x + 1 (exact in f64).
 */
function emitReduceVector(b: Body, L: Lanes, pool: ConstPool, xr: number, xa: number): Reduced {
  const v128 = (value: Expr): number => bind(b, V128, value);
  const op = (code: number) => binary(...simd(code));
  const i32s = (value: number): Expr => loadConst(simd(Simd.load32Splat), 2, pool.slot(BigInt(value)));
  const i64s = (value: bigint): Expr => loadConst(simd(Simd.load64Splat), 3, pool.slot(value));
  const [and, or] = [op(Simd.and), op(Simd.or)];
  const [i32add, i32sub, i32mul] = [op(Simd.i32x4Add), op(Simd.i32x4Sub), op(Simd.i32x4Mul)];
  const [i64add, i64sub] = [op(Simd.i64x2Add), op(Simd.i64x2Sub)];
  const signed = unary(...simd(Simd.f64x2ConvertLowI32x4S));
  const { num, add, sub, mul } = L;
  const v = v128(add(mul(num(2), unary(...simd(Simd.f64x2ConvertLowI32x4U))(get(xr))), num(1)));
  // m1 = v · 2^-e: v's mantissa under the exponent of 1.0. `big` is all ones where m1 ≥ SQRT2.
  const m1 = v128(or(and(get(v), i64s(0xfffffffffffffn)), i64s(0x3ff0000000000000n)));
  const big = v128(binary(...simd(Simd.f64x2Ge))(get(m1), num(ELEMENTARY.SQRT2)));
  const m = v128(i64sub(get(m1), and(get(big), i64s(1n << 52n))));
  // Biased exponent 1023 + e, plus 1 where big (big = -1), as the integer part of 2^52 + n,
  // minus 2^52 + 1056: exactly k - 33.
  const biased = i64sub(binary(...simd(Simd.i64x2ShrU))(get(v), int(52)), get(big));
  const dk = v128(sub(i64add(biased, i64s(0x4330000000000000n)), num(2 ** 52 + 1056)));
  const t = v128(i32add(get(xa), i32s(0x20000000)));
  const q = v128(binary(...simd(Simd.i32x4ShrU))(get(t), int(30)));
  const ai = i32sub(binary(...simd(Simd.i32x4Shl))(and(get(t), i32s(0x3fffffff)), int(1)), i32s(0x3fffffff));
  const a = v128(signed(ai));
  const sgn = v128(i32sub(i32s(1), and(get(q), i32s(2))));
  const sqInt = v128(i32mul(and(get(q), i32s(1)), get(sgn)));
  return { m, dk, a, sq: v128(signed(get(sqInt))), cq: v128(signed(i32sub(get(sgn), get(sqInt)))) };
}

/** Stores the value of `value` (f64 or v128 per `opcode`) at ptr + offset, 8-byte aligned. */
function emitStore(b: Body, opcode: readonly number[], ptr: number, value: Expr, offset: number, lane?: number): void {
  b.get(ptr);
  value(b);
  b.op(...opcode, 3, ...uleb(offset));
  if (lane !== undefined) b.op(lane);
}
const F64_STORE = [Op.f64Store];
const V128_STORE = simd(Simd.store);
const V128_STORE_LANE = simd(Simd.store64Lane);

/** `while (i != end) { body; i++ }` with the test at the top, so a zero count does nothing. */
function emitCountedLoop(b: Body, i: number, end: number, body: () => void): void {
  b.op(Op.block, VOID, Op.loop, VOID);
  b.get(i).get(end).op(Op.i32Eq, Op.brIf, 1);
  body();
  b.get(i).i32(1).op(Op.i32Add).set(i).op(Op.br, 0, Op.end, Op.end);
}

/** Shuffle pattern taking float64 lane `lane` of each operand: [x[lane], y[lane]]. */
function pairLanes(lane: number): number[] {
  const bytes = (first: number): number[] => Array.from({ length: 8 }, (_, i) => first + i);
  return [...bytes(8 * lane), ...bytes(16 + 8 * lane)];
}

// fill(key0, key1, c0, c1Start, c1Count, perRow, c2, row, words) writes c1Count rows of perRow
// normals each, contiguously from byte CONST_BYTES on. Block g of row b is Philox counter
// [c0, b, g, 0] (row = 0, the flat Brownian layout of `NormalFiller.fill`) or [c0, b, c2, g]
// (row = 1, the `normalsAt` layout of `NormalFiller.fillRow`); normal i of a row is lane i & 3 of
// block i >> 2, so only a row's last block can be partly used. words = 0 draws each block from
// Philox; otherwise every block takes its four words from memory at `words`, a test hook that pins
// the transform on chosen words (0, 2^32 − 1, the thresholds of the ln reduction) that Philox
// output would practically never hit. Both variants emit the transform once, keeping the module small.

/** Number of parameters of the emitted fill. */
const FILL_PARAMS = 9;

/** The shared start of both fill bodies: parameters, counter and Philox locals, block loader. */
function fillPrologue(b: Body) {
  const [key0, key1, c0, c1Start, c1Count, perRow, c2, row, words] = Array.from({ length: FILL_PARAMS }, (_, i) => i);
  // blk = row (counter word 1), j = index of the next normal within the row, ptr = output byte.
  const [blk, j, ptr] = Array.from({ length: 3 }, () => b.local(I32));
  const x = [b.local(I32), b.local(I32), b.local(I32), b.local(I32)] as const;
  const philox: PhiloxLocals = { x, p0: b.local(I64), p1: b.local(I64), k0: key0, k1: key1 };
  /** x0..x3 = words of the counter of block j >> 2 of row blk (or the test words). */
  const loadBlock = (): void => {
    const g = binary(Op.i32ShrU)(get(j), int(2));
    b.get(words).op(Op.if, VOID);
    x.forEach((word, i) => b.get(words).op(Op.i32Load, 2, ...uleb(4 * i)).set(word));
    b.op(Op.else);
    b.get(c0).set(x[0]).get(blk).set(x[1]);
    select(get(c2), g, get(row))(b);
    b.set(x[2]);
    select(g, int(0), get(row))(b);
    b.set(x[3]);
    emitPhilox(b, philox);
    b.op(Op.end);
  };
  const advance = (bytes: Expr): void => {
    b.get(ptr);
    bytes(b);
    b.op(Op.i32Add).set(ptr);
  };
  b.i32(CONST_BYTES).set(ptr);
  b.get(c1Start).set(blk);
  return { c1Start, c1Count, perRow, blk, j, ptr, x, loadBlock, advance };
}

/**
 * SIMD fill: one block (two Box–Muller pairs) per pass, software-pipelined. Pass i draws block i
 * from Philox and transforms block i − 1, whose words are ready, so the Philox rounds (integer
 * units) and the transform (vector units) of neighbouring blocks overlap instead of forming one
 * long dependency chain per block; the first pass only draws and the last draw is unused. The
 * blocks run flat in output order (rows, then j = 4·block), which the pipeline needs.
 */
function fillBodyVector(pool: ConstPool): Body {
  const b = new Body(FILL_PARAMS);
  const { c1Count, perRow, blk, j, ptr, x, loadBlock, advance } = fillPrologue(b);
  const [left, rem, remNext, started] = Array.from({ length: 4 }, () => b.local(I32));
  // Blocks to transform: c1Count · ceil(perRow / 4) (the JS bounds it by the capacity).
  b.get(c1Count).get(perRow).i32(3).op(Op.i32Add).i32(2).op(Op.i32ShrU, Op.i32Mul).set(left);
  b.op(Op.loop, VOID);
  // The previous block's words (radius x0, x2; angle x1, x3 in lanes 0, 1) and lane count.
  const lanes = (first: number, second: number): Expr => (bb) =>
    void bb.get(first).op(...simd(Simd.i32x4Splat)).get(second).op(...simd(Simd.i32x4ReplaceLane), 1);
  const xr = bind(b, V128, lanes(x[0], x[2]));
  const xa = bind(b, V128, lanes(x[1], x[3]));
  b.get(remNext).set(rem);
  // Draw the block at the counter, then step the counter: j by 4 within the row, then the row.
  loadBlock();
  b.get(perRow).get(j).op(Op.i32Sub).set(remNext);
  b.get(j).i32(4).op(Op.i32Add).set(j);
  b.get(j).get(perRow).op(Op.i32GeU, Op.if, VOID);
  b.i32(0).set(j).get(blk).i32(1).op(Op.i32Add).set(blk);
  b.op(Op.end);
  b.get(started).op(Op.if, VOID);
  const L = vectorLanes(pool);
  const { zc, zs } = emitTransform(b, L, emitReduceVector(b, L, pool, xr, xa));
  // zc = [z0, z2], zs = [z1, z3]; memory wants z0 z1 z2 z3.
  const shuffle = (lane: number): Expr => (bb) =>
    void bb.get(zc).get(zs).op(...simd(Simd.shuffle), ...pairLanes(lane));
  // Exactly one store branch runs per block: V8 copies pure computations into each branch that
  // uses them, so two consecutive branches reading zc would compute the transform twice.
  const cases: [number, () => void][] = [
    [4, () => {
      emitStore(b, V128_STORE, ptr, shuffle(0), 0);
      emitStore(b, V128_STORE, ptr, shuffle(1), 16);
    }],
    [3, () => {
      emitStore(b, V128_STORE, ptr, shuffle(0), 0);
      emitStore(b, V128_STORE_LANE, ptr, get(zc), 16, 1);
    }],
    [2, () => emitStore(b, V128_STORE, ptr, shuffle(0), 0)],
  ];
  // if rem >= 4 … else if rem == 3 … else if rem == 2 … else (rem == 1) z0 alone.
  for (const [count, store] of cases) {
    b.get(rem).i32(count).op(count === 4 ? Op.i32GeU : Op.i32Eq, Op.if, VOID);
    store();
    b.op(Op.else);
  }
  emitStore(b, V128_STORE_LANE, ptr, get(zc), 0, 0);
  b.op(Op.end, Op.end, Op.end);
  // A full block advances 32 bytes (rem >= 4 means 4 lanes), the last one of a row 8 · rem.
  advance(binary(Op.i32Shl)(select(int(4), get(rem), binary(Op.i32GeU)(get(rem), int(4))), int(3)));
  b.get(left).i32(1).op(Op.i32Sub).set(left);
  b.op(Op.end);
  b.i32(1).set(started);
  // Loop while blocks remain to transform (the pass that transforms the last one ends it).
  b.get(left).op(Op.brIf, 0, Op.end);
  return b;
}

/**
 * Scalar fill: one Box–Muller pair per pass (normals j, j + 1 of the row, lanes of block j >> 2),
 * nested over rows and j. The only branches follow the row length, so they predict well; a row
 * that ends on a lone cosine lane skips the sine's store.
 */
function fillBodyScalar(pool: ConstPool): Body {
  const b = new Body(FILL_PARAMS);
  const { c1Start, c1Count, perRow, blk, j, ptr, x, loadBlock, advance } = fillPrologue(b);
  const blkEnd = b.local(I32);
  // Wraps to 0 when the range ends at 2^32; the != test in the loop still stops in time.
  b.get(c1Start).get(c1Count).op(Op.i32Add).set(blkEnd);
  emitCountedLoop(b, blk, blkEnd, () => {
    b.i32(0).set(j);
    b.op(Op.block, VOID, Op.loop, VOID);
    b.get(j).get(perRow).op(Op.i32GeU, Op.brIf, 1);
    b.get(j).i32(3).op(Op.i32And, Op.i32Eqz, Op.if, VOID);
    loadBlock();
    b.op(Op.else);
    // Second pair of the block: its words become the first pair's.
    b.get(x[2]).set(x[0]).get(x[3]).set(x[1]);
    b.op(Op.end);
    const L = scalarLanes(pool);
    const { zc, zs } = emitTransform(b, L, emitReduceScalar(b, L, x[0], x[1]));
    emitStore(b, F64_STORE, ptr, get(zc), 0);
    // An odd row length ends on a lone cosine lane: store it and stop before the sine.
    b.get(j).i32(1).op(Op.i32Add).get(perRow).op(Op.i32Eq, Op.if, VOID);
    advance(int(8));
    b.op(Op.br, 2, Op.end);
    emitStore(b, F64_STORE, ptr, get(zs), 8);
    advance(int(16));
    b.get(j).i32(2).op(Op.i32Add).set(j).op(Op.br, 0, Op.end, Op.end);
  });
  return b;
}

/** philoxRaw(c0, c1, c2, c3, k0, k1, outPtr): the four raw u32 words, for known-answer tests. */
function rawBody(): Body {
  const b = new Body(7);
  const philox: PhiloxLocals = { x: [0, 1, 2, 3], p0: b.local(I64), p1: b.local(I64), k0: 4, k1: 5 };
  emitPhilox(b, philox);
  philox.x.forEach((word, i) => b.get(6).get(word).store(Op.i32Store, 2, 4 * i));
  return b;
}

/** Which arithmetic `normalFillerWasmBytes` emits; see there. */
export type NormalFillerVariant = 'auto' | 'simd' | 'scalar';

const cachedBytes = new Map<'simd' | 'scalar', Uint8Array<ArrayBuffer>>();

/** Builds (once) the module of one variant. */
function moduleBytes(variant: 'simd' | 'scalar'): Uint8Array<ArrayBuffer> {
  let bytes = cachedBytes.get(variant);
  if (bytes === undefined) {
    const vector = variant === 'simd';
    const pool = new ConstPool();
    const funcType = (params: number[], results: number[]): number[] =>
      [0x60, ...vec(params.map((t) => [t])), ...vec(results.map((t) => [t]))];
    // Limits flag 0x00 = minimum only (one page), so JS may hand in a memory of any size.
    const memoryImport = [...name('env'), ...name('memory'), 0x02, 0x00, 1];
    const exportFunc = (field: string, index: number): number[] => [...name(field), 0x00, index];
    bytes = Uint8Array.from([
      ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
      // Types: 0 = (i32 × 9) -> () for fill, 1 = (i32 × 7) -> () for philoxRaw.
      ...section(1, vec([funcType(Array<number>(FILL_PARAMS).fill(I32), []), funcType(Array<number>(7).fill(I32), [])])),
      ...section(2, vec([memoryImport])),
      ...section(3, vec([[0], [1]])),
      ...section(7, vec([exportFunc('fill', FN_FILL), exportFunc('philoxRaw', FN_RAW)])),
      ...section(10, vec([(vector ? fillBodyVector(pool) : fillBodyScalar(pool)).encode(), rawBody().encode()])),
      // One active data segment: memory 0 at offset 0 gets the constant table.
      ...section(11, vec([[0x00, Op.i32Const, 0, Op.end, ...vec(pool.bytes.map((byte) => [byte]))]])),
    ]);
    cachedBytes.set(variant, bytes);
  }
  return bytes;
}

let simdSupported: boolean | undefined;

/**
 * The module bytes (so worker threads can compile it themselves).
 *
 * Imports only `env.memory` (at least one page); exports `fill` and `philoxRaw`.
 * `'simd'` (fixed-width SIMD, in every current engine) transforms two Box–Muller pairs per
 * instruction; `'scalar'` needs only WebAssembly 1.0; `'auto'` (default) takes SIMD where this
 * engine validates it. All variants produce the same bits. The bytes are deterministic and cached;
 * callers get a copy.
 */
export function normalFillerWasmBytes(variant: NormalFillerVariant = 'auto'): Uint8Array {
  if (variant === 'auto') {
    simdSupported ??= wasm.validate(moduleBytes('simd'));
    return moduleBytes(simdSupported ? 'simd' : 'scalar').slice();
  }
  return moduleBytes(variant).slice();
}

// ---------------------------------------------------------------------------------------------
// Instantiation.
// ---------------------------------------------------------------------------------------------

/** The slice of the WebAssembly JS API used here; the repo's `lib` (no DOM) declares no values for it. */
interface WasmJsApi {
  Module: new (bytes: Uint8Array) => WebAssembly.Module;
  validate(bytes: Uint8Array): boolean;
  Memory: new (descriptor: { initial: number; maximum: number }) => { readonly buffer: ArrayBuffer };
  Instance: new (
    module: WebAssembly.Module,
    imports: Record<string, Record<string, unknown>>,
  ) => { readonly exports: Record<string, unknown> };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmJsApi }).WebAssembly;

type I32x7 = (a: number, b: number, c: number, d: number, e: number, f: number, g: number) => void;
type I32x9 = (a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number, i: number) => void;

const PAGE_BYTES = 65536;
/** wasm32 addresses at most 2^16 pages; keep one byte short of 4 GiB so `ptr` never wraps. */
const MAX_CAPACITY = Math.floor((65536 * PAGE_BYTES - 1 - CONST_BYTES) / 8);
const U32_LIMIT = 4294967296;

let cachedModule: WebAssembly.Module | undefined;

/** Instantiates with a fixed-size memory of at least `bytes` bytes; returns memory and exports. */
function instantiate(bytes: number, module: WebAssembly.Module | undefined) {
  const compiled = module ?? (cachedModule ??= new wasm.Module(normalFillerWasmBytes()));
  const pages = Math.max(1, Math.ceil(bytes / PAGE_BYTES));
  // maximum = initial: memory never grows, so views taken now stay valid forever.
  const memory = new wasm.Memory({ initial: pages, maximum: pages });
  const instance = new wasm.Instance(compiled, { env: { memory } });
  const { fill, philoxRaw } = instance.exports;
  if (typeof fill !== 'function' || typeof philoxRaw !== 'function') {
    throw new Error(
      'philoxWasm: the module does not export fill and philoxRaw; compile it from normalFillerWasmBytes().',
    );
  }
  return { memory, fill: fill as I32x9, philoxRaw: philoxRaw as I32x7 };
}

/** Throws unless `value` is an integer in [0, limit). */
function checkU32(value: number, what: string, limit = U32_LIMIT): void {
  if (!Number.isInteger(value) || value < 0 || value >= limit) {
    throw new RangeError(`philoxWasm: ${what} = ${String(value)} must be an integer in [0, ${limit}).`);
  }
}

/** Fills buffers with standard normals (`boxMuller4` of Philox4x32-10 blocks) in generated WebAssembly. */
export interface NormalFiller {
  /** Capacity in float64 values of `buffer`. */
  readonly capacity: number;
  /** View of the module's memory where results land (re-read after each call is not needed: memory never grows after creation). */
  readonly buffer: Float64Array;
  /**
   * The flat Brownian layout (`brownianNormals` in streams.ts): for b in [c1Start, c1Start + c1Count),
   * n in [0, c2Count), j in [0, dims), with k = n * dims + j,
   * buffer[((b - c1Start) * c2Count + n) * dims + j] = normal lane (k & 3) of philox([c0, b, k >> 2, 0], [key0, key1]).
   * So each b gets the first c2Count * dims draws of its flat sequence, contiguously; only the
   * last Philox block of each b can be partly used.
   * Throws if c1Count*c2Count*dims > capacity.
   */
  fill(key0: number, key1: number, c0: number, c1Start: number, c1Count: number, c2Count: number, dims: number): void;
  /**
   * The `normalsAt` layout (streams.ts), e.g. for the init stream: for k in [0, count),
   * buffer[k] = normal lane (k & 3) of philox([c0, c1, c2, k >> 2], [key0, key1]).
   * Throws if count > capacity.
   */
  fillRow(key0: number, key1: number, c0: number, c1: number, c2: number, count: number): void;
}

/**
 * Instantiates the module synchronously with a memory big enough for `capacity` float64 values.
 *
 * @param module a module compiled from `normalFillerWasmBytes()`, e.g. received by a worker;
 *   omitted, the bytes are compiled once per thread and reused.
 * @throws RangeError if `capacity` is not an integer in [0, ~2^29]
 */
export function createNormalFiller(capacity: number, module?: WebAssembly.Module): NormalFiller {
  checkU32(capacity, 'capacity', MAX_CAPACITY + 1);
  const { memory, fill } = instantiate(CONST_BYTES + capacity * 8, module);
  const buffer = new Float64Array(memory.buffer, CONST_BYTES, capacity);
  return {
    capacity,
    buffer,
    fill(key0, key1, c0, c1Start, c1Count, c2Count, dims) {
      checkU32(key0, 'key0');
      checkU32(key1, 'key1');
      checkU32(c0, 'c0');
      checkU32(c1Start, 'c1Start');
      checkU32(c1Count, 'c1Count', U32_LIMIT - c1Start + 1);
      checkU32(c2Count, 'c2Count');
      // Counter word 2 is k >> 2, so dims is bounded only by memory; capacity checks that below.
      checkU32(dims, 'dims');
      const total = c1Count * c2Count * dims;
      if (total > capacity) {
        throw new RangeError(
          `philoxWasm: fill of ${c1Count} × ${c2Count} × ${dims} = ${total} normals exceeds capacity ${capacity}; ` +
            `create the filler with a larger capacity or fill in smaller c1 ranges.`,
        );
      }
      // Skips the JS-to-wasm call and the idle loops when some count is zero; otherwise
      // c2Count * dims <= total <= capacity, so the row length fits an i32.
      if (total > 0) fill(key0, key1, c0, c1Start, c1Count, c2Count * dims, 0, 0, 0);
    },
    fillRow(key0, key1, c0, c1, c2, count) {
      for (const [value, what] of [[key0, 'key0'], [key1, 'key1'], [c0, 'c0'], [c1, 'c1'], [c2, 'c2']] as const) {
        checkU32(value, what);
      }
      checkU32(count, 'count');
      if (count > capacity) {
        throw new RangeError(`philoxWasm: fillRow of ${count} normals exceeds capacity ${capacity}.`);
      }
      if (count > 0) fill(key0, key1, c0, c1, 1, count, c2, 1, 0);
    },
  };
}

/** Memory of the test instances: table, four normals, four words. */
const RAW_BYTES = CONST_BYTES + 48;
let rawInstance: ReturnType<typeof instantiate> | undefined;
/** `boxMuller4Wasm` instances of caller-given modules. */
const testInstances = new WeakMap<WebAssembly.Module, ReturnType<typeof instantiate>>();

/** A small instance of `module` (default: the cached one) for the test helpers, made once per module. */
function testInstance(module: WebAssembly.Module | undefined): ReturnType<typeof instantiate> {
  if (module === undefined) return (rawInstance ??= instantiate(RAW_BYTES, undefined));
  let instance = testInstances.get(module);
  if (instance === undefined) testInstances.set(module, (instance = instantiate(RAW_BYTES, module)));
  return instance;
}

/**
 * Philox4x32-10 through the module's `philoxRaw` export, for checking the generated rounds
 * against known answers; same contract as `philox4x32_10` in `philox.ts` (without its checks).
 */
export function philox4x32_10Wasm(
  counter: readonly [number, number, number, number],
  key: readonly [number, number],
): Uint32Array {
  const instance = testInstance(undefined);
  instance.philoxRaw(counter[0], counter[1], counter[2], counter[3], key[0], key[1], CONST_BYTES);
  return new Uint32Array(instance.memory.buffer, CONST_BYTES, 4).slice();
}

/**
 * The module's transform on four chosen words: `boxMuller4(words)` computed by `fill` in its
 * test mode, for checking the generated ln/sin/cos bit for bit where Philox output would not go.
 *
 * @param words four u32 words (not checked)
 * @param module a module compiled from `normalFillerWasmBytes(variant)`; omitted, the default one
 */
export function boxMuller4Wasm(
  words: readonly [number, number, number, number],
  module?: WebAssembly.Module,
): [number, number, number, number] {
  const instance = testInstance(module);
  // Normals at CONST_BYTES + [0, 32), the words right after.
  new Uint32Array(instance.memory.buffer, CONST_BYTES + 32, 4).set(words);
  instance.fill(0, 0, 0, 0, 1, 4, 0, 0, CONST_BYTES + 32);
  const [z0, z1, z2, z3] = new Float64Array(instance.memory.buffer, CONST_BYTES, 4);
  return [z0, z1, z2, z3];
}
