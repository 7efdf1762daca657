import type { IRNode } from '../ir/types.ts';
import type { StepBuffer } from './bufferPlan.ts';
import type { MemoryStep } from './regionCode.ts';

/**
 * The data-movement ops of a batched program as loops over rows: each row is one sample (or the
 * single row of a shared value, which every sample reads). Cheap next to the GEMMs: they move
 * inputs such as [x_t, t] into place.
 */
/** index, stack, concat, slice, broadcast and sum of `node`, writing `out` from `args`. */
export function moveStep(node: IRNode, out: StepBuffer, args: StepBuffer[], row: (r: StepBuffer, b: number) => number): MemoryStep {
  const R = out.rows;
  const n = out.size;
  switch (node.op) {
    case 'index': { const k = node.index ?? 0; return (f) => { for (let b = 0; b < R; b++) f[out.offset + b] = f[row(args[0], b) + k]; }; }
    case 'broadcast': return (f) => { for (let b = 0; b < R; b++) f.fill(f[row(args[0], b)], row(out, b), row(out, b) + n); };
    case 'sum': return (f) => {
      for (let b = 0; b < R; b++) {
        let s = 0;
        const o = row(args[0], b);
        for (let j = 0; j < args[0].size; j++) s += f[o + j];
        f[out.offset + b] = s;
      }
    };
    case 'slice': { const k = node.index ?? 0; return (f) => { for (let b = 0; b < R; b++) f.copyWithin(row(out, b), row(args[0], b) + k, row(args[0], b) + k + n); }; }
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
    default: throw new Error(`compileBatchedLoss: op '${node.op}' has no batched implementation`);
  }
}
