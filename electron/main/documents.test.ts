import { describe, expect, it } from 'vitest';
import { documentsFromArgv, windowTitle } from './documents.ts';

describe('documents', () => {
  it('takes graph files from a command line', () => {
    expect(documentsFromArgv(['--inspect', '.', 'a.sdegraph', '/x/B.JSON', 'notes.txt', 'dist/electron/main.cjs'], '/home/u')).toEqual(['/home/u/a.sdegraph', '/x/B.JSON']);
  });
  it('titles the window with the file name and a dirty marker', () => {
    expect(windowTitle('/d/ou.sdegraph', true)).toBe('ou.sdegraph • — SDE Studio');
    expect(windowTitle(null, false)).toBe('Untitled — SDE Studio');
  });
});
