/**
 * A small WebAssembly binary encoder: LEB128, section and vector framing, function types, an
 * instruction builder for the opcodes in `opcodes.ts`, and a module builder that imports one
 * memory and exports functions.
 *
 * We emit modules byte by byte so the repo needs no toolchain and carries no binary blobs
 * (see `core/rng/philoxWasm.ts` for the first such module). Everything here follows the
 * WebAssembly 2.0 binary format (spec chapter 5) with the fixed-width SIMD instructions.
 *
 * @example
 * const f = new FunctionBuilder([Type.i32, Type.i32], [Type.i32]);
 * f.get(0).get(1).op(Op.i32Add);
 * const bytes = new ModuleBuilder().addFunction('add', f).encode();
 */
import { BulkOp, ExternalKind, Op, Section, SimdOp, Type, type ValType } from './opcodes.ts';

/** Unsigned LEB128 of an integer in [0, 2^32) (indices, counts, sizes, memarg fields). */
export function uleb(value: number): number[] {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new RangeError(`uleb: ${value} is not an integer in [0, 2^32).`);
  }
  const out: number[] = [];
  let v = value;
  do {
    const byte = v % 128;
    v = Math.floor(v / 128);
    out.push(v === 0 ? byte : byte | 0x80);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 of any integer (i32.const takes values in [-2^31, 2^31), i64.const wider). */
export function sleb(value: number | bigint): number[] {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) {
    throw new RangeError(`sleb: ${value} is not a safe integer; pass a bigint.`);
  }
  let v = BigInt(value);
  const out: number[] = [];
  for (;;) {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    // Done once the rest is pure sign extension of the byte's bit 6.
    const done = (v === 0n && (byte & 0x40) === 0) || (v === -1n && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

/** The 4 little-endian bytes of a float32 (for f32.const). */
export function f32Bytes(value: number): number[] {
  return Array.from(new Uint8Array(Float32Array.of(value).buffer));
}

/** The 8 little-endian bytes of a float64 (for f64.const). */
export function f64Bytes(value: number): number[] {
  return Array.from(new Uint8Array(Float64Array.of(value).buffer));
}

/** A length-prefixed vector of already-encoded items. */
export function vec(items: readonly (readonly number[])[]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

/** A UTF-8 name as a byte vector (import and export names). */
export function encodeName(text: string): number[] {
  const bytes = new TextEncoder().encode(text);
  return [...uleb(bytes.length), ...bytes];
}

/** A section: its id byte, then its size-prefixed content. */
export function section(id: number, content: readonly number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

/** A function type `params -> results` as it appears in the type section. */
export function funcType(params: readonly ValType[], results: readonly ValType[]): number[] {
  return [Type.func, ...uleb(params.length), ...params, ...uleb(results.length), ...results];
}

/** A branch target made by `block`/`loop`; `br(label)` works out the relative depth. */
export interface Label {
  /** Nesting depth of the construct (1 for the outermost block of the body). */
  readonly depth: number;
}

/**
 * Appends the instructions of one function body. Methods return `this` so code reads like the
 * text format: `f.get(x).get(y).simd(SimdOp.f32x4Add).set(z)`. Structured control flow takes
 * callbacks, so blocks always close and branch depths are computed, never hand-counted.
 */
export class FunctionBuilder {
  private readonly code: number[] = [];
  /** Code run before the body: hoisted vector constants (see `splat`). */
  private readonly prologue: number[] = [];
  private readonly localTypes: ValType[] = [];
  private readonly constLocals = new Map<string, number>();
  private depth = 0;

  constructor(
    readonly params: readonly ValType[],
    readonly results: readonly ValType[] = [],
  ) {}

  /** Declares a local of `type` and returns its index. */
  local(type: ValType): number {
    this.localTypes.push(type);
    return this.params.length + this.localTypes.length - 1;
  }

  /** Appends raw bytes. */
  bytes(...bytes: number[]): this {
    for (const byte of bytes) this.code.push(byte);
    return this;
  }
  /** A core instruction without immediates, e.g. `op(Op.i32Add)`. */
  op(...opcodes: number[]): this {
    return this.bytes(...opcodes);
  }
  /** A SIMD instruction without immediates, e.g. `simd(SimdOp.f32x4Mul)`. */
  simd(subOpcode: number): this {
    return this.bytes(0xfd, ...uleb(subOpcode));
  }

  get(index: number): this {
    return this.bytes(Op.localGet, ...uleb(index));
  }
  set(index: number): this {
    return this.bytes(Op.localSet, ...uleb(index));
  }
  tee(index: number): this {
    return this.bytes(Op.localTee, ...uleb(index));
  }
  i32(value: number): this {
    return this.bytes(Op.i32Const, ...sleb(value | 0));
  }
  i64(value: bigint): this {
    return this.bytes(Op.i64Const, ...sleb(value));
  }
  f32(value: number): this {
    return this.bytes(Op.f32Const, ...f32Bytes(value));
  }
  f64(value: number): this {
    return this.bytes(Op.f64Const, ...f64Bytes(value));
  }

  /** A core load or store with alignment hint 2^alignLog2 and a constant byte offset. */
  mem(opcode: number, alignLog2: number, offset = 0): this {
    return this.bytes(opcode, ...uleb(alignLog2), ...uleb(offset));
  }
  /** A SIMD load or store (`SimdOp.v128Load`, `load32Splat`, `v128Store`, …) with a memarg. */
  simdMem(subOpcode: number, alignLog2: number, offset = 0): this {
    return this.simd(subOpcode).bytes(...uleb(alignLog2), ...uleb(offset));
  }
  v128Load(offset = 0): this {
    return this.simdMem(SimdOp.v128Load, 4, offset);
  }
  v128Store(offset = 0): this {
    return this.simdMem(SimdOp.v128Store, 4, offset);
  }
  /** Loads one f32 and replicates it into all four lanes. */
  load32Splat(offset = 0): this {
    return this.simdMem(SimdOp.load32Splat, 2, offset);
  }
  /** Stores lane `lane` of a v128 as 4 bytes. */
  store32Lane(lane: number, offset = 0): this {
    return this.simdMem(SimdOp.store32Lane, 2, offset).bytes(lane);
  }
  f32Load(offset = 0): this {
    return this.mem(Op.f32Load, 2, offset);
  }
  f32Store(offset = 0): this {
    return this.mem(Op.f32Store, 2, offset);
  }
  /** `extract_lane`/`replace_lane` style instruction with its lane byte. */
  lane(subOpcode: number, lane: number): this {
    return this.simd(subOpcode).bytes(lane);
  }
  /** memory.fill on memory 0: [dest, byte value, length] -> []. */
  memoryFill(): this {
    return this.bytes(0xfc, ...uleb(BulkOp.memoryFill), 0x00);
  }
  /** memory.copy within memory 0: [dest, src, length] -> []. */
  memoryCopy(): this {
    return this.bytes(0xfc, ...uleb(BulkOp.memoryCopy), 0x00, 0x00);
  }

  /**
   * A v128 local holding `f32x4.splat(value)`, set once in the function's prologue and shared by
   * every use: V8 rebuilds a `v128.const` through general registers at each use, a local stays
   * in a register or one stack slot.
   */
  splat(value: number): number {
    return this.hoisted(`f32:${Object.is(value, -0) ? '-0' : value}`, () => [Op.f32Const, ...f32Bytes(value), 0xfd, ...uleb(SimdOp.f32x4Splat)]);
  }
  /** A v128 local holding `i32x4.splat(value)`, hoisted like `splat`. */
  splatI32(value: number): number {
    return this.hoisted(`i32:${value | 0}`, () => [Op.i32Const, ...sleb(value | 0), 0xfd, ...uleb(SimdOp.i32x4Splat)]);
  }
  private hoisted(key: string, init: () => number[]): number {
    let index = this.constLocals.get(key);
    if (index === undefined) {
      index = this.local(Type.v128);
      this.prologue.push(...init(), Op.localSet, ...uleb(index));
      this.constLocals.set(key, index);
    }
    return index;
  }

  /** `block … end`; `body` gets the label that `br` exits through. */
  block(body: (exit: Label) => void): this {
    return this.structured(Op.block, body);
  }
  /** `loop … end`; `body` gets the label that `br` jumps back to (the loop head). */
  loop(body: (head: Label) => void): this {
    return this.structured(Op.loop, body);
  }
  /** `if … else … end` on the i32 on the stack. */
  ifElse(then: () => void, otherwise?: () => void): this {
    this.bytes(Op.if, Type.void);
    this.depth++;
    then();
    if (otherwise !== undefined) {
      this.bytes(Op.else);
      otherwise();
    }
    this.depth--;
    return this.bytes(Op.end);
  }
  private structured(opcode: number, body: (label: Label) => void): this {
    this.bytes(opcode, Type.void);
    this.depth++;
    body({ depth: this.depth });
    this.depth--;
    return this.bytes(Op.end);
  }
  br(label: Label): this {
    return this.bytes(Op.br, ...uleb(this.relative(label)));
  }
  brIf(label: Label): this {
    return this.bytes(Op.brIf, ...uleb(this.relative(label)));
  }
  private relative(label: Label): number {
    if (label.depth > this.depth) throw new Error('FunctionBuilder: branch to a label whose block has already ended.');
    return this.depth - label.depth;
  }

  /** The code-section entry: size-prefixed, run-length grouped locals, prologue, body, end. */
  encode(): number[] {
    if (this.depth !== 0) throw new Error('FunctionBuilder: encode() inside an open block.');
    const groups: [number, ValType][] = [];
    for (const type of this.localTypes) {
      const last = groups[groups.length - 1];
      if (last !== undefined && last[1] === type) last[0]++;
      else groups.push([1, type]);
    }
    const body = [
      ...vec(groups.map(([count, type]) => [...uleb(count), type])),
      ...this.prologue,
      ...this.code,
      Op.end,
    ];
    return [...uleb(body.length), ...body];
  }
}

/** Limits of an imported memory, in 64 KiB pages. */
export interface MemoryLimits {
  initial: number;
  maximum?: number;
}

/**
 * Assembles a module from functions: types are deduplicated, named functions are exported,
 * and at most one memory is imported (as `module.field`).
 */
export class ModuleBuilder {
  private readonly types: number[][] = [];
  private readonly typeKeys = new Map<string, number>();
  private readonly functions: { type: number; body: FunctionBuilder }[] = [];
  private readonly exports: number[][] = [];
  private memoryImport: number[] | undefined;

  /** Imports the module's only memory; `maximum` omitted means the importer decides. */
  importMemory(module: string, field: string, limits: MemoryLimits): this {
    const { initial, maximum } = limits;
    const limitBytes = maximum === undefined ? [0x00, ...uleb(initial)] : [0x01, ...uleb(initial), ...uleb(maximum)];
    this.memoryImport = [...encodeName(module), ...encodeName(field), ExternalKind.memory, ...limitBytes];
    return this;
  }

  /** Adds a function (exported under `exportName` unless undefined) and returns its index. */
  addFunction(exportName: string | undefined, body: FunctionBuilder): number {
    const signature = funcType(body.params, body.results);
    const key = signature.join(',');
    let type = this.typeKeys.get(key);
    if (type === undefined) {
      type = this.types.length;
      this.types.push(signature);
      this.typeKeys.set(key, type);
    }
    const index = this.functions.length;
    this.functions.push({ type, body });
    if (exportName !== undefined) this.exports.push([...encodeName(exportName), ExternalKind.func, ...uleb(index)]);
    return index;
  }

  /** The module's bytes. */
  encode(): Uint8Array<ArrayBuffer> {
    const parts = [
      [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
      section(Section.type, vec(this.types)),
      this.memoryImport === undefined ? [] : section(Section.import, vec([this.memoryImport])),
      section(Section.function, vec(this.functions.map((f) => uleb(f.type)))),
      section(Section.export, vec(this.exports)),
      section(Section.code, vec(this.functions.map((f) => f.body.encode()))),
    ];
    return Uint8Array.from(parts.flat());
  }
}
