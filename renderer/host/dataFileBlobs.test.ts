import { describe, expect, it } from 'vitest';
import { COLLECT_GRACE_MS, createDataFileBlobs, namedHashes, type KeyValueLike } from './dataFileBlobs.ts';

function memoryKv(): KeyValueLike & { map: Map<string, unknown>; writes: string[] } {
  const map = new Map<string, unknown>();
  const writes: string[] = [];
  return {
    map, writes,
    get: async <T>(key: string) => map.get(key) as T | undefined,
    keys: async (prefix: string) => [...map.keys()].filter((k) => k.startsWith(prefix)),
    set: async (key: string, value: unknown) => void (writes.push(key), map.set(key, value)),
    delete: async (key: string) => void map.delete(key),
  };
}

describe('data-file blobs', () => {
  it('stores each content key once and reads it back', async () => {
    const kv = memoryKv();
    const blobs = createDataFileBlobs(kv, async () => new Set());
    await blobs.put('3:aaaa', Uint8Array.of(1, 2, 3));
    await blobs.put('3:aaaa', Uint8Array.of(1, 2, 3));
    expect(kv.writes).toEqual(['datafile:3:aaaa', 'datafile-at:3:aaaa']);
    expect(await blobs.get('3:aaaa')).toEqual(Uint8Array.of(1, 2, 3));
    expect(await blobs.get('3:bbbb')).toBeNull();
  });

  it('collects bytes no record names once they are older than the grace period', async () => {
    const kv = memoryKv();
    let now = 1_000_000;
    let named = new Set(['1:keep']);
    const blobs = createDataFileBlobs(kv, async () => named, () => now);
    await blobs.put('1:keep', Uint8Array.of(1));
    await blobs.put('1:drop', Uint8Array.of(2));
    await blobs.collect();
    expect(await blobs.get('1:drop')).not.toBeNull(); // young: a record naming it may be on its way
    now += COLLECT_GRACE_MS + 1;
    await blobs.collect();
    expect(await blobs.get('1:drop')).toBeNull();
    expect(await blobs.get('1:keep')).not.toBeNull();
    expect([...kv.map.keys()].sort()).toEqual(['datafile-at:1:keep', 'datafile:1:keep']);
    named = new Set();
    await blobs.collect();
    expect(kv.map.size).toBe(0);
  });

  it('namedHashes gathers the content keys of autosave records', () => {
    expect([...namedHashes([{ files: { 'a.pdb': '1:a', 'b.pdb': '1:b' } }, null, {}, { files: { 'c.pdb': '1:a' } }])].sort()).toEqual(['1:a', '1:b']);
  });
});
