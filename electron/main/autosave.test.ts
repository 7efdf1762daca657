import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AutosaveRecord } from '../../renderer/host/types.ts';
import { AutosaveStore } from './autosave.ts';
import { realFs, tempDir } from './testing.ts';

const draft = (text: string, at: number, dirty = true): AutosaveRecord => ({ text, file: { name: 'ou.sdegraph', path: '/x/ou.sdegraph' }, savedText: '{}', dirty, at });

describe('AutosaveStore (crash recovery)', () => {
  it('finds and offers the autosave of a window that crashed', async () => {
    const dir = join(await tempDir(), 'autosave');
    // Session 1: window "a1" autosaves unsaved work, then the process is killed (no clean close).
    const before = new AutosaveStore(realFs, dir);
    await before.set('a1', draft('{"v":1}', 1));
    await before.set('a1', draft('{"v":2}', 2));

    // Session 2: a new store (new process), a new window "b2" asks what to resume.
    const after = new AutosaveStore(realFs, dir);
    expect((await after.orphans(new Set(['b2']))).map((o) => o.key)).toEqual(['a1']);
    const offered = await after.get('b2', { adopt: true, liveKeys: new Set(['b2']) });
    expect(offered).toEqual(draft('{"v":2}', 2));
    // Adopted: it now belongs to b2 (a reload of b2 finds it again), and is no longer an orphan.
    expect(await readdir(dir)).toEqual(['b2.json']);
    expect(await after.get('b2', { adopt: false, liveKeys: new Set(['b2']) })).toEqual(offered);
  });

  it('adopts the newest unsaved draft, skips live windows, deletes saved leftovers', async () => {
    const dir = join(await tempDir(), 'autosave');
    const store = new AutosaveStore(realFs, dir);
    await store.set('old', draft('old', 10));
    await store.set('newer', draft('newer', 20));
    await store.set('clean', draft('clean', 30, false));
    await store.set('alive', draft('alive', 40));
    const got = await store.get('me', { adopt: true, liveKeys: new Set(['me', 'alive']) });
    expect(got?.text).toBe('newer');
    expect((await readdir(dir)).sort()).toEqual(['alive.json', 'me.json', 'old.json']);
  });

  it('does not adopt for a window opened for a file, and a clean close clears', async () => {
    const dir = join(await tempDir(), 'autosave');
    const store = new AutosaveStore(realFs, dir);
    await store.set('gone', draft('gone', 1));
    expect(await store.get('w', { adopt: false, liveKeys: new Set(['w']) })).toBeNull();
    await store.clear('gone');
    expect(await store.orphans(new Set())).toEqual([]);
  });

  it('refuses window keys that could escape the folder', async () => {
    const store = new AutosaveStore(realFs, await tempDir());
    await expect(store.set('../evil', draft('x', 1))).rejects.toThrow('Invalid window key');
  });
});
