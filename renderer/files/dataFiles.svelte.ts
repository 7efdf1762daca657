/**
 * The data files of the open document (what its `file` params name: structures, arrays, tables),
 * by the path as written in the param. A graph file holds only the paths; the bytes come from
 * Choose… in the inspector, from the examples, or from the autosave after a reload. Validation,
 * the plan view and runs read `bytes`; the results cache keys on `hashes`.
 */
import type { FileStore } from '../../core/graph/validate.ts';
import { MAX_DATA_FILE_BYTES } from '../host/types.ts';
import { hashBytes } from '../run/subgraphKey.ts';

export { MAX_DATA_FILE_BYTES };

/** One stored file: its bytes and their content key (see hashBytes). */
export interface DataFile {
  bytes: Uint8Array;
  hash: string;
}

/** What `add` did: stored, or why not (said to the user as is). */
export type AddResult = { ok: true } | { ok: false; message: string };

export class DataFileStore {
  /** Replaced whole on every change, so readers (validation, views) react. */
  entries = $state.raw<ReadonlyMap<string, DataFile>>(new Map());
  /** Bytes by path, the shape validation and compilation take. */
  readonly bytes: FileStore = $derived(new Map([...this.entries].map(([path, f]) => [path, f.bytes])));
  /** Content keys by path, for the results cache and the autosave. */
  readonly hashes: ReadonlyMap<string, string> = $derived(new Map([...this.entries].map(([path, f]) => [path, f.hash])));
  readonly totalBytes: number = $derived([...this.entries.values()].reduce((sum, f) => sum + f.bytes.byteLength, 0));

  constructor(readonly maxBytes = MAX_DATA_FILE_BYTES) {}

  /**
   * Stores `bytes` under `path` (replacing what was there). When the store would grow past
   * `maxBytes`, files not in `keep` (the paths the document names) go first; if it still does
   * not fit, nothing changes and the result says why.
   */
  add(path: string, bytes: Uint8Array, keep: ReadonlySet<string> = new Set()): AddResult {
    if (bytes.byteLength > this.maxBytes) {
      return { ok: false, message: `${path} is ${formatMegabytes(bytes.byteLength)}; a graph can keep at most ${formatMegabytes(this.maxBytes)} of data files in the app (the command line has no limit)` };
    }
    const next = new Map(this.entries);
    next.delete(path);
    let total = bytes.byteLength + [...next.values()].reduce((sum, f) => sum + f.bytes.byteLength, 0);
    for (const [other, f] of [...next]) {
      if (total <= this.maxBytes) break;
      if (keep.has(other)) continue;
      next.delete(other);
      total -= f.bytes.byteLength;
    }
    if (total > this.maxBytes) {
      return { ok: false, message: `${path} (${formatMegabytes(bytes.byteLength)}) does not fit: with the other files this graph uses it would be ${formatMegabytes(total)}, over the ${formatMegabytes(this.maxBytes)} the app keeps` };
    }
    next.set(path, { bytes, hash: hashBytes(bytes) });
    this.entries = next;
    return { ok: true };
  }

  /** Replaces every file (another document was opened), e.g. with an example's files. */
  reset(files: Iterable<[string, Uint8Array]> = []): void {
    const next = new Map<string, DataFile>();
    for (const [path, bytes] of files) next.set(path, { bytes, hash: hashBytes(bytes) });
    this.entries = next;
  }

  /** Adds files restored from storage, already hashed; skips any beyond the limit. */
  restore(files: Iterable<[string, DataFile]>): void {
    const next = new Map(this.entries);
    let total = [...next.values()].reduce((sum, f) => sum + f.bytes.byteLength, 0);
    for (const [path, f] of files) {
      if (total + f.bytes.byteLength > this.maxBytes) continue;
      next.set(path, f);
      total += f.bytes.byteLength;
    }
    this.entries = next;
  }

  get(path: string): DataFile | undefined {
    return this.entries.get(path);
  }
}

/** `1.4 MB` style size for messages and the inspector. */
export function formatMegabytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const [value, unit] = bytes < 1e6 ? [bytes / 1e3, 'kB'] : [bytes / 1e6, 'MB'];
  return `${value.toFixed(1).replace(/\.0$/, '')} ${unit}`;
}
