import type { IRTable } from '../ir/types.ts';

/**
 * The tables a kernel reads (`table_row`, so far only in initial samplers) travel as one flat
 * array per stage: a Float64Array in the CPU kernel's `env.tables`, a read-only f32 storage buffer
 * in the WebGPU kernel. Table k starts at offset k, the sum of the sizes before it; the generated
 * source holds only these offsets and the tables' sizes, never their values.
 */

/** Where each table starts in the flat array, in values. */
export function tableOffsets(tables: readonly IRTable[] | undefined): number[] {
  const offsets: number[] = [];
  let at = 0;
  for (const t of tables ?? []) {
    offsets.push(at);
    at += t.rows * t.cols;
  }
  return offsets;
}

/** Number of values of all tables together. */
export function tableValues(tables: readonly IRTable[] | undefined): number {
  return (tables ?? []).reduce((n, t) => n + t.rows * t.cols, 0);
}

/**
 * The tables one after another in an array made by `make` (e.g. over shared memory for worker
 * threads, or a Float32Array for the GPU), at the offsets of {@link tableOffsets}.
 */
export function packTables<A extends Float64Array | Float32Array>(tables: readonly IRTable[] | undefined, make: (length: number) => A): A {
  const out = make(tableValues(tables));
  const offsets = tableOffsets(tables);
  (tables ?? []).forEach((t, k) => out.set(t.data, offsets[k]));
  return out;
}
