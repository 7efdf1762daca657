/**
 * Opcode numbers of the WebAssembly instructions our emitters use.
 *
 * Core opcodes: WebAssembly 2.0 core spec, section 5.4 "Instructions". SIMD sub-opcodes: the
 * fixed-width SIMD proposal's BinarySIMD.md (merged into 2.0), each encoded as the prefix 0xfd
 * followed by the sub-opcode as unsigned LEB128. Bulk-memory ops use the prefix 0xfc. Relaxed
 * SIMD is deliberately absent: Node 20's V8 does not enable it by default.
 *
 * Only what the emitters use is listed, and `binary.test.ts` runs every entry, so a wrong number
 * fails validation or gives a wrong value instead of hiding. Add an entry with its test.
 */

/** Value type codes (spec 5.3.1), plus the function-type and empty-block markers. */
export const Type = {
  i32: 0x7f,
  i64: 0x7e,
  f32: 0x7d,
  f64: 0x7c,
  v128: 0x7b,
  /** Introduces a function type in the type section. */
  func: 0x60,
  /** Block type of a block/loop/if that takes and leaves nothing. */
  void: 0x40,
} as const;

/** A value type code. */
export type ValType = (typeof Type)['i32' | 'i64' | 'f32' | 'f64' | 'v128'];

/** Single-byte core opcodes (no prefix). Memory ops take a memarg; consts take an immediate. */
export const Op = {
  block: 0x02, loop: 0x03, if: 0x04, else: 0x05, end: 0x0b, br: 0x0c, brIf: 0x0d, drop: 0x1a, select: 0x1b,
  localGet: 0x20, localSet: 0x21, localTee: 0x22,
  f32Load: 0x2a, f32Store: 0x38,
  i32Const: 0x41, i64Const: 0x42, f32Const: 0x43, f64Const: 0x44,
  i32Eqz: 0x45, i32Eq: 0x46, i32Ne: 0x47, i32LtS: 0x48, i32LtU: 0x49, i32GtS: 0x4a, i32GtU: 0x4b,
  i32LeS: 0x4c, i32LeU: 0x4d, i32GeS: 0x4e, i32GeU: 0x4f,
  f32Eq: 0x5b, f32Lt: 0x5d, f32Gt: 0x5e,
  i32Add: 0x6a, i32Sub: 0x6b, i32Mul: 0x6c, i32DivU: 0x6e,
  i32And: 0x71, i32Or: 0x72, i32Xor: 0x73, i32Shl: 0x74, i32ShrS: 0x75, i32ShrU: 0x76,
  f32Neg: 0x8c, f32Add: 0x92, f32Sub: 0x93, f32Mul: 0x94, f32Div: 0x95, f32Min: 0x96, f32Max: 0x97,
  f64Add: 0xa0, f64Mul: 0xa2, f64PromoteF32: 0xbb,
} as const;

/** Sub-opcodes after the 0xfc prefix (bulk memory); each is followed by memory index bytes. */
export const BulkOp = { memoryCopy: 0x0a, memoryFill: 0x0b } as const;

/** Sub-opcodes after the 0xfd prefix (fixed-width SIMD). */
export const SimdOp = {
  // Memory (all take a memarg; the lane forms a lane byte after it).
  v128Load: 0x00, load32Splat: 0x09, load64Splat: 0x0a, v128Store: 0x0b,
  store32Lane: 0x5a,
  // Lanes.
  i8x16Shuffle: 0x0d, i32x4Splat: 0x11, f32x4Splat: 0x13, f64x2Splat: 0x14,
  i32x4ExtractLane: 0x1b, i32x4ReplaceLane: 0x1c, f32x4ExtractLane: 0x1f, f32x4ReplaceLane: 0x20,
  f64x2ExtractLane: 0x21,
  // Comparisons (lane masks: all ones where true).
  i32x4Eq: 0x37, i32x4GtS: 0x3b,
  f32x4Eq: 0x41, f32x4Ne: 0x42, f32x4Lt: 0x43, f32x4Gt: 0x44, f32x4Le: 0x45, f32x4Ge: 0x46,
  // Bitwise.
  v128Not: 0x4d, v128And: 0x4e, v128AndNot: 0x4f, v128Or: 0x50, v128Xor: 0x51, v128Bitselect: 0x52,
  // Conversions and rounding.
  f64x2PromoteLowF32x4: 0x5f, f32x4Ceil: 0x67, f32x4Floor: 0x68, f32x4Trunc: 0x69, f32x4Nearest: 0x6a,
  i32x4TruncSatF32x4S: 0xf8, f32x4ConvertI32x4S: 0xfa,
  // i32x4 arithmetic.
  i32x4Shl: 0xab, i32x4ShrS: 0xac, i32x4ShrU: 0xad, i32x4Add: 0xae, i32x4Sub: 0xb1, i32x4Mul: 0xb5,
  // f32x4 arithmetic.
  f32x4Abs: 0xe0, f32x4Neg: 0xe1, f32x4Sqrt: 0xe3, f32x4Add: 0xe4, f32x4Sub: 0xe5, f32x4Mul: 0xe6,
  f32x4Div: 0xe7, f32x4Min: 0xe8, f32x4Max: 0xe9, f32x4Pmin: 0xea, f32x4Pmax: 0xeb,
  // f64x2 arithmetic.
  f64x2Add: 0xf0, f64x2Sub: 0xf1, f64x2Mul: 0xf2,
} as const;

/** Section ids (spec 5.5.2). */
export const Section = { type: 1, import: 2, function: 3, export: 7, code: 10 } as const;

/** Import/export descriptor kinds. */
export const ExternalKind = { func: 0x00, memory: 0x02 } as const;
