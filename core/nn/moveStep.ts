import type { BufferRef, MemoryStep } from './regionCode.ts';

/** The data-movement ops of a batched program. */
export type MoveOp = 'index' | 'broadcast' | 'sum' | 'slice' | 'stack' | 'concat';

/** Ops {@link moveStep} runs. */
export const MOVE_OPS: readonly string[] = ['index', 'broadcast', 'sum', 'slice', 'stack', 'concat'] satisfies MoveOp[];

/**
 * One data-movement step as data, over rows: row b of each buffer is its single row when shared
 * (rows = 1, every sample reads it), else row b; `out.rows` rows are written.
 * - `index`: out[b] = args[0][b][index]; `slice`: out[b] = args[0][b][index … index + out.size).
 * - `broadcast`: every float of out[b] = args[0][b][0]; `sum`: out[b] = Σ args[0][b].
 * - `stack`, `concat`: out[b] = the rows args[k][b] one after the other.
 */
export interface MoveDescription {
  op: MoveOp;
  index: number;
  out: BufferRef;
  args: readonly BufferRef[];
}

/**
 * The data-movement ops as loops over rows. Cheap next to the GEMMs: they move inputs such as
 * [x_t, t] into place.
 */
export function moveStep(d: MoveDescription): MemoryStep {
  const { out, args } = d;
  const R = out.rows;
  const n = out.size;
  const row = (r: BufferRef, b: number) => r.offset + (r.rows === 1 ? 0 : b * r.size);
  switch (d.op) {
    case 'index': { const k = d.index; return (f) => { for (let b = 0; b < R; b++) f[out.offset + b] = f[row(args[0], b) + k]; }; }
    case 'broadcast': return (f) => { for (let b = 0; b < R; b++) f.fill(f[row(args[0], b)], row(out, b), row(out, b) + n); };
    case 'sum': return (f) => {
      for (let b = 0; b < R; b++) {
        let s = 0;
        const o = row(args[0], b);
        for (let j = 0; j < args[0].size; j++) s += f[o + j];
        f[out.offset + b] = s;
      }
    };
    case 'slice': { const k = d.index; return (f) => { for (let b = 0; b < R; b++) f.copyWithin(row(out, b), row(args[0], b) + k, row(args[0], b) + k + n); }; }
    case 'stack': case 'concat': return (f) => {
      for (let b = 0; b < R; b++) {
        let o = row(out, b);
        for (const a of args) {
          const from = row(a, b);
          for (let j = 0; j < a.size; j++) f[o + j] = f[from + j];
          o += a.size;
        }
      }
    };
  }
}
