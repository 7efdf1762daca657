import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { RecentFiles } from './recent.ts';
import { realFs, tempDir } from './testing.ts';

describe('RecentFiles', () => {
  it('survives a restart and drops files that no longer exist', async () => {
    const dir = await tempDir();
    const store = join(dir, 'userData', 'recent.json');
    const [a, b, c] = ['a.sdegraph', 'b.json', 'c.sdegraph'].map((n) => join(dir, n));
    for (const p of [a, b, c]) await writeFile(p!, '{}');
    const osRecent = vi.fn();
    let t = 1000;
    const first = new RecentFiles({ fs: realFs, file: store, addRecentDocument: osRecent, now: () => t++ });
    await first.add(a!);
    await first.add(b!);
    await first.add(c!);
    await first.add(a!); // reopened: moves to the top, no duplicate
    expect(osRecent).toHaveBeenCalledTimes(4);
    expect(osRecent).toHaveBeenLastCalledWith(a);

    // "Restart": a new instance reads the same file. Meanwhile b was deleted.
    await rm(b!);
    const second = new RecentFiles({ fs: realFs, file: store });
    const list = await second.list();
    expect(list.map((r) => r.path)).toEqual([a, c]);
    expect(list[0]).toMatchObject({ key: a, name: 'a.sdegraph', path: a, at: 1003 });
    // The drop was persisted.
    expect((await new RecentFiles({ fs: realFs, file: store }).list()).map((r) => r.name)).toEqual(['a.sdegraph', 'c.sdegraph']);
    expect(await second.has(c!)).toBe(true);
    expect(await second.has(b!)).toBe(false);
  });

  it('keeps at most `max` entries and ignores a damaged store', async () => {
    const dir = await tempDir();
    const store = join(dir, 'recent.json');
    await writeFile(store, 'not json');
    const recent = new RecentFiles({ fs: realFs, file: store, max: 2 });
    expect(await recent.list()).toEqual([]);
    for (const n of ['1.json', '2.json', '3.json']) {
      await writeFile(join(dir, n), '{}');
      await recent.add(join(dir, n));
    }
    expect((await recent.list()).map((r) => r.name)).toEqual(['3.json', '2.json']);
  });
});
