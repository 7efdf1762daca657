/**
 * GEMM driver: cuts C (+)= op(A)·op(B) into cache blocks (GotoBLAS/BLIS order), packs each block
 * of op(A) and op(B) into the scratch panels, and calls the WebAssembly macro-kernel per block.
 *
 *   for each nc-wide column block of op(B) and C
 *     for each kc-deep slice of k          (pack op(B)[kc×nc] once, reused by every row block)
 *       for each mc-high row block of op(A) and C
 *         pack op(A)[mc×kc]; C block (+)= packed A · packed B
 *
 * With the training shapes (k, n ≤ 512) each product is one or two slices and the packed blocks
 * (≤ 128 KiB + 512 KiB) stay in L2; the micro-kernel's A panel (4 KiB) stays in L1.
 */
import { TILE_BYTES } from './emitGemm.ts';
import type { KernelExports } from './module.ts';
import type { GemmParams } from './types.ts';

/** Depth of one k slice. */
export const GEMM_KC = 256;
/** Rows of C per packed A block (a multiple of MR). */
export const GEMM_MC = 128;
/** Columns of C per packed B block (a multiple of NR). */
export const GEMM_NC = 512;

/** Bytes of scratch the GEMM needs: the edge tile, one packed A block and one packed B block. */
export const GEMM_SCRATCH_BYTES = TILE_BYTES + 4 * GEMM_KC * (GEMM_MC + GEMM_NC);

/**
 * Runs the blocked product. `scratch` is the byte address of GEMM_SCRATCH_BYTES free bytes
 * (16-byte aligned); matrix offsets in `p` are in floats.
 */
export function gemmWasm(kernels: KernelExports, p: GemmParams, scratch: number): void {
  const { m, n, k } = p;
  const tile = scratch;
  const packA = scratch + TILE_BYTES;
  const packB = packA + 4 * GEMM_KC * GEMM_MC;
  // Leading dimensions (floats) of the matrices as stored.
  const lda = p.transA ? m : k;
  const ldb = p.transB ? k : n;
  const a = 4 * p.a;
  const b = 4 * p.b;
  const c = 4 * p.c;
  for (let jc = 0; jc < n; jc += GEMM_NC) {
    const nc = Math.min(GEMM_NC, n - jc);
    for (let pc = 0; pc < k; pc += GEMM_KC) {
      const kc = Math.min(GEMM_KC, k - pc);
      const accumulate = p.accumulate || pc > 0 ? 1 : 0;
      // op(B)[pc.., jc..]: stored B[pc + kk, jc + j], or with transB stored B[jc + j, pc + kk].
      if (p.transB) kernels.packGatherB(b + 4 * (jc * ldb + pc), 4 * ldb, nc, kc, packB);
      else kernels.packPanelsB(b + 4 * (pc * ldb + jc), 4 * ldb, nc, kc, packB);
      for (let ic = 0; ic < m; ic += GEMM_MC) {
        const mc = Math.min(GEMM_MC, m - ic);
        if (p.transA) kernels.packPanelsA(a + 4 * (pc * lda + ic), 4 * lda, mc, kc, packA);
        else kernels.packGatherA(a + 4 * (ic * lda + pc), 4 * lda, mc, kc, packA);
        kernels.macroKernel(mc, nc, kc, packA, packB, c + 4 * (ic * n + jc), 4 * n, accumulate, tile);
      }
    }
  }
}

/** Floats of op(A), op(B) and C touched by a product, for bounds checks. */
export function gemmExtents(p: GemmParams): { a: number; b: number; c: number } {
  return { a: p.m * p.k, b: p.k * p.n, c: p.m * p.n };
}
