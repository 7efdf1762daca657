/**
 * Loop skeletons shared by the elementwise kernels: a counted loop, and a loop over a run of
 * floats four at a time whose last partial vector stores only its valid lanes.
 *
 * Tails are vectors too: the last 1–3 floats are loaded as a full v128 (reading up to 12 bytes
 * past the operand, which `KernelWorkspace` keeps inside memory by a guard after the last
 * allocation) and stored lane by lane, so every kernel is written once, for whole vectors, and
 * never writes outside its output.
 */
import type { FunctionBuilder } from '../../wasm/binary.ts';
import { bind, i32, int, local, type Expr } from '../../wasm/expr.ts';
import { Op, Type } from '../../wasm/opcodes.ts';

/** Stores a v128 at an address: whole, or only the lanes that belong to the run. */
export type VectorStore = (address: Expr, value: Expr) => void;

/** for (i = 0; i < count; i++) body(i), with i and count i32 (count read once). */
export function countedLoop(b: FunctionBuilder, count: Expr, body: (index: Expr) => void): void {
  const i = b.local(Type.i32);
  const n = bind(b, count, Type.i32);
  b.i32(0).set(i);
  b.block((exit) => {
    b.loop((head) => {
      b.get(i);
      n(b);
      b.op(Op.i32GeU).brIf(exit);
      body(local(i));
      b.get(i).i32(1).op(Op.i32Add).set(i).br(head);
    });
  });
}

/**
 * Runs `body(byteOffset, store)` for byte offsets 0, 16, 32, … covering `count` floats: whole
 * vectors with a plain v128 store, then (if count % 4 ≠ 0) one partial vector whose store writes
 * only the first count % 4 lanes. `body` is emitted twice, once for each case.
 */
export function vectorLoop(b: FunctionBuilder, count: Expr, body: (offset: Expr, store: VectorStore) => void): void {
  const offset = b.local(Type.i32);
  const end = b.local(Type.i32);
  const n = bind(b, count, Type.i32);
  b.i32(0).set(offset);
  n(b);
  b.i32(-4).op(Op.i32And).i32(2).op(Op.i32Shl).set(end);
  const wholeStore: VectorStore = (address, value) => {
    address(b);
    value(b);
    b.v128Store();
  };
  b.block((exit) => {
    b.loop((head) => {
      b.get(offset).get(end).op(Op.i32GeU).brIf(exit);
      body(local(offset), wholeStore);
      b.get(offset).i32(16).op(Op.i32Add).set(offset).br(head);
    });
  });
  const remainder = bind(b, int.and(n, i32(3)), Type.i32);
  remainder(b);
  b.ifElse(() => body(local(offset), partialStore(b, remainder)));
}

/** A store of lanes [0, remainder) only, remainder ∈ {1, 2, 3}. */
function partialStore(b: FunctionBuilder, remainder: Expr): VectorStore {
  return (address, value) => {
    const addressLocal = bind(b, address, Type.i32);
    const valueLocal = bind(b, value);
    addressLocal(b);
    valueLocal(b);
    b.store32Lane(0);
    for (const lane of [1, 2]) {
      remainder(b);
      b.i32(lane).op(Op.i32GtU).ifElse(() => {
        addressLocal(b);
        valueLocal(b);
        b.store32Lane(lane, 4 * lane);
      });
    }
  };
}

/** `base + offset` as an i32 address expression. */
export const at = (base: Expr, offset: Expr): Expr => int.add(base, offset);
