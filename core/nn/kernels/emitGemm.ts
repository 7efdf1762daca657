/**
 * The GEMM's macro-kernel: C block (+)= packed A · packed B, one MR×NR tile at a time, with a
 * register-blocked f32x4 micro-kernel. The JavaScript driver (`gemm.ts`) cuts the product into
 * cache blocks and packs them (`emitPack.ts`) before calling it.
 *
 * Packed layouts, for a k slice of depth kc:
 * - A block (mc×kc of op(A)) → ⌈mc/MR⌉ micro-panels of kc×MR: panel[kk·MR + r] = op(A)[i0 + r, kk].
 * - B block (kc×nc of op(B)) → ⌈nc/NR⌉ micro-panels of kc×NR: panel[kk·NR + j] = op(B)[kk, j0 + j].
 * Rows/columns past the matrix edge are zero, so the micro-kernel always computes whole MR×NR
 * tiles; only the final store into C looks at the edges.
 *
 * Micro-kernel: a 4×8 tile of C lives in 8 v128 locals; each k step loads one row of the B panel
 * (2 v128), splats the 4 A values (`v128.load32_splat`) and does 8 mul + 8 add (no FMA outside
 * relaxed SIMD). 8 accumulators + 2 B vectors + splat + product = 12 of the 15 xmm registers V8
 * allocates on x64. The k loop is deliberately not unrolled: TurboFan then schedules all loads
 * of the unrolled body first, runs out of registers and spills (measured on 512×128×128: 4×
 * unrolling drops 37 → 6–9 GFLOP/s).
 */
import { FunctionBuilder } from '../../wasm/binary.ts';
import { Op, SimdOp, Type } from '../../wasm/opcodes.ts';
import { addTo } from './emitPack.ts';

/** Rows of the C tile (A panel width). */
export const MR = 4;
/** Columns of the C tile (B panel width), a multiple of 4. */
export const NR = 8;
/** Bytes of the scratch tile that edge tiles pass through. */
export const TILE_BYTES = MR * NR * 4;

const I32 = Type.i32;

/**
 * (mc, nc, kc, pa, pb, c, ldcBytes, accumulate, tile): C[mc×nc] (+)= Apacked · Bpacked over a
 * k slice of depth kc ≥ 1, tile by tile; full tiles store straight from registers, edge tiles go
 * through the TILE_BYTES scratch at `tile` and copy only their valid part.
 */
export function macroKernelBody(): FunctionBuilder {
  const b = new FunctionBuilder([I32, I32, I32, I32, I32, I32, I32, I32, I32]);
  const [mc, nc, kc, pa, pb, c, ldc, accumulate, tile] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const vectorsPerRow = NR / 4;
  const i0 = b.local(I32);
  const j0 = b.local(I32);
  const aPanel = b.local(I32);
  const bPanel = b.local(I32);
  const aPtr = b.local(I32);
  const bPtr = b.local(I32);
  const aEnd = b.local(I32);
  const cRow = b.local(I32);
  const acc = Array.from({ length: MR }, () => Array.from({ length: vectorsPerRow }, () => b.local(Type.v128)));
  const bVec = Array.from({ length: vectorsPerRow }, () => b.local(Type.v128));
  const aSplat = b.local(Type.v128);
  const zero = b.splat(0);

  b.get(pa).set(aPanel);
  b.i32(0).set(i0);
  b.block((exitI) => b.loop((headI) => {
    b.get(i0).get(mc).op(Op.i32GeU).brIf(exitI);
    b.get(pb).set(bPanel);
    b.i32(0).set(j0);
    b.block((exitJ) => b.loop((headJ) => {
      b.get(j0).get(nc).op(Op.i32GeU).brIf(exitJ);
      for (const row of acc) for (const v of row) b.get(zero).set(v);
      b.get(aPanel).set(aPtr);
      b.get(bPanel).set(bPtr);
      b.get(aPanel).get(kc).i32(Math.log2(MR) + 2).op(Op.i32Shl, Op.i32Add).set(aEnd);
      b.loop((headK) => {
        for (let h = 0; h < vectorsPerRow; h++) b.get(bPtr).v128Load(16 * h).set(bVec[h]);
        for (let r = 0; r < MR; r++) {
          b.get(aPtr).load32Splat(4 * r).set(aSplat);
          for (let h = 0; h < vectorsPerRow; h++) {
            b.get(acc[r][h]).get(aSplat).get(bVec[h]).simd(SimdOp.f32x4Mul).simd(SimdOp.f32x4Add).set(acc[r][h]);
          }
        }
        addTo(b, aPtr, { constant: 4 * MR });
        addTo(b, bPtr, { constant: 4 * NR });
        b.get(aPtr).get(aEnd).op(Op.i32LtU).brIf(headK);
      });
      // C tile address: c + i0·ldc + j0·4.
      b.get(c).get(i0).get(ldc).op(Op.i32Mul, Op.i32Add).get(j0).i32(2).op(Op.i32Shl, Op.i32Add).set(cRow);
      b.get(mc).get(i0).op(Op.i32Sub).i32(MR).op(Op.i32GeU);
      b.get(nc).get(j0).op(Op.i32Sub).i32(NR).op(Op.i32GeU);
      b.op(Op.i32And).ifElse(
        () => emitFullTileStore(b, acc, cRow, ldc, accumulate),
        () => emitEdgeTileStore(b, acc, { mc, nc, i0, j0, cRow, ldc, accumulate, tile }),
      );
      b.get(bPanel).get(kc).i32(Math.log2(NR) + 2).op(Op.i32Shl, Op.i32Add).set(bPanel);
      addTo(b, j0, { constant: NR });
      b.br(headJ);
    }));
    b.get(aPanel).get(kc).i32(Math.log2(MR) + 2).op(Op.i32Shl, Op.i32Add).set(aPanel);
    addTo(b, i0, { constant: MR });
    b.br(headI);
  }));
  return b;
}

/** Stores (or adds) the register tile into C row by row; `cRow` is clobbered. */
function emitFullTileStore(b: FunctionBuilder, acc: number[][], cRow: number, ldc: number, accumulate: number): void {
  const storeRows = (add: boolean) => () => {
    acc.forEach((row, r) => {
      if (r > 0) addTo(b, cRow, { local: ldc });
      row.forEach((v, h) => {
        b.get(cRow);
        if (add) b.get(cRow).v128Load(16 * h).get(v).simd(SimdOp.f32x4Add);
        else b.get(v);
        b.v128Store(16 * h);
      });
    });
  };
  b.get(accumulate).ifElse(storeRows(true), storeRows(false));
}

interface EdgeLocals {
  mc: number;
  nc: number;
  i0: number;
  j0: number;
  cRow: number;
  ldc: number;
  accumulate: number;
  tile: number;
}

/** Spills the register tile to scratch, then copies its valid rows×cols part into C one float at a time. */
function emitEdgeTileStore(b: FunctionBuilder, acc: number[][], l: EdgeLocals): void {
  acc.forEach((row, r) => row.forEach((v, h) => b.get(l.tile).get(v).v128Store(4 * (r * NR + 4 * h))));
  const rows = b.local(I32);
  const cols = b.local(I32);
  const r = b.local(I32);
  const j = b.local(I32);
  const src = b.local(I32);
  const dst = b.local(I32);
  const value = b.local(Type.f32);
  // rows = min(MR, mc − i0), cols = min(NR, nc − j0)
  for (const [target, size, start, limit] of [[rows, l.mc, l.i0, MR], [cols, l.nc, l.j0, NR]] as const) {
    b.get(size).get(start).op(Op.i32Sub).set(target);
    b.i32(limit).get(target).get(target).i32(limit).op(Op.i32GtU).op(Op.select).set(target);
  }
  b.i32(0).set(r);
  b.block((exitR) => b.loop((headR) => {
    b.get(r).get(rows).op(Op.i32GeU).brIf(exitR);
    b.get(l.tile).get(r).i32(Math.log2(NR) + 2).op(Op.i32Shl, Op.i32Add).set(src);
    b.get(l.cRow).set(dst);
    b.i32(0).set(j);
    b.block((exitJ) => b.loop((headJ) => {
      b.get(j).get(cols).op(Op.i32GeU).brIf(exitJ);
      b.get(src).f32Load().set(value);
      b.get(l.accumulate).ifElse(() => void b.get(value).get(dst).f32Load().op(Op.f32Add).set(value));
      b.get(dst).get(value).f32Store();
      addTo(b, src, { constant: 4 });
      addTo(b, dst, { constant: 4 });
      addTo(b, j, { constant: 1 });
      b.br(headJ);
    }));
    addTo(b, l.cRow, { local: l.ldc });
    addTo(b, r, { constant: 1 });
    b.br(headR);
  }));
}
