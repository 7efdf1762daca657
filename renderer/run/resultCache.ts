import type { SolverResult } from './types.ts';

interface Entry<T> {
  text: string;
  result: T;
  bytes: number;
}

/**
 * The cache key of a solver's result on a backend: its subgraph key (subgraphKey.ts) prefixed by the
 * backend's name, so a CPU result is never reused as a WebGPU one (they agree only to float32).
 */
export function backendCacheKey(backend: string, subgraphKey: string): string {
  return `${backend}:${subgraphKey}`;
}

/** Bytes held by a result's arrays (samples and trajectory may share nothing, so both count). */
export function resultBytes(r: SolverResult): number {
  return r.samples.byteLength + r.trajectory.byteLength + r.times.byteLength;
}

/**
 * Solver results (or, with `sizeOf`, any other results such as trainings) by subgraph key (see
 * subgraphKey.ts), least recently used first out once the arrays exceed a byte budget. Results
 * the current document uses are never evicted by `prune`, so undoing an edit or switching back to
 * earlier params can reuse older runs too.
 */
export class ResultCache<T = SolverResult> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly sizeOf: (result: T) => number;

  /** `sizeOf` counts a result's bytes; default: a SolverResult's arrays (resultBytes). */
  constructor(private readonly budgetBytes = 512 * 1024 * 1024, sizeOf?: (result: T) => number) {
    this.sizeOf = sizeOf ?? ((r) => resultBytes(r as SolverResult));
  }

  get size(): number {
    return this.entries.size;
  }

  /** The result stored under `key` whose subgraph text is exactly `text`, or undefined. */
  get(key: string, text: string): T | undefined {
    const e = this.entries.get(key);
    if (!e || e.text !== text) return undefined;
    // Re-insert to mark it most recently used.
    this.entries.delete(key);
    this.entries.set(key, e);
    return e.result;
  }

  set(key: string, text: string, result: T): void {
    this.entries.delete(key);
    this.entries.set(key, { text, result, bytes: this.sizeOf(result) });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  /** Drops least recently used entries, except those in `keep`, until the budget holds. */
  prune(keep: ReadonlySet<string>): void {
    let total = 0;
    for (const e of this.entries.values()) total += e.bytes;
    for (const [key, e] of this.entries) {
      if (total <= this.budgetBytes) break;
      if (keep.has(key)) continue;
      this.entries.delete(key);
      total -= e.bytes;
    }
  }

  clear(): void {
    this.entries.clear();
  }
}
