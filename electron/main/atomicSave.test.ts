import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { saveAtomically, SaveError } from './atomicSave.ts';
import { diskFullAfter, realFs, renameFails, tempDir } from './testing.ts';

const OLD = '{"format":"sde-studio-graph","version":1,"old":true}';
const NEW = '{"format":"sde-studio-graph","version":1,"new":true,"padding":"' + 'x'.repeat(10_000) + '"}';

describe('saveAtomically', () => {
  it('replaces the file and leaves no temporary file', async () => {
    const dir = await tempDir();
    const path = join(dir, 'model.sdegraph');
    await writeFile(path, OLD);
    await saveAtomically(realFs, path, NEW);
    expect(await readFile(path, 'utf8')).toBe(NEW);
    expect(await readdir(dir)).toEqual(['model.sdegraph']);
  });

  it('leaves the old file intact when the write fails midway (disk full)', async () => {
    const dir = await tempDir();
    const path = join(dir, 'model.sdegraph');
    await writeFile(path, OLD);
    const error = await saveAtomically(diskFullAfter(100), path, NEW).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SaveError);
    expect((error as SaveError).message).toBe('Could not save model.sdegraph: the disk is full. The file on disk was not changed.');
    expect(await readFile(path, 'utf8')).toBe(OLD);
    expect(await readdir(dir)).toEqual(['model.sdegraph']); // the partial temp file is gone
  });

  it('leaves the old file intact when the rename fails', async () => {
    const dir = await tempDir();
    const path = join(dir, 'model.sdegraph');
    await writeFile(path, OLD);
    await expect(saveAtomically(renameFails(), path, NEW)).rejects.toThrow(/permission denied/);
    expect(await readFile(path, 'utf8')).toBe(OLD);
    expect(await readdir(dir)).toEqual(['model.sdegraph']);
  });

  it('reports a missing folder', async () => {
    const dir = await tempDir();
    await expect(saveAtomically(realFs, join(dir, 'nope', 'a.json'), NEW)).rejects.toThrow('the folder does not exist');
  });
});
