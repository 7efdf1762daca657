import { describe, expect, it } from 'vitest';
import { parseGraph, serializeGraph } from '../../core/graph/document.ts';
import { fileRefs } from '../../core/graph/fileRefs.ts';
import { CATALOG } from '../catalog.ts';
import { analysisGraph, TEST_CATALOG, textBytes } from '../run/testing.ts';
import { EXAMPLES, exampleFiles, normalizeRelativePath } from './examples.ts';

describe('example data files', () => {
  it('normalizes relative paths and refuses ones that leave the folder', () => {
    expect(normalizeRelativePath('alpha-helix.pdb')).toBe('alpha-helix.pdb');
    expect(normalizeRelativePath('./data//lj13.xyz')).toBe('data/lj13.xyz');
    expect(normalizeRelativePath('data\\..\\lj13.xyz')).toBe('lj13.xyz');
    expect(normalizeRelativePath('../secret.pdb')).toBeUndefined();
    expect(normalizeRelativePath('.')).toBeUndefined();
  });

  it('loads the files an example names, by the path as written', async () => {
    const data = new Map([['shapes/atoms.txt', async () => textBytes('0 0 0')]]);
    const text = serializeGraph(analysisGraph({ file: './shapes/atoms.txt' }));
    const files = await exampleFiles({ text }, data, TEST_CATALOG);
    expect([...files.keys()]).toEqual(['./shapes/atoms.txt']);
    expect(new TextDecoder().decode(files.get('./shapes/atoms.txt'))).toBe('0 0 0');
    // A path with no shipped file is left out (validation then says so on the node).
    expect((await exampleFiles({ text: serializeGraph(analysisGraph({ file: 'other.txt' })) }, data, TEST_CATALOG)).size).toBe(0);
  });

  it('every shipped example has the data files it names', async () => {
    for (const example of EXAMPLES) {
      const files = await exampleFiles(example);
      const refs = fileRefs(parseGraph(example.text).doc!, CATALOG);
      expect([...files.keys()].sort(), example.file).toEqual([...new Set(refs.map((r) => r.path))].sort());
    }
  });
});
