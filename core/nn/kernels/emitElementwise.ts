/**
 * Function bodies of the elementwise kernels: activations (forward with bias, backward), exp,
 * add/sub/mul, scale, axpy, column sums, Adam, and float64-accumulated sums of squares and dots.
 * Pointers are byte addresses, counts are in floats; see `module.ts` for the exported names.
 */
import { FunctionBuilder } from '../../wasm/binary.ts';
import { bind, f32x4, i32, int, local, v128, type Expr } from '../../wasm/expr.ts';
import { Op, SimdOp, Type } from '../../wasm/opcodes.ts';
import type { ActivationEmitter } from './activationEmitters.ts';
import { at, countedLoop, vectorLoop } from './emitLoops.ts';
import { vexp } from './vectorMath.ts';

const I32 = Type.i32;
const F32 = Type.f32;

/** The v128 splat of an f32 parameter, computed once before the loops. */
function splatParam(b: FunctionBuilder, param: number): Expr {
  return bind(b, (bb) => void bb.get(param).simd(SimdOp.f32x4Splat));
}

/** Adds `delta` to the i32 local `index`. */
function advance(b: FunctionBuilder, index: number, delta: Expr): void {
  b.get(index);
  delta(b);
  b.op(Op.i32Add).set(index);
}

/** Flag bits of the activation-forward `flags` parameter. */
export const FORWARD_HAS_BIAS = 1;
export const FORWARD_HAS_PRE = 2;

/** (x, bias, rows, cols, out, pre, flags): out = act(x + bias) per row; pre = x + bias if flagged. */
export function activationForwardBody(act: ActivationEmitter): FunctionBuilder {
  const b = new FunctionBuilder([I32, I32, I32, I32, I32, I32, I32]);
  const [x, bias, rows, cols, out, pre, flags] = [0, 1, 2, 3, 4, 5, 6];
  const rowBytes = bind(b, int.shl(local(cols), i32(2)), I32);
  const z = b.local(Type.v128);
  countedLoop(b, local(rows), () => {
    vectorLoop(b, local(cols), (offset, store) => {
      v128.load(at(local(x), offset))(b);
      b.set(z);
      b.get(flags).i32(FORWARD_HAS_BIAS).op(Op.i32And).ifElse(() => {
        f32x4.add(local(z), v128.load(at(local(bias), offset)))(b);
        b.set(z);
      });
      b.get(flags).i32(FORWARD_HAS_PRE).op(Op.i32And).ifElse(() => store(at(local(pre), offset), local(z)));
      store(at(local(out), offset), act.forward(b, local(z)));
    });
    advance(b, x, rowBytes);
    advance(b, out, rowBytes);
    advance(b, pre, rowBytes);
  });
  return b;
}

/** (pre, gradOut, gradIn, count): gradIn = gradOut ⊙ act′(pre). */
export function activationBackwardBody(act: ActivationEmitter): FunctionBuilder {
  const b = new FunctionBuilder([I32, I32, I32, I32]);
  vectorLoop(b, local(3), (offset, store) => {
    const derivative = act.derivative(b, v128.load(at(local(0), offset)));
    store(at(local(2), offset), f32x4.mul(v128.load(at(local(1), offset)), derivative));
  });
  return b;
}

/** (x, out, count): out = eˣ. */
export function expBody(): FunctionBuilder {
  const b = new FunctionBuilder([I32, I32, I32]);
  vectorLoop(b, local(2), (offset, store) => store(at(local(1), offset), vexp(b, v128.load(at(local(0), offset)))));
  return b;
}

/** (x, y, out, count): out = x op y. */
export function binaryBody(op: (x: Expr, y: Expr) => Expr): FunctionBuilder {
  const b = new FunctionBuilder([I32, I32, I32, I32]);
  vectorLoop(b, local(3), (offset, store) =>
    store(at(local(2), offset), op(v128.load(at(local(0), offset)), v128.load(at(local(1), offset)))),
  );
  return b;
}

/** (x, out, count, alpha): out = alpha · x. */
export function scaleBody(): FunctionBuilder {
  const b = new FunctionBuilder([I32, I32, I32, F32]);
  const alpha = splatParam(b, 3);
  vectorLoop(b, local(2), (offset, store) => store(at(local(1), offset), f32x4.mul(alpha, v128.load(at(local(0), offset)))));
  return b;
}

/** (x, scales, rows, cols, out): out[i, ·] = x[i, ·] · scales[i]. */
export function scaleRowsBody(): FunctionBuilder {
  const b = new FunctionBuilder([I32, I32, I32, I32, I32]);
  const [x, scales, rows, cols, out] = [0, 1, 2, 3, 4];
  const rowBytes = bind(b, int.shl(local(cols), i32(2)), I32);
  const factor = b.local(Type.v128);
  countedLoop(b, local(rows), () => {
    b.get(scales).load32Splat().set(factor);
    vectorLoop(b, local(cols), (offset, store) => store(at(local(out), offset), f32x4.mul(v128.load(at(local(x), offset)), local(factor))));
    advance(b, x, rowBytes);
    advance(b, out, rowBytes);
    advance(b, scales, i32(4));
  });
  return b;
}

/** (x, y, count, alpha): y += alpha · x. */
export function axpyBody(): FunctionBuilder {
  const b = new FunctionBuilder([I32, I32, I32, F32]);
  const alpha = splatParam(b, 3);
  vectorLoop(b, local(2), (offset, store) => {
    const y = at(local(1), offset);
    store(y, f32x4.add(v128.load(y), f32x4.mul(alpha, v128.load(at(local(0), offset)))));
  });
  return b;
}

/** (x, rows, cols, out, accumulate): out[j] (+)= Σᵢ x[i, j], row by row into `out` (kept in L1). */
export function columnSumsBody(): FunctionBuilder {
  const b = new FunctionBuilder([I32, I32, I32, I32, I32]);
  const [x, rows, cols, out, accumulate] = [0, 1, 2, 3, 4];
  const rowBytes = bind(b, int.shl(local(cols), i32(2)), I32);
  b.get(accumulate).op(Op.i32Eqz).ifElse(() => {
    b.get(out).i32(0);
    rowBytes(b);
    b.memoryFill();
  });
  countedLoop(b, local(rows), () => {
    vectorLoop(b, local(cols), (offset, store) => {
      const sum = at(local(out), offset);
      store(sum, f32x4.add(v128.load(sum), v128.load(at(local(x), offset))));
    });
    advance(b, x, rowBytes);
  });
  return b;
}

/**
 * (params, grads, m, v, count, 1−β₁, β₂, 1−β₂, stepSize, √(1−β₂ᵗ), ε, λ_L2, shrink): one Adam
 * step with PyTorch's operation order (lerp for m, addcmul for v, addcdiv for p).
 */
export function adamBody(): FunctionBuilder {
  const b = new FunctionBuilder([I32, I32, I32, I32, I32, F32, F32, F32, F32, F32, F32, F32, F32]);
  const [oneMinusBeta1, beta2, oneMinusBeta2, stepSize, bc2Sqrt, eps, l2, shrink] = [5, 6, 7, 8, 9, 10, 11, 12].map(
    (param) => splatParam(b, param),
  );
  vectorLoop(b, local(4), (offset, store) => {
    const [pAddr, gAddr, mAddr, vAddr] = [0, 1, 2, 3].map((ptr) => bind(b, at(local(ptr), offset), I32));
    const p = bind(b, v128.load(pAddr));
    const g = bind(b, f32x4.add(v128.load(gAddr), f32x4.mul(l2, p)));
    const mOld = bind(b, v128.load(mAddr));
    const m = bind(b, f32x4.add(mOld, f32x4.mul(oneMinusBeta1, f32x4.sub(g, mOld))));
    const v = bind(b, f32x4.add(f32x4.mul(v128.load(vAddr), beta2), f32x4.mul(f32x4.mul(oneMinusBeta2, g), g)));
    const denom = f32x4.add(f32x4.div(f32x4.sqrt(v), bc2Sqrt), eps);
    store(mAddr, m);
    store(vAddr, v);
    store(pAddr, f32x4.sub(f32x4.mul(p, shrink), f32x4.mul(stepSize, f32x4.div(m, denom))));
  });
  return b;
}

/** Lanes 2, 3 of an f32x4 moved to lanes 0, 1 (so `promote_low` widens the upper half). */
const HIGH_HALF = [8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7];
const promoteLow = (x: Expr): Expr => (b) => {
  x(b);
  b.simd(SimdOp.f64x2PromoteLowF32x4);
};
const promoteHigh = (x: Expr): Expr => (b) => {
  x(b);
  x(b);
  b.simd(SimdOp.i8x16Shuffle).bytes(...HIGH_HALF).simd(SimdOp.f64x2PromoteLowF32x4);
};
const f64x2Binary = (subOpcode: number) => (x: Expr, y: Expr): Expr => (b) => {
  x(b);
  y(b);
  b.simd(subOpcode);
};
const f64x2 = { add: f64x2Binary(SimdOp.f64x2Add), mul: f64x2Binary(SimdOp.f64x2Mul) };

/**
 * (x, y, count) -> f64: Σ x[i]·y[i] with products and sums in float64 (exact products of f32
 * inputs; two f64x2 accumulators). `square` reads only x (sum of squares).
 */
export function dotBody(square: boolean): FunctionBuilder {
  const b = new FunctionBuilder(square ? [I32, I32] : [I32, I32, I32], [Type.f64]);
  const count = square ? 1 : 2;
  const accLow = b.local(Type.v128);
  const accHigh = b.local(Type.v128);
  const scalar = b.local(Type.f64);
  const offset = b.local(I32);
  const end = bind(b, int.shl(local(count), i32(2)), I32);
  const vectorEnd = bind(b, int.and(end, i32(-16)), I32);
  b.block((exit) => {
    b.loop((head) => {
      b.get(offset);
      vectorEnd(b);
      b.op(Op.i32GeU).brIf(exit);
      const x = bind(b, v128.load(at(local(0), local(offset))));
      const y = square ? x : bind(b, v128.load(at(local(1), local(offset))));
      f64x2.add(local(accLow), f64x2.mul(promoteLow(x), promoteLow(y)))(b);
      b.set(accLow);
      f64x2.add(local(accHigh), f64x2.mul(promoteHigh(x), promoteHigh(y)))(b);
      b.set(accHigh);
      b.get(offset).i32(16).op(Op.i32Add).set(offset).br(head);
    });
  });
  // Scalar tail of 0–3 floats.
  b.block((exit) => {
    b.loop((head) => {
      b.get(offset);
      end(b);
      b.op(Op.i32GeU).brIf(exit);
      b.get(scalar).get(0).get(offset).op(Op.i32Add).f32Load().op(Op.f64PromoteF32);
      b.get(square ? 0 : 1).get(offset).op(Op.i32Add).f32Load().op(Op.f64PromoteF32);
      b.op(Op.f64Mul, Op.f64Add).set(scalar);
      b.get(offset).i32(4).op(Op.i32Add).set(offset).br(head);
    });
  });
  const both = bind(b, f64x2.add(local(accLow), local(accHigh)));
  both(b);
  b.lane(SimdOp.f64x2ExtractLane, 0);
  both(b);
  b.lane(SimdOp.f64x2ExtractLane, 1);
  b.op(Op.f64Add).get(scalar).op(Op.f64Add);
  return b;
}
