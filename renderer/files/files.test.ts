/**
 * The autosave keeps the data files with the document: written once by content key beside the
 * record, read back after a reload, and a new document starts without the old one's files.
 */
import { describe, expect, it } from 'vitest';
import { createDataFileBlobs, namedHashes, type KeyValueLike } from '../host/dataFileBlobs.ts';
import type { AutosaveRecord, Host } from '../host/types.ts';
import { analysisGraph, TEST_CATALOG, textBytes } from '../run/testing.ts';
import { DocumentStore } from '../state/document.svelte.ts';
import { ToastStore } from '../state/toasts.svelte.ts';
import { FileController } from './files.svelte.ts';

/** A host whose autosave and data files live in memory, shared by the "windows" of one test. */
function memoryHost() {
  const kv = new Map<string, unknown>();
  const store: KeyValueLike = {
    get: async <T>(key: string) => kv.get(key) as T | undefined,
    keys: async (prefix: string) => [...kv.keys()].filter((k) => k.startsWith(prefix)),
    set: async (key: string, value: unknown) => void kv.set(key, value),
    delete: async (key: string) => void kv.delete(key),
  };
  let record: AutosaveRecord | null = null;
  const host = {
    kind: 'web',
    autosave: {
      get: async () => record,
      set: async (r: AutosaveRecord) => void (record = structuredClone(r)),
      clear: async () => void (record = null),
    },
    dataFiles: createDataFileBlobs(store, async () => namedHashes([record])),
    recentFiles: async () => [],
    setDirty: () => {},
  } as unknown as Host;
  return { host, kv, record: () => record };
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(condition()).toBe(true);
}

function window(host: Host) {
  const docs = new DocumentStore();
  const files = new FileController(host, docs, new ToastStore(), TEST_CATALOG);
  return { docs, files };
}

describe('autosave with data files', () => {
  it('writes the files the document names once, and a reload gets them back', async () => {
    const mem = memoryHost();
    const first = window(mem.host);
    await first.files.start();
    first.docs.load(analysisGraph());
    first.docs.dataFiles.add('atoms.txt', textBytes('0 0 0'));
    first.docs.dataFiles.add('unused.txt', textBytes('1 1 1')); // named by no param: not kept
    first.files.track(); // a clean document: written at once
    await until(() => mem.record() !== null);
    const hash = first.docs.dataFiles.get('atoms.txt')!.hash;
    expect(mem.record()?.files).toEqual({ 'atoms.txt': hash });
    expect([...mem.kv.keys()].filter((k) => k.startsWith('datafile:'))).toEqual([`datafile:${hash}`]);

    // Another autosave of the same document writes the record only.
    first.docs.apply({ ...first.docs.doc, name: 'renamed' }, 'Rename');
    first.files.track(); // now dirty: waits for the interval, or a flush
    await first.files.flush();
    expect(mem.record()?.dirty).toBe(true);
    expect([...mem.kv.keys()].filter((k) => k.startsWith('datafile:'))).toHaveLength(1);

    // The reload: the draft is offered; restoring it brings the bytes back.
    const second = window(mem.host);
    await second.files.start();
    expect(second.files.restoreOffer).not.toBeNull();
    second.files.restore();
    await until(() => second.docs.dataFiles.get('atoms.txt') !== undefined);
    expect(new TextDecoder().decode(second.docs.dataFiles.get('atoms.txt')!.bytes)).toBe('0 0 0');
  });

  it('a new document starts without the previous one\'s files', async () => {
    const { host } = memoryHost();
    const w = window(host);
    await w.files.start();
    w.docs.load(analysisGraph());
    w.docs.dataFiles.add('atoms.txt', textBytes('0 0 0'));
    await w.files.newDocument();
    expect(w.docs.dataFiles.bytes.size).toBe(0);
  });
});
