import { describe, expect, it } from 'vitest';
import { hashBytes } from '../run/subgraphKey.ts';
import { DataFileStore, formatMegabytes } from './dataFiles.svelte.ts';

const bytes = (n: number, fill = 1) => new Uint8Array(n).fill(fill);

describe('DataFileStore', () => {
  it('keeps bytes by path, with their content keys, and replaces a path', () => {
    const store = new DataFileStore(100);
    expect(store.add('a.pdb', bytes(10))).toEqual({ ok: true });
    expect(store.add('data/b.xyz', bytes(20, 2))).toEqual({ ok: true });
    expect([...store.bytes.keys()]).toEqual(['a.pdb', 'data/b.xyz']);
    expect(store.hashes.get('a.pdb')).toBe(hashBytes(bytes(10)));
    expect(store.totalBytes).toBe(30);
    const before = store.bytes;
    store.add('a.pdb', bytes(10, 9)); // same name, other content
    expect(store.bytes).not.toBe(before); // a new map, so validation runs again
    expect(store.hashes.get('a.pdb')).toBe(hashBytes(bytes(10, 9)));
    expect(store.totalBytes).toBe(30);
  });

  it('refuses a file over the limit, and one that does not fit beside the files the document names', () => {
    const store = new DataFileStore(100);
    expect(store.add('huge.pdb', bytes(101))).toEqual({ ok: false, message: expect.stringMatching(/^huge\.pdb is 101 B; a graph can keep at most 100 B of data files/) });
    store.add('a.pdb', bytes(60));
    const refused = store.add('b.pdb', bytes(50), new Set(['a.pdb']));
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.message).toMatch(/b\.pdb \(50 B\) does not fit: with the other files this graph uses it would be 110 B, over the 100 B/);
    expect([...store.bytes.keys()]).toEqual(['a.pdb']); // unchanged
  });

  it('makes room by dropping files the document no longer names', () => {
    const store = new DataFileStore(100);
    store.add('old.pdb', bytes(60));
    store.add('kept.pdb', bytes(30));
    expect(store.add('new.pdb', bytes(50), new Set(['kept.pdb']))).toEqual({ ok: true });
    expect([...store.bytes.keys()].sort()).toEqual(['kept.pdb', 'new.pdb']);
  });

  it('reset replaces every file; restore adds stored ones up to the limit', () => {
    const store = new DataFileStore(100);
    store.add('a.pdb', bytes(10));
    store.reset([['example.pdb', bytes(40)]]);
    expect([...store.bytes.keys()]).toEqual(['example.pdb']);
    store.restore([['x.xyz', { bytes: bytes(50), hash: 'h1' }], ['y.xyz', { bytes: bytes(50), hash: 'h2' }]]);
    expect([...store.bytes.keys()]).toEqual(['example.pdb', 'x.xyz']);
    expect(store.get('x.xyz')?.hash).toBe('h1');
    store.reset();
    expect(store.bytes.size).toBe(0);
  });
});

describe('formatMegabytes', () => {
  it('says sizes the way the messages do', () => {
    expect(formatMegabytes(999)).toBe('999 B');
    expect(formatMegabytes(12_345)).toBe('12.3 kB');
    expect(formatMegabytes(20_000_000)).toBe('20 MB');
  });
});
