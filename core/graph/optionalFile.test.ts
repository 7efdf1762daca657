import { describe, expect, test } from 'vitest';
import { makeCatalog, type ParamSpec, type ValueDefinition } from './catalog.ts';
import { fileRefs } from './fileRefs.ts';
import { checkValue } from './params.ts';
import type { GraphDocument } from './types.ts';
import { validateGraph } from './validate.ts';

const OPTIONAL: ParamSpec = { name: 'weights', kind: 'file', default: '', optional: true, extensions: ['.onnx'], doc: 'optional' };
const REQUIRED: ParamSpec = { name: 'structure', kind: 'file', default: 'a.pdb', extensions: ['.pdb'], doc: 'required' };

/** A value node with one optional and one required file, whose resolve records the files it saw. */
const seen: (string | undefined)[][] = [];
const node: ValueDefinition = {
  role: 'value', type: 'test.files', title: 'files', doc: '', inputs: [], outputs: [], params: [OPTIONAL, REQUIRED],
  resolve: (p, ctx) => seen.push([p.weights as string, ctx.file(p.weights as string) ? 'loaded' : undefined]),
};
const catalog = makeCatalog([node]);
const doc = (params: Record<string, string>): GraphDocument => ({ format: 'sde-studio.graph', version: 1, nodes: [{ id: 'n', type: 'test.files', params }], edges: [] });

describe('optional file params', () => {
  test("'' is valid only for an optional file param, and names no file", () => {
    expect(checkValue(OPTIONAL, '')).toBeUndefined();
    expect(checkValue(REQUIRED, '')).toMatch(/must be a file path/);
    expect(checkValue(OPTIONAL, '  ')).toMatch(/must be a file path/);
    expect(checkValue(OPTIONAL, 'w.txt')).toMatch(/not a \.onnx file/);
    expect(fileRefs(doc({}), catalog)).toEqual([{ nodeId: 'n', param: 'structure', path: 'a.pdb' }]);
    expect(fileRefs(doc({ weights: 'w.onnx' }), catalog)).toContainEqual({ nodeId: 'n', param: 'weights', path: 'w.onnx' });
  });

  test('validation loads a given optional file and reports it missing, and resolves without it when empty', () => {
    const files = new Map([['a.pdb', new Uint8Array(1)], ['w.onnx', new Uint8Array(1)]]);
    seen.length = 0;
    expect(validateGraph(doc({}), catalog, { files }).problems).toEqual([]);
    expect(validateGraph(doc({ weights: 'w.onnx' }), catalog, { files }).problems).toEqual([]);
    expect(seen).toEqual([['', undefined], ['w.onnx', 'loaded']]);
    expect(validateGraph(doc({ weights: 'gone.onnx' }), catalog, { files }).problems)
      .toEqual([expect.objectContaining({ nodeId: 'n', param: 'weights', message: expect.stringMatching(/file 'gone.onnx' is not available/) })]);
  });
});
