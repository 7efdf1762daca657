/**
 * Expression combinators over `FunctionBuilder`: a value is code that pushes it, so formulas read
 * as nested calls (`f32x4.add(x, f32x4.mul(y, z))`) instead of stack juggling. Operands are
 * emitted left to right, matching WebAssembly's operand order.
 */
import type { FunctionBuilder } from './binary.ts';
import { Op, SimdOp, Type, type ValType } from './opcodes.ts';

/** Code that pushes one value. */
export type Expr = (b: FunctionBuilder) => void;

/** The value of local `index`. */
export const local = (index: number): Expr => (b) => void b.get(index);
/** An i32 constant. */
export const i32 = (value: number): Expr => (b) => void b.i32(value);
/** A v128 constant with `value` in all four f32 lanes (hoisted into the function's prologue). */
export const splat = (value: number): Expr => (b) => void b.get(b.splat(value));
/** A v128 constant with `value` in all four i32 lanes (hoisted). */
export const splatI32 = (value: number): Expr => (b) => void b.get(b.splatI32(value));

/** Evaluates `value` into a new local of `type`; returns an expression reading it. */
export function bind(b: FunctionBuilder, value: Expr, type: ValType = Type.v128): Expr {
  const index = b.local(type);
  value(b);
  b.set(index);
  return local(index);
}

const unary = (sub: number) => (x: Expr): Expr => (b) => {
  x(b);
  b.simd(sub);
};
const binary = (sub: number) => (x: Expr, y: Expr): Expr => (b) => {
  x(b);
  y(b);
  b.simd(sub);
};
const core2 = (opcode: number) => (x: Expr, y: Expr): Expr => (b) => {
  x(b);
  y(b);
  b.op(opcode);
};

/** f32x4 lane-wise arithmetic; comparisons give all-ones lanes where true. */
export const f32x4 = {
  add: binary(SimdOp.f32x4Add),
  sub: binary(SimdOp.f32x4Sub),
  mul: binary(SimdOp.f32x4Mul),
  div: binary(SimdOp.f32x4Div),
  /** NaN-propagating minimum / maximum. */
  min: binary(SimdOp.f32x4Min),
  max: binary(SimdOp.f32x4Max),
  /**
   * Pseudo-minimum `y < x ? y : x` and pseudo-maximum `x < y ? y : x`: one minps/maxps on x64,
   * where `min`/`max` cost ~8 instructions for their NaN and ±0 rules. With the value to clamp
   * as x, a NaN lane passes through unchanged.
   */
  pmin: binary(SimdOp.f32x4Pmin),
  pmax: binary(SimdOp.f32x4Pmax),
  abs: unary(SimdOp.f32x4Abs),
  neg: unary(SimdOp.f32x4Neg),
  sqrt: unary(SimdOp.f32x4Sqrt),
  /** Round to nearest, ties to even. */
  nearest: unary(SimdOp.f32x4Nearest),
  floor: unary(SimdOp.f32x4Floor),
  lt: binary(SimdOp.f32x4Lt),
  gt: binary(SimdOp.f32x4Gt),
  le: binary(SimdOp.f32x4Le),
  ge: binary(SimdOp.f32x4Ge),
  /** Integer lanes to float, exactly for |n| < 2^24. */
  fromI32: unary(SimdOp.f32x4ConvertI32x4S),
  /** Horner's rule: c[0] + x·(c[1] + x·(c[2] + …)). */
  horner(x: Expr, coefficients: readonly number[]): Expr {
    const [first, ...rest] = coefficients;
    if (first === undefined) throw new Error('f32x4.horner: no coefficients.');
    return rest.length === 0 ? splat(first) : f32x4.add(splat(first), f32x4.mul(x, f32x4.horner(x, rest)));
  },
};

/** i32x4 lane-wise integer operations. */
export const i32x4 = {
  add: binary(SimdOp.i32x4Add),
  sub: binary(SimdOp.i32x4Sub),
  /** Shift every lane left by the i32 `count` (mod 32). */
  shl: (x: Expr, count: number): Expr => (b) => {
    x(b);
    b.i32(count).simd(SimdOp.i32x4Shl);
  },
  /** Float lanes to integers, rounding toward zero, saturating, NaN to 0. */
  truncSat: unary(SimdOp.i32x4TruncSatF32x4S),
};

/** Bitwise operations on the 128 bits, and whole-vector memory access. */
export const v128 = {
  /** The 16 bytes at `address` (no alignment needed). */
  load: (address: Expr): Expr => (b) => {
    address(b);
    b.v128Load();
  },
  /** One f32 at `address` in all four lanes. */
  loadSplat: (address: Expr): Expr => (b) => {
    address(b);
    b.load32Splat();
  },
  and: binary(SimdOp.v128And),
  /** x & ~y. */
  andNot: binary(SimdOp.v128AndNot),
  or: binary(SimdOp.v128Or),
  xor: binary(SimdOp.v128Xor),
  /** Bits of `whenSet` where `mask` is 1, of `whenClear` where it is 0. */
  select: (whenSet: Expr, whenClear: Expr, mask: Expr): Expr => (b) => {
    whenSet(b);
    whenClear(b);
    mask(b);
    b.simd(SimdOp.v128Bitselect);
  },
};

/** i32 scalar arithmetic (addresses, counters). */
export const int = {
  add: core2(Op.i32Add),
  sub: core2(Op.i32Sub),
  mul: core2(Op.i32Mul),
  and: core2(Op.i32And),
  shl: core2(Op.i32Shl),
};
