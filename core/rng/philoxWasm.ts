/**
 * Philox4x32-10 normals in a WebAssembly module that this file writes byte by byte.
 *
 * JavaScript has no 32×32→64-bit multiply, so a JS Philox splits every product into 16-bit halves
 * and manages ~10 M counters/s; WebAssembly's `i64.mul` does it in one instruction. Emitting the
 * binary ourselves keeps the repo free of a toolchain and of checked-in blobs.
 *
 * Bit-exactness contract: every normal equals `boxMuller4(philox4x32_10(counter, key))` from
 * `normal.ts`/`philox.ts` bit for bit. That is why the module imports `Math.log`, `Math.cos` and
 * `Math.sin` (V8 calls these well-known imports directly) instead of carrying its own
 * approximations, and why each float64 operation below mirrors the JS formula in the same order.
 */
import { PHILOX_M0, PHILOX_M1, PHILOX_ROUNDS, PHILOX_W0, PHILOX_W1 } from './philox.ts';

// ---------------------------------------------------------------------------------------------
// Binary encoding helpers (WebAssembly core spec, section 5 "Binary Format").
// ---------------------------------------------------------------------------------------------

/** Opcodes and type codes used here, checked against the WebAssembly 1.0 binary format. */
const Op = {
  block: 0x02, loop: 0x03, if: 0x04, end: 0x0b, br: 0x0c, brIf: 0x0d, call: 0x10,
  localGet: 0x20, localSet: 0x21,
  i32Store: 0x36, f64Store: 0x39,
  i32Const: 0x41, i64Const: 0x42, f64Const: 0x44,
  i32Eq: 0x46, i32Ne: 0x47,
  i32Add: 0x6a, i32And: 0x71, i32Xor: 0x73, i32Shl: 0x74, i32ShrU: 0x76,
  i64Mul: 0x7e, i64ShrU: 0x88,
  f64Sqrt: 0x9f, f64Add: 0xa0, f64Mul: 0xa2,
  i32WrapI64: 0xa7, i64ExtendI32U: 0xad, f64ConvertI32U: 0xb8,
} as const;
const I32 = 0x7f;
const I64 = 0x7e;
const F64 = 0x7c;
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
  f64(value: number): this {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setFloat64(0, value, true);
    return this.op(Op.f64Const, ...bytes);
  }
  call(func: number): this {
    return this.op(Op.call, ...uleb(func));
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

/** Function indices: imports come first in the index space. */
const FN_LOG = 0;
const FN_COS = 1;
const FN_SIN = 2;
const FN_FILL = 3;
const FN_RAW = 4;
/** 2^-32 and 2π exactly as `normal.ts` computes them, so constants cannot drift from the JS. */
const TWO_POW_MINUS_32 = 1 / 4294967296;
const TWO_PI = 2 * Math.PI;

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

/** Pushes u(x) = (x + 0.5) · 2^-32 as f64. */
function emitUniform(b: Body, x: number): void {
  b.get(x).op(Op.f64ConvertI32U).f64(0.5).op(Op.f64Add).f64(TWO_POW_MINUS_32).op(Op.f64Mul);
}

/** Sets r = sqrt(-2 · ln u(xr)) and t = 2π · u(xt), the Box–Muller radius and angle. */
function emitPolar(b: Body, xr: number, xt: number, r: number, t: number): void {
  b.f64(-2);
  emitUniform(b, xr);
  b.call(FN_LOG).op(Op.f64Mul, Op.f64Sqrt).set(r);
  b.f64(TWO_PI);
  emitUniform(b, xt);
  b.op(Op.f64Mul).set(t);
}

/** Stores r · trig(t) at ptr + offset. */
function emitStoreNormal(b: Body, ptr: number, r: number, t: number, trig: number, offset: number): void {
  b.get(ptr).get(r).get(t).call(trig).op(Op.f64Mul).store(Op.f64Store, 3, offset);
}

/** `while (i != end) { body; i++ }` with the test at the top, so a zero count does nothing. */
function emitCountedLoop(b: Body, i: number, end: number, body: () => void): void {
  b.op(Op.block, VOID, Op.loop, VOID);
  b.get(i).get(end).op(Op.i32Eq, Op.brIf, 1);
  body();
  b.get(i).i32(1).op(Op.i32Add).set(i).op(Op.br, 0, Op.end, Op.end);
}

/** fill(key0, key1, c0, c1Start, c1Count, c2Count, dims): writes normals from byte 0 (ptr starts at 0). */
function fillBody(): Body {
  const b = new Body(7);
  const [key0, key1, c0, c1Start, c1Count, c2Count, dims] = [0, 1, 2, 3, 4, 5, 6];
  const [blk, blkEnd, n, g, full, rem, ptr] = Array.from({ length: 7 }, () => b.local(I32));
  const x = [b.local(I32), b.local(I32), b.local(I32), b.local(I32)] as const;
  const philox: PhiloxLocals = { x, p0: b.local(I64), p1: b.local(I64), k0: key0, k1: key1 };
  const [r, t] = [b.local(F64), b.local(F64)];

  b.get(dims).i32(2).op(Op.i32ShrU).set(full);
  b.get(dims).i32(3).op(Op.i32And).set(rem);
  b.get(c1Start).set(blk);
  // Wraps to 0 when the range ends at 2^32; the != test in the loop still stops in time.
  b.get(c1Start).get(c1Count).op(Op.i32Add).set(blkEnd);
  const loadCounter = (): void => {
    b.get(c0).set(x[0]).get(blk).set(x[1]).get(n).set(x[2]).get(g).set(x[3]);
    emitPhilox(b, philox);
  };
  emitCountedLoop(b, blk, blkEnd, () => {
    b.i32(0).set(n);
    emitCountedLoop(b, n, c2Count, () => {
      b.i32(0).set(g);
      // Whole blocks of four lanes: no per-lane branching in the hot loop.
      emitCountedLoop(b, g, full, () => {
        loadCounter();
        emitPolar(b, x[0], x[1], r, t);
        emitStoreNormal(b, ptr, r, t, FN_COS, 0);
        emitStoreNormal(b, ptr, r, t, FN_SIN, 8);
        emitPolar(b, x[2], x[3], r, t);
        emitStoreNormal(b, ptr, r, t, FN_COS, 16);
        emitStoreNormal(b, ptr, r, t, FN_SIN, 24);
        b.get(ptr).i32(32).op(Op.i32Add).set(ptr);
      });
      // Tail of 1..3 lanes from counter word g = full; skip the logs and trig nobody reads.
      b.get(rem).op(Op.if, VOID);
      loadCounter();
      emitPolar(b, x[0], x[1], r, t);
      emitStoreNormal(b, ptr, r, t, FN_COS, 0);
      b.get(rem).i32(1).op(Op.i32Ne, Op.if, VOID);
      emitStoreNormal(b, ptr, r, t, FN_SIN, 8);
      b.get(rem).i32(3).op(Op.i32Eq, Op.if, VOID);
      emitPolar(b, x[2], x[3], r, t);
      emitStoreNormal(b, ptr, r, t, FN_COS, 16);
      b.op(Op.end, Op.end);
      b.get(ptr).get(rem).i32(3).op(Op.i32Shl, Op.i32Add).set(ptr);
      b.op(Op.end);
    });
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

let cachedBytes: Uint8Array<ArrayBuffer> | undefined;

/**
 * The module bytes (so worker threads can compile it themselves).
 *
 * Imports `Math.log`, `Math.cos`, `Math.sin` (f64→f64) and `env.memory` (at least one page);
 * exports `fill` and `philoxRaw`. The bytes are deterministic and cached; callers get a copy.
 */
export function normalFillerWasmBytes(): Uint8Array {
  if (cachedBytes === undefined) {
    const funcType = (params: number[], results: number[]): number[] =>
      [0x60, ...vec(params.map((t) => [t])), ...vec(results.map((t) => [t]))];
    const mathImport = (field: string): number[] => [...name('Math'), ...name(field), 0x00, 0];
    // Limits flag 0x00 = minimum only (one page), so JS may hand in a memory of any size.
    const memoryImport = [...name('env'), ...name('memory'), 0x02, 0x00, 1];
    const exportFunc = (field: string, index: number): number[] => [...name(field), 0x00, index];
    const bytes = [
      ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
      // Types: 0 = (f64) -> f64 for the Math imports, 1 = (i32 × 7) -> () for both exports.
      ...section(1, vec([funcType([F64], [F64]), funcType(Array<number>(7).fill(I32), [])])),
      ...section(2, vec([mathImport('log'), mathImport('cos'), mathImport('sin'), memoryImport])),
      ...section(3, vec([[1], [1]])),
      ...section(7, vec([exportFunc('fill', FN_FILL), exportFunc('philoxRaw', FN_RAW)])),
      ...section(10, vec([fillBody().encode(), rawBody().encode()])),
    ];
    cachedBytes = Uint8Array.from(bytes);
  }
  return cachedBytes.slice();
}

// ---------------------------------------------------------------------------------------------
// Instantiation.
// ---------------------------------------------------------------------------------------------

/** The slice of the WebAssembly JS API used here; the repo's `lib` (no DOM) declares no values for it. */
interface WasmJsApi {
  Module: new (bytes: Uint8Array) => WebAssembly.Module;
  Memory: new (descriptor: { initial: number; maximum: number }) => { readonly buffer: ArrayBuffer };
  Instance: new (
    module: WebAssembly.Module,
    imports: Record<string, Record<string, unknown>>,
  ) => { readonly exports: Record<string, unknown> };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmJsApi }).WebAssembly;

type I32x7 = (a: number, b: number, c: number, d: number, e: number, f: number, g: number) => void;

const PAGE_BYTES = 65536;
/** wasm32 addresses at most 2^16 pages; keep one byte short of 4 GiB so `ptr` never wraps. */
const MAX_CAPACITY = Math.floor((65536 * PAGE_BYTES - 1) / 8);
const U32_LIMIT = 4294967296;

let cachedModule: WebAssembly.Module | undefined;

/** Instantiates with a fixed-size memory of at least `bytes` bytes; returns memory and exports. */
function instantiate(bytes: number, module: WebAssembly.Module | undefined) {
  const compiled = module ?? (cachedModule ??= new wasm.Module(normalFillerWasmBytes()));
  const pages = Math.max(1, Math.ceil(bytes / PAGE_BYTES));
  // maximum = initial: memory never grows, so views taken now stay valid forever.
  const memory = new wasm.Memory({ initial: pages, maximum: pages });
  const instance = new wasm.Instance(compiled, {
    Math: { log: Math.log, cos: Math.cos, sin: Math.sin },
    env: { memory },
  });
  const { fill, philoxRaw } = instance.exports;
  if (typeof fill !== 'function' || typeof philoxRaw !== 'function') {
    throw new Error(
      'philoxWasm: the module does not export fill and philoxRaw; compile it from normalFillerWasmBytes().',
    );
  }
  return { memory, fill: fill as I32x7, philoxRaw: philoxRaw as I32x7 };
}

/** Throws unless `value` is an integer in [0, limit). */
function checkU32(value: number, what: string, limit = U32_LIMIT): void {
  if (!Number.isInteger(value) || value < 0 || value >= limit) {
    throw new RangeError(`philoxWasm: ${what} = ${String(value)} must be an integer in [0, ${limit}).`);
  }
}

/** Fills buffers with standard normals from Philox4x32-10 counters [c0, c1, c2, g] in generated WebAssembly. */
export interface NormalFiller {
  /** Capacity in float64 values of `buffer`. */
  readonly capacity: number;
  /** View of the module's memory where results land (re-read after each call is not needed: memory never grows after creation). */
  readonly buffer: Float64Array;
  /**
   * For b in [c1Start, c1Start + c1Count), n in [0, c2Count), j in [0, dims):
   * buffer[((b - c1Start) * c2Count + n) * dims + j] = normal lane (j & 3) of philox([c0, b, n, j >> 2], [key0, key1]).
   * Throws if c1Count*c2Count*dims > capacity.
   */
  fill(key0: number, key1: number, c0: number, c1Start: number, c1Count: number, c2Count: number, dims: number): void;
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
  const { memory, fill } = instantiate(capacity * 8, module);
  const buffer = new Float64Array(memory.buffer, 0, capacity);
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
      // Counter word 3 is j >> 2, so dims is bounded only by memory; capacity checks that below.
      checkU32(dims, 'dims');
      const total = c1Count * c2Count * dims;
      if (total > capacity) {
        throw new RangeError(
          `philoxWasm: fill of ${c1Count} × ${c2Count} × ${dims} = ${total} normals exceeds capacity ${capacity}; ` +
            `create the filler with a larger capacity or fill in smaller c1 ranges.`,
        );
      }
      // Skips the JS-to-wasm call and the idle loops when some count is zero.
      if (total > 0) fill(key0, key1, c0, c1Start, c1Count, c2Count, dims);
    },
  };
}

let rawInstance: ReturnType<typeof instantiate> | undefined;

/**
 * Philox4x32-10 through the module's `philoxRaw` export, for checking the generated rounds
 * against known answers; same contract as `philox4x32_10` in `philox.ts` (without its checks).
 */
export function philox4x32_10Wasm(
  counter: readonly [number, number, number, number],
  key: readonly [number, number],
): Uint32Array {
  rawInstance ??= instantiate(16, undefined);
  rawInstance.philoxRaw(counter[0], counter[1], counter[2], counter[3], key[0], key[1], 0);
  return new Uint32Array(rawInstance.memory.buffer, 0, 4).slice();
}
