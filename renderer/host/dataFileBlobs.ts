/**
 * The autosave's data-file bytes in IndexedDB, by content key: `datafile:<key>` holds the bytes
 * and `datafile-at:<key>` when they were stored (small, so that collecting reads no bytes). Both
 * hosts use it (the Electron renderer has its own IndexedDB on app://renderer); they differ only
 * in how they list the keys that autosave records still name.
 */
import type { DataFileBlobs } from './types.ts';

const BYTES = 'datafile:';
const STORED_AT = 'datafile-at:';

/** Unnamed bytes younger than this stay: another window may be about to write the record naming them. */
export const COLLECT_GRACE_MS = 10 * 60 * 1000;

/** The key-value surface used (idb.ts's `keyValue`, or a Map in tests). */
export interface KeyValueLike {
  get<T>(key: string): Promise<T | undefined>;
  keys(prefix: string): Promise<string[]>;
  set(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
}

/**
 * Data-file bytes over `kv`. `named` lists the content keys that any autosave record (of any
 * window) names; `collect` deletes the others once they are older than {@link COLLECT_GRACE_MS}.
 */
export function createDataFileBlobs(kv: KeyValueLike, named: () => Promise<ReadonlySet<string>>, now: () => number = Date.now): DataFileBlobs {
  return {
    async get(hash) {
      return (await kv.get<Uint8Array>(BYTES + hash)) ?? null;
    },
    async put(hash, bytes) {
      if ((await kv.get<number>(STORED_AT + hash)) !== undefined) return;
      await kv.set(BYTES + hash, bytes);
      await kv.set(STORED_AT + hash, now());
    },
    async collect() {
      const keep = await named();
      for (const key of await kv.keys(STORED_AT)) {
        const hash = key.slice(STORED_AT.length);
        if (keep.has(hash)) continue;
        const at = (await kv.get<number>(key)) ?? 0;
        if (now() - at < COLLECT_GRACE_MS) continue;
        await kv.delete(BYTES + hash);
        await kv.delete(key);
      }
    },
  };
}

/** The content keys a set of autosave records name. */
export function namedHashes(records: Iterable<{ files?: Record<string, string> } | null | undefined>): Set<string> {
  const set = new Set<string>();
  for (const r of records) for (const hash of Object.values(r?.files ?? {})) set.add(hash);
  return set;
}
