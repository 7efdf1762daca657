/**
 * Packing routines of the GEMM: copy a block of op(A) or op(B) into contiguous micro-panels so
 * the micro-kernel reads both operands sequentially (see `emitGemm.ts` for the layout).
 *
 * Both take (src, ldBytes, count, kc, dst) and write ⌈count/width⌉ panels of kc×width floats;
 * lanes of the last panel past `count` are zero.
 * - `packPanelsBody`: the source has kc rows of `count` contiguous floats (op(B) = B, op(A) = Aᵀ):
 *   each panel row is a straight v128 copy, written panel by panel so stores are sequential.
 * - `packGatherBody`: the source has `count` rows of kc contiguous floats (op(A) = A,
 *   op(B) = Bᵀ): a transpose, done in 4×4 blocks with shuffles; the k tail and a last partial
 *   panel go one float at a time.
 */
import { FunctionBuilder } from '../../wasm/binary.ts';
import { Op, SimdOp, Type } from '../../wasm/opcodes.ts';

const I32 = Type.i32;
const PARAMS = [I32, I32, I32, I32, I32] as const;

/** `target += value` for i32 locals (value: a local index, or a constant). */
export function addTo(b: FunctionBuilder, target: number, value: { local: number } | { constant: number }): void {
  b.get(target);
  if ('local' in value) b.get(value.local);
  else b.i32(value.constant);
  b.op(Op.i32Add).set(target);
}

/** while (local < end) { body } for i32 locals, tested at the top. */
function whileBelow(b: FunctionBuilder, index: number, end: number, body: () => void): void {
  b.block((exit) => b.loop((head) => {
    b.get(index).get(end).op(Op.i32GeU).brIf(exit);
    body();
    b.br(head);
  }));
}

/** Zero-fills the last panel when count % width ≠ 0: `dst + full·panelBytes`, panelBytes long. */
function zeroPartialPanel(b: FunctionBuilder, dst: number, full: number, panelBytes: number, remainder: number): void {
  b.get(remainder).ifElse(() => {
    b.get(dst).get(full).get(panelBytes).op(Op.i32Mul, Op.i32Add).i32(0).get(panelBytes).memoryFill();
  });
}

/** Packs kc rows of `count` contiguous floats (stride ldBytes) into panels of width `width`. */
export function packPanelsBody(width: number): FunctionBuilder {
  const b = new FunctionBuilder(PARAMS);
  const [src, ld, count, kc, dst] = [0, 1, 2, 3, 4];
  const log2Width = Math.log2(width);
  const [panelBytes, full, remainder, p, s, d, end, j, rowEnd] = Array.from({ length: 9 }, () => b.local(I32));
  b.get(kc).i32(log2Width + 2).op(Op.i32Shl).set(panelBytes);
  b.get(count).i32(log2Width).op(Op.i32ShrU).set(full);
  b.get(count).i32(width - 1).op(Op.i32And).set(remainder);
  b.i32(0).set(p);
  b.get(src).set(s);
  b.get(dst).set(d);
  whileBelow(b, p, full, () => {
    b.get(d).get(panelBytes).op(Op.i32Add).set(end);
    b.get(s).set(j); // j walks the source rows of this panel
    whileBelow(b, d, end, () => {
      for (let q = 0; q < width; q += 4) b.get(d).get(j).v128Load(4 * q).v128Store(4 * q);
      addTo(b, j, { local: ld });
      addTo(b, d, { constant: 4 * width });
    });
    addTo(b, s, { constant: 4 * width });
    addTo(b, p, { constant: 1 });
  });
  // The partial panel: `remainder` floats per row, one at a time (d and s point at it now).
  zeroPartialPanel(b, dst, full, panelBytes, remainder);
  b.get(d).get(panelBytes).op(Op.i32Add).set(end);
  b.get(remainder).ifElse(() => whileBelow(b, d, end, () => {
    b.get(s).get(remainder).i32(2).op(Op.i32Shl, Op.i32Add).set(rowEnd);
    b.get(s).set(j);
    b.get(d).set(p); // p: destination cursor within the row
    whileBelow(b, j, rowEnd, () => {
      b.get(p).get(j).f32Load().f32Store();
      addTo(b, j, { constant: 4 });
      addTo(b, p, { constant: 4 });
    });
    addTo(b, s, { local: ld });
    addTo(b, d, { constant: 4 * width });
  }));
  return b;
}

/** i32x4 lane pairs as i8x16.shuffle byte indices (lanes 0–3 from the first operand, 4–7 the second). */
function lanes(...indices: number[]): number[] {
  return indices.flatMap((lane) => [4 * lane, 4 * lane + 1, 4 * lane + 2, 4 * lane + 3]);
}
const UNPACK_LOW = lanes(0, 4, 1, 5);
const UNPACK_HIGH = lanes(2, 6, 3, 7);
const MOVE_LOW_HALVES = lanes(0, 1, 4, 5);
const MOVE_HIGH_HALVES = lanes(2, 3, 6, 7);

/** Packs `count` rows of kc contiguous floats (stride ldBytes), row r into lane r % width of panel ⌊r/width⌋. */
export function packGatherBody(width: number): FunctionBuilder {
  const b = new FunctionBuilder(PARAMS);
  const [src, ld, count, kc, dst] = [0, 1, 2, 3, 4];
  const log2Width = Math.log2(width);
  const [panelBytes, full, remainder, k4, p, d, dEnd, r, rowsEnd, kStart, s, sEnd] = Array.from({ length: 12 }, () => b.local(I32));
  const rowPtr = [0, 1, 2, 3].map(() => b.local(I32));
  const rows = [0, 1, 2, 3].map(() => b.local(Type.v128));
  const pairs = [0, 1, 2, 3].map(() => b.local(Type.v128));
  b.get(kc).i32(log2Width + 2).op(Op.i32Shl).set(panelBytes);
  b.get(count).i32(log2Width).op(Op.i32ShrU).set(full);
  b.get(count).i32(width - 1).op(Op.i32And).set(remainder);
  b.get(kc).i32(-4).op(Op.i32And).set(k4);

  // Whole panels, k in steps of 4: each group of 4 rows × 4 k is one 4×4 transpose.
  b.i32(0).set(p);
  whileBelow(b, p, full, () => {
    for (let group = 0; group < width / 4; group++) {
      rowPtr.forEach((ptr, i) => {
        b.get(src).get(p).i32(log2Width).op(Op.i32Shl).i32(4 * group + i).op(Op.i32Add).get(ld).op(Op.i32Mul, Op.i32Add).set(ptr);
      });
      b.get(dst).get(p).get(panelBytes).op(Op.i32Mul, Op.i32Add).i32(16 * group).op(Op.i32Add).set(d);
      b.get(d).get(k4).i32(log2Width + 2).op(Op.i32Shl, Op.i32Add).set(dEnd);
      whileBelow(b, d, dEnd, () => {
        rowPtr.forEach((ptr, i) => b.get(ptr).v128Load().set(rows[i]));
        const shuffle = (x: number, y: number, pattern: number[], target: number) =>
          void b.get(x).get(y).simd(SimdOp.i8x16Shuffle).bytes(...pattern).set(target);
        shuffle(rows[0], rows[1], UNPACK_LOW, pairs[0]);
        shuffle(rows[2], rows[3], UNPACK_LOW, pairs[1]);
        shuffle(rows[0], rows[1], UNPACK_HIGH, pairs[2]);
        shuffle(rows[2], rows[3], UNPACK_HIGH, pairs[3]);
        // Column c of the 4×4 block becomes row k + c of the panel.
        const columns: [number, number, number[]][] = [
          [pairs[0], pairs[1], MOVE_LOW_HALVES], [pairs[0], pairs[1], MOVE_HIGH_HALVES],
          [pairs[2], pairs[3], MOVE_LOW_HALVES], [pairs[2], pairs[3], MOVE_HIGH_HALVES],
        ];
        columns.forEach(([x, y, pattern], c) => {
          b.get(d).get(x).get(y).simd(SimdOp.i8x16Shuffle).bytes(...pattern).v128Store(4 * width * c);
        });
        for (const ptr of rowPtr) addTo(b, ptr, { constant: 16 });
        addTo(b, d, { constant: 16 * width });
      });
    }
    addTo(b, p, { constant: 1 });
  });

  // Scalar gather of rows [r, rowsEnd) over k ∈ [kStart, kc): the k tail of whole panels, then the partial panel.
  const scalarGather = () => whileBelow(b, r, rowsEnd, () => {
    b.get(src).get(r).get(ld).op(Op.i32Mul, Op.i32Add).get(kStart).i32(2).op(Op.i32Shl, Op.i32Add).set(s);
    b.get(src).get(r).get(ld).op(Op.i32Mul, Op.i32Add).get(kc).i32(2).op(Op.i32Shl, Op.i32Add).set(sEnd);
    // d = dst + (⌊r/width⌋·kc + kStart)·width·4 + (r % width)·4
    b.get(dst).get(r).i32(log2Width).op(Op.i32ShrU).get(kc).op(Op.i32Mul).get(kStart).op(Op.i32Add);
    b.i32(log2Width + 2).op(Op.i32Shl, Op.i32Add).get(r).i32(width - 1).op(Op.i32And).i32(2).op(Op.i32Shl, Op.i32Add).set(d);
    whileBelow(b, s, sEnd, () => {
      b.get(d).get(s).f32Load().f32Store();
      addTo(b, s, { constant: 4 });
      addTo(b, d, { constant: 4 * width });
    });
    addTo(b, r, { constant: 1 });
  });
  b.i32(0).set(r);
  b.get(full).i32(log2Width).op(Op.i32Shl).set(rowsEnd);
  b.get(k4).set(kStart);
  scalarGather();
  zeroPartialPanel(b, dst, full, panelBytes, remainder);
  b.get(count).set(rowsEnd);
  b.i32(0).set(kStart);
  scalarGather();
  return b;
}
