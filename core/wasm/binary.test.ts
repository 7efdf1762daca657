import { describe, expect, it } from 'vitest';
import { encodeName, f32Bytes, FunctionBuilder, ModuleBuilder, section, sleb, uleb, vec } from './binary.ts';
import { Op, SimdOp, Type, type ValType } from './opcodes.ts';
import { PAGE_BYTES, wasmApi, type WasmJsApi } from './runtime.ts';

const api = wasmApi as WasmJsApi;

/** Instantiates a module with one exported function `f` (and a fresh 1-page memory if asked). */
function instantiate(body: FunctionBuilder, withMemory = false) {
  const builder = new ModuleBuilder();
  const memory = withMemory ? new api.Memory({ initial: 1 }) : undefined;
  if (memory !== undefined) builder.importMemory('env', 'memory', { initial: 1 });
  builder.addFunction('f', body);
  const bytes = builder.encode();
  expect(api.validate(bytes)).toBe(true);
  const instance = new api.Instance(new api.Module(bytes), memory === undefined ? {} : { env: { memory } });
  return { f: instance.exports.f as (...args: number[]) => number, memory };
}

describe('LEB128', () => {
  it('encodes unsigned values (spec examples and boundaries)', () => {
    expect(uleb(0)).toEqual([0]);
    expect(uleb(127)).toEqual([0x7f]);
    expect(uleb(128)).toEqual([0x80, 0x01]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(uleb(0xffffffff)).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
    expect(() => uleb(-1)).toThrow(RangeError);
    expect(() => uleb(2 ** 32)).toThrow(RangeError);
  });

  it('encodes signed values with the shortest sign-extended form', () => {
    expect(sleb(0)).toEqual([0]);
    expect(sleb(63)).toEqual([0x3f]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
    expect(sleb(-1)).toEqual([0x7f]);
    expect(sleb(-64)).toEqual([0x40]);
    expect(sleb(-65)).toEqual([0xbf, 0x7f]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
    expect(sleb(-(2 ** 31))).toEqual([0x80, 0x80, 0x80, 0x80, 0x78]);
    expect(sleb(2n ** 40n)).toEqual([0x80, 0x80, 0x80, 0x80, 0x80, 0x20]);
  });

  it('round-trips through i32.const for values across the range', () => {
    for (const value of [0, 1, -1, 63, 64, -64, -65, 8191, -8192, 2 ** 20 + 3, 2 ** 31 - 1, -(2 ** 31)]) {
      const { f } = instantiate(new FunctionBuilder([], [Type.i32]).i32(value));
      expect(f()).toBe(value);
    }
  });
});

describe('framing', () => {
  it('prefixes vectors with their count and sections with their byte size', () => {
    expect(vec([[1, 2], [3]])).toEqual([2, 1, 2, 3]);
    expect(section(7, [9, 9, 9])).toEqual([7, 3, 9, 9, 9]);
    expect(encodeName('mé')).toEqual([3, 0x6d, 0xc3, 0xa9]);
    expect(f32Bytes(1)).toEqual([0, 0, 0x80, 0x3f]);
  });

  it('deduplicates function types and imports a memory with limits', () => {
    const builder = new ModuleBuilder().importMemory('env', 'memory', { initial: 2, maximum: 4 });
    const add = () => new FunctionBuilder([Type.i32, Type.i32], [Type.i32]).get(0).get(1).op(Op.i32Add);
    builder.addFunction('a', add());
    builder.addFunction('b', add());
    const bytes = builder.encode();
    // Type section: one entry (60, 2 params, 1 result).
    expect(Array.from(bytes.slice(8, 16))).toEqual([1, 7, 1, Type.func, 2, Type.i32, Type.i32, 1]);
    const memory = new api.Memory({ initial: 2, maximum: 4 });
    const exports = new api.Instance(new api.Module(bytes), { env: { memory } }).exports;
    expect((exports.b as (x: number, y: number) => number)(2, 3)).toBe(5);
    expect(memory.buffer.byteLength).toBe(2 * PAGE_BYTES);
  });
});

describe('FunctionBuilder control flow', () => {
  it('computes branch depths from labels: Σ 1..n with a loop inside a block', () => {
    const b = new FunctionBuilder([Type.i32], [Type.i32]);
    const sum = b.local(Type.i32);
    b.block((exit) => b.loop((head) => {
      b.get(0).op(Op.i32Eqz).brIf(exit);
      b.get(sum).get(0).op(Op.i32Add).set(sum);
      b.get(0).i32(1).op(Op.i32Sub).set(0);
      b.br(head);
    }));
    b.get(sum);
    expect(instantiate(b).f(100)).toBe(5050);
  });

  it('runs if/else branches', () => {
    const b = new FunctionBuilder([Type.i32], [Type.i32]);
    const out = b.local(Type.i32);
    b.get(0).ifElse(() => void b.i32(7).set(out), () => void b.i32(9).set(out));
    b.get(out);
    const { f } = instantiate(b);
    expect([f(1), f(0)]).toEqual([7, 9]);
  });

  it('refuses to encode an open block or branch to a closed one', () => {
    const b = new FunctionBuilder([]);
    let stale = { depth: 0 };
    b.block((exit) => void (stale = exit));
    expect(() => b.br(stale)).toThrow(/already ended/);
  });
});

/** Runs a SIMD op on f32 (or i32) lane inputs in memory and returns the four output lanes. */
function simdLanes(op: (b: FunctionBuilder) => void, operands: number, input: 'f32' | 'i32', output: 'f32' | 'i32') {
  const b = new FunctionBuilder([]);
  b.i32(0);
  for (let i = 0; i < operands; i++) b.i32(16 * (i + 1)).v128Load();
  op(b);
  b.v128Store();
  const { f, memory } = instantiate(b, true);
  return (...lanes: number[][]): number[] => {
    const buffer = (memory as { buffer: ArrayBuffer }).buffer;
    lanes.forEach((values, i) => (input === 'f32' ? new Float32Array(buffer) : new Int32Array(buffer)).set(values, 4 * (i + 1)));
    f();
    return Array.from((output === 'f32' ? new Float32Array(buffer) : new Int32Array(buffer)).subarray(0, 4));
  };
}

const A = [1.5, -2.25, 3, -0.5];
const B = [0.25, 4, -3, -8];
const f32 = Math.fround;
const mask = (condition: boolean) => (condition ? -1 : 0);

describe('SIMD opcodes (each number checked by running it)', () => {
  const binaryF32: [number, (x: number, y: number) => number][] = [
    [SimdOp.f32x4Add, (x, y) => f32(x + y)], [SimdOp.f32x4Sub, (x, y) => f32(x - y)],
    [SimdOp.f32x4Mul, (x, y) => f32(x * y)], [SimdOp.f32x4Div, (x, y) => f32(x / y)],
    [SimdOp.f32x4Min, Math.min], [SimdOp.f32x4Max, Math.max],
    [SimdOp.f32x4Pmin, (x, y) => (y < x ? y : x)], [SimdOp.f32x4Pmax, (x, y) => (x < y ? y : x)],
  ];
  it.each(binaryF32)('f32x4 binary op (sub-opcode %d)', (opcode, expected) => {
    expect(simdLanes((b) => void b.simd(opcode), 2, 'f32', 'f32')(A, B)).toEqual(A.map((x, i) => expected(x, B[i])));
  });

  const compareF32: [number, (x: number, y: number) => boolean][] = [
    [SimdOp.f32x4Eq, (x, y) => x === y], [SimdOp.f32x4Ne, (x, y) => x !== y], [SimdOp.f32x4Lt, (x, y) => x < y],
    [SimdOp.f32x4Gt, (x, y) => x > y], [SimdOp.f32x4Le, (x, y) => x <= y], [SimdOp.f32x4Ge, (x, y) => x >= y],
  ];
  it.each(compareF32)('f32x4 comparison (sub-opcode %d)', (opcode, expected) => {
    const x = [1, 2, 3, 4];
    const y = [1, 3, 2, 4];
    expect(simdLanes((b) => void b.simd(opcode), 2, 'f32', 'i32')(x, y)).toEqual(x.map((v, i) => mask(expected(v, y[i]))));
  });

  const unaryF32: [number, (x: number) => number][] = [
    [SimdOp.f32x4Abs, Math.abs], [SimdOp.f32x4Neg, (x) => -x], [SimdOp.f32x4Sqrt, (x) => f32(Math.sqrt(x))],
    [SimdOp.f32x4Ceil, Math.ceil], [SimdOp.f32x4Floor, Math.floor], [SimdOp.f32x4Trunc, Math.trunc],
  ];
  it.each(unaryF32)('f32x4 unary op (sub-opcode %d)', (opcode, expected) => {
    const x = [2.5, -2.5, 0.75, 9];
    const out = simdLanes((b) => void b.simd(opcode), 1, 'f32', 'f32')(x);
    // sqrt of a negative lane is NaN in both.
    expect(out).toEqual(x.map(expected));
  });

  it('f32x4.nearest rounds ties to even', () => {
    expect(simdLanes((b) => void b.simd(SimdOp.f32x4Nearest), 1, 'f32', 'f32')([0.5, 1.5, 2.5, -2.5])).toEqual([0, 2, 2, -2]);
  });

  it('converts between f32 and i32 lanes (saturating, NaN to 0)', () => {
    const toInt = simdLanes((b) => void b.simd(SimdOp.i32x4TruncSatF32x4S), 1, 'f32', 'i32');
    expect(toInt([-2.7, 3.9, 1e10, NaN])).toEqual([-2, 3, 2147483647, 0]);
    const toFloat = simdLanes((b) => void b.simd(SimdOp.f32x4ConvertI32x4S), 1, 'i32', 'f32');
    expect(toFloat([-3, 0, 7, 16777217])).toEqual([-3, 0, 7, 16777216]);
  });

  const binaryI32: [number, (x: number, y: number) => number][] = [
    [SimdOp.i32x4Add, (x, y) => (x + y) | 0], [SimdOp.i32x4Sub, (x, y) => (x - y) | 0], [SimdOp.i32x4Mul, Math.imul],
    [SimdOp.i32x4Eq, (x, y) => mask(x === y)], [SimdOp.i32x4GtS, (x, y) => mask(x > y)],
    [SimdOp.v128And, (x, y) => x & y], [SimdOp.v128AndNot, (x, y) => x & ~y], [SimdOp.v128Or, (x, y) => x | y],
    [SimdOp.v128Xor, (x, y) => x ^ y],
  ];
  it.each(binaryI32)('integer/bitwise op (sub-opcode %d)', (opcode, expected) => {
    const x = [5, -7, 0x7fffffff, 12];
    const y = [3, -7, 1, -12];
    expect(simdLanes((b) => void b.simd(opcode), 2, 'i32', 'i32')(x, y)).toEqual(x.map((v, i) => expected(v, y[i])));
  });

  it('shifts i32 lanes by a scalar count', () => {
    const x = [1, -8, 0x40000000, 3];
    for (const [opcode, expected] of [
      [SimdOp.i32x4Shl, (v: number) => v << 3], [SimdOp.i32x4ShrS, (v: number) => v >> 3], [SimdOp.i32x4ShrU, (v: number) => (v >>> 3) | 0],
    ] as const) {
      expect(simdLanes((b) => void b.i32(3).simd(opcode), 1, 'i32', 'i32')(x)).toEqual(x.map(expected));
    }
  });

  it('v128.not and bitselect', () => {
    expect(simdLanes((b) => void b.simd(SimdOp.v128Not), 1, 'i32', 'i32')([0, -1, 5, 0x0f0f0f0f])).toEqual([-1, 0, ~5, ~0x0f0f0f0f]);
    const select = simdLanes((b) => void b.simd(SimdOp.v128Bitselect), 3, 'i32', 'i32');
    expect(select([1, 2, 3, 4], [10, 20, 30, 40], [-1, 0, -1, 0])).toEqual([1, 20, 3, 40]);
  });

  it('splats, extracts and replaces lanes, and shuffles bytes', () => {
    const splatF = simdLanes((b) => void b.op(Op.drop).f32(2.5).simd(SimdOp.f32x4Splat), 1, 'f32', 'f32');
    expect(splatF([0, 0, 0, 0])).toEqual([2.5, 2.5, 2.5, 2.5]);
    const splatI = simdLanes((b) => void b.op(Op.drop).i32(-9).simd(SimdOp.i32x4Splat), 1, 'i32', 'i32');
    expect(splatI([0, 0, 0, 0])).toEqual([-9, -9, -9, -9]);
    // Lane 2 of x, spread with f32x4.splat after extract; then replace lane 0 by 7.
    const lanes = simdLanes((b) => {
      b.lane(SimdOp.f32x4ExtractLane, 2).simd(SimdOp.f32x4Splat).f32(7).lane(SimdOp.f32x4ReplaceLane, 0);
    }, 1, 'f32', 'f32');
    expect(lanes([1, 2, 3, 4])).toEqual([7, 3, 3, 3]);
    const ints = simdLanes((b) => {
      b.lane(SimdOp.i32x4ExtractLane, 3).simd(SimdOp.i32x4Splat).i32(5).lane(SimdOp.i32x4ReplaceLane, 1);
    }, 1, 'i32', 'i32');
    expect(ints([1, 2, 3, 4])).toEqual([4, 5, 4, 4]);
    // Reverse the four lanes of x.
    const reverse = [12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3];
    const shuffle = simdLanes((b) => void b.simd(SimdOp.i8x16Shuffle).bytes(...reverse), 2, 'i32', 'i32');
    expect(shuffle([1, 2, 3, 4], [5, 6, 7, 8])).toEqual([4, 3, 2, 1]);
  });

  it('f64x2 lanes: splat, promote, add, mul, extract', () => {
    const b = new FunctionBuilder([], [Type.f64]);
    // promote_low([1.5, 2.5, ·, ·]) = [1.5, 2.5]; · [3, 3] + [3, 3] = [7.5, 10.5]; lane0 + lane1·1000.
    const pair = b.local(Type.v128);
    b.i32(16).v128Load().simd(SimdOp.f64x2PromoteLowF32x4).f64(3).simd(SimdOp.f64x2Splat).simd(SimdOp.f64x2Mul);
    b.f64(3).simd(SimdOp.f64x2Splat).simd(SimdOp.f64x2Add).set(pair);
    b.get(pair).lane(SimdOp.f64x2ExtractLane, 0).get(pair).lane(SimdOp.f64x2ExtractLane, 1).f64(1000).op(Op.f64Mul, Op.f64Add);
    b.get(pair).get(pair).simd(SimdOp.f64x2Sub).lane(SimdOp.f64x2ExtractLane, 0).op(Op.f64Add);
    const { f, memory } = instantiate(b, true);
    new Float32Array((memory as { buffer: ArrayBuffer }).buffer).set([1.5, 2.5, 9, 9], 4);
    expect(f()).toBe(7.5 + 10.5 * 1000);
  });

  it('load32_splat, load64_splat, store32_lane, memory.fill and memory.copy', () => {
    const b = new FunctionBuilder([]);
    b.i32(0).i32(16).load32Splat(4).v128Store(); // floats 0..3 = float 5
    b.i32(32).i32(16).simdMem(SimdOp.load64Splat, 3, 0).v128Store(); // floats 8..11 = floats 4, 5, 4, 5
    b.i32(48).i32(16).v128Load().store32Lane(3, 4); // float 13 = float 7
    b.i32(64).i32(0x3f).i32(4).memoryFill(); // bytes 64..67 = 0x3f
    b.i32(80).i32(16).i32(16).memoryCopy(); // floats 20..23 = floats 4..7
    const { f, memory } = instantiate(b, true);
    const view = new Float32Array((memory as { buffer: ArrayBuffer }).buffer);
    view.set([1, 2, 3, 4], 4);
    f();
    expect(Array.from(view.subarray(0, 4))).toEqual([2, 2, 2, 2]);
    expect(Array.from(view.subarray(8, 12))).toEqual([1, 2, 1, 2]);
    expect([view[12], view[13], view[14]]).toEqual([0, 4, 0]);
    expect(new Uint8Array(view.buffer, 64, 5)).toEqual(Uint8Array.of(0x3f, 0x3f, 0x3f, 0x3f, 0));
    expect(Array.from(view.subarray(20, 24))).toEqual([1, 2, 3, 4]);
  });

  it('hoists splat constants into one local per value', () => {
    const b = new FunctionBuilder([]);
    expect(b.splat(1.5)).toBe(b.splat(1.5));
    expect(b.splat(0)).not.toBe(b.splat(-0));
    expect(b.splatI32(3)).not.toBe(b.splat(3));
  });
});

describe('core opcodes', () => {
  const i32Binary: [number, (x: number, y: number) => number][] = [
    [Op.i32Add, (x, y) => (x + y) | 0], [Op.i32Sub, (x, y) => (x - y) | 0], [Op.i32Mul, Math.imul],
    [Op.i32DivU, (x, y) => ((x >>> 0) / (y >>> 0)) | 0], [Op.i32And, (x, y) => x & y], [Op.i32Or, (x, y) => x | y],
    [Op.i32Xor, (x, y) => x ^ y], [Op.i32Shl, (x, y) => x << y], [Op.i32ShrS, (x, y) => x >> y], [Op.i32ShrU, (x, y) => (x >>> y) | 0],
    [Op.i32Eq, (x, y) => +(x === y)], [Op.i32Ne, (x, y) => +(x !== y)], [Op.i32LtS, (x, y) => +(x < y)],
    [Op.i32LtU, (x, y) => +(x >>> 0 < y >>> 0)], [Op.i32GtS, (x, y) => +(x > y)], [Op.i32GtU, (x, y) => +(x >>> 0 > y >>> 0)],
    [Op.i32LeS, (x, y) => +(x <= y)], [Op.i32LeU, (x, y) => +(x >>> 0 <= y >>> 0)], [Op.i32GeS, (x, y) => +(x >= y)],
    [Op.i32GeU, (x, y) => +(x >>> 0 >= y >>> 0)],
  ];
  it.each(i32Binary)('i32 op (opcode %d)', (opcode, expected) => {
    const { f } = instantiate(new FunctionBuilder([Type.i32, Type.i32], [Type.i32]).get(0).get(1).op(opcode));
    for (const [x, y] of [[7, 3], [-9, 2], [3, -1], [5, 5]]) expect(f(x, y)).toBe(expected(x, y));
  });

  const f32Ops: [number, ValType, (x: number, y: number) => number][] = [
    [Op.f32Add, Type.f32, (x, y) => f32(x + y)], [Op.f32Sub, Type.f32, (x, y) => f32(x - y)],
    [Op.f32Mul, Type.f32, (x, y) => f32(x * y)], [Op.f32Div, Type.f32, (x, y) => f32(x / y)],
    [Op.f32Min, Type.f32, Math.min], [Op.f32Max, Type.f32, Math.max],
    [Op.f32Lt, Type.i32, (x, y) => +(x < y)], [Op.f32Gt, Type.i32, (x, y) => +(x > y)], [Op.f32Eq, Type.i32, (x, y) => +(x === y)],
  ];
  it.each(f32Ops)('f32 op (opcode %d)', (opcode, result, expected) => {
    const { f } = instantiate(new FunctionBuilder([Type.f32, Type.f32], [result]).get(0).get(1).op(opcode));
    for (const [x, y] of [[1.5, 0.25], [-3, 7], [2, 2]]) expect(f(x, y)).toBe(expected(x, y));
  });

  it('f32/f64 conversions, f32 loads and stores, select, tee, i64.const', () => {
    const b = new FunctionBuilder([Type.f32, Type.i32], [Type.f64]);
    const scratch = b.local(Type.f32);
    b.i64(5n).op(Op.drop);
    b.i32(8).get(0).op(Op.f32Neg).tee(scratch).f32Store();
    b.i32(8).f32Load().op(Op.f64PromoteF32).f64(0.5).op(Op.f64Add);
    b.f64(100).f64(200).get(1).op(Op.select).op(Op.f64Add);
    const { f } = instantiate(b, true);
    expect(f(2.5, 1)).toBe(-2.5 + 0.5 + 100);
    expect(f(2.5, 0)).toBe(-2.5 + 0.5 + 200);
  });
});
