import { describe, expect, test } from 'vitest';
import { renderFunctionJs } from '../backends/cpu/renderJs.ts';
import { packTables, tableOffsets } from '../backends/tables.ts';
import { renderFunctionWgsl } from '../backends/webgpu/renderWgsl.ts';
import { IRBuilder } from './builder.ts';
import { emitFunction } from './emit.ts';
import { tableRowIndex } from './fold.ts';
import { gradient } from './gradient.ts';
import { interpretIR } from './interpret.ts';
import { OP_CASES, testRng } from './opCases.ts';
import { printIR } from './print.ts';
import { SCALAR, vectorType, type IRFunction, type IRNode, type IRTable } from './types.ts';
import { countFlops, validateIR } from './validate.ts';

/** 4 rows × 3 cols with values that show up in source text if a generator ever embeds them. */
const TABLE: IRTable = { rows: 4, cols: 3, data: Float64Array.from({ length: 12 }, (_, k) => 0.123456789 + k) };
const OTHER: IRTable = { rows: 2, cols: 3, data: Float64Array.of(-1.5, -2.5, -3.5, 7.25, 8.25, 9.25) };

/** s → [row ⌊s⌋ of TABLE ⊙ row ⌊s⌋ of OTHER, row ⌊s + 1⌋ of TABLE]: two tables, one read twice. */
function twoTables(): IRFunction {
  const b = new IRBuilder('rows', [{ name: 's', type: SCALAR }]);
  const s = b.param(0);
  return b.build([b.mul(b.tableRow(TABLE, s), b.tableRow(OTHER, s)), b.tableRow(TABLE, b.add(s, b.constant(1)))]);
}

const INDICES = [-Infinity, -3, -0.5, 0, 0.25, 0.999, 1, 1.5, 2, 2.75, 3, 3.5, 11, Infinity, NaN, -0];

describe('table_row semantics', () => {
  test('the row is ⌊x⌋ clamped to [0, rows − 1]; NaN gives row 0', () => {
    expect(INDICES.map((x) => tableRowIndex(x, 4))).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 3, 3, 0, 0]);
    expect(tableRowIndex(1e300, 1)).toBe(0);
  });

  test('the interpreter returns that row of the right table', () => {
    const fn = twoTables();
    expect(fn.tables).toEqual([TABLE, OTHER]);
    for (const x of INDICES) {
      const [product, next] = interpretIR(fn, [x]);
      const r = tableRowIndex(x, 4);
      const q = tableRowIndex(x, 2);
      expect(Array.from(product)).toEqual([0, 1, 2].map((k) => TABLE.data[r * 3 + k] * OTHER.data[q * 3 + k]));
      const r1 = tableRowIndex(x + 1, 4);
      expect(Array.from(next)).toEqual(Array.from(TABLE.data.subarray(r1 * 3, r1 * 3 + 3)));
    }
  });

  test('a function without tables has no tables field, and one that reads tables lists each once', () => {
    const b = new IRBuilder('plain', [{ name: 'x', type: SCALAR }]);
    expect(b.build([b.param(0)])).not.toHaveProperty('tables');
    expect(twoTables().tables).toHaveLength(2);
  });

  test('the builder refuses a malformed table or a vector index', () => {
    const b = new IRBuilder('f', [{ name: 'x', type: vectorType(2) }]);
    expect(() => b.tableRow({ rows: 2, cols: 2, data: new Float64Array(3) }, b.constant(0))).toThrow(/2 × 2 .* has 3 values/);
    expect(() => b.tableRow(TABLE, b.param(0))).toThrow(/not a scalar/);
  });
});

describe('table_row in the validator, printer and flop count', () => {
  const base = (node: IRNode, tables: readonly IRTable[] = [TABLE]): IRFunction => ({
    name: 'f', params: [{ name: 's', type: SCALAR }, { name: 'v', type: vectorType(3) }],
    nodes: [{ op: 'param', args: [], type: SCALAR, index: 0 }, { op: 'param', args: [], type: vectorType(3), index: 1 }, node],
    outputs: [2], tables,
  });

  test('accepts a well-formed read', () => {
    expect(validateIR(base({ op: 'table_row', args: [0], type: vectorType(3), index: 0 }))).toEqual([]);
  });

  test.each([
    ['a table the function does not have', { op: 'table_row', args: [0], type: vectorType(3), index: 1 }, [TABLE], /table 1 does not exist/],
    ['a vector index', { op: 'table_row', args: [1], type: vectorType(3), index: 0 }, [TABLE], /not a scalar/],
    ['a result of the wrong length', { op: 'table_row', args: [0], type: vectorType(4), index: 0 }, [TABLE], /not a row of 3/],
    ['two args', { op: 'table_row', args: [0, 0], type: vectorType(3), index: 0 }, [TABLE], /expects 1 args/],
    ['a table whose data does not match its size', { op: 'table_row', args: [0], type: vectorType(3), index: 0 }, [{ rows: 4, cols: 3, data: new Float64Array(11) }], /table 0 of 4 × 3 holds 11 values/],
  ] as [string, IRNode, IRTable[], RegExp][])('flags %s', (_, node, tables, message) => {
    const problems = validateIR(base(node, tables));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });

  test('prints the tables by size only, and counts the load as 0 flops', () => {
    const fn = twoTables();
    const text = printIR(fn);
    expect(text).toMatch(/table 0: f64\[4, 3\]/);
    expect(text).toMatch(/table 1: f64\[2, 3\]/);
    expect(text).toMatch(/%\d+ = table_row %0 of table 1 : f64\[3\]/);
    expect(text).not.toMatch(/0\.123456789/);
    // The one multiplication of 3 elements and the index's addition; the loads are free.
    expect(countFlops(fn)).toBe(3 + 1);
  });
});

describe('table_row through the IR passes', () => {
  test('inlining and the derivative passes carry the tables; the index gets a zero gradient', () => {
    const fn = twoTables();
    const b = new IRBuilder('outer', [{ name: 'y', type: SCALAR }]);
    const [product] = emitFunction(b, fn, [b.mul(b.param(0), b.constant(2))]);
    const inlined = b.build([b.sum(product)]);
    expect(validateIR(inlined)).toEqual([]);
    expect(inlined.tables).toEqual([TABLE, OTHER]);
    const g = gradient(inlined, [0]);
    expect(validateIR(g)).toEqual([]);
    expect(g.tables).toEqual([TABLE, OTHER]);
    const [value, dy] = interpretIR(g, [1.3]);
    expect(value[0]).toBeCloseTo([0, 1, 2].reduce((a, k) => a + TABLE.data[2 * 3 + k] * OTHER.data[3 + k], 0), 12);
    expect(Array.from(dy)).toEqual([0]);
  });

  test('the op case of opCases keeps the op and validates', () => {
    for (const seed of [1, 2, 3]) {
      const c = OP_CASES.table_row(testRng(seed));
      expect(validateIR(c.fn)).toEqual([]);
      expect(c.fn.nodes.filter((n) => n.op === 'table_row')).toHaveLength(2);
      expect(c.fn.tables).toHaveLength(1);
    }
  });
});

describe('table_row rendering', () => {
  // A third table first, so the tables under test sit at non-zero offsets of the flat array.
  const DECOY: IRTable = { rows: 1, cols: 2, data: Float64Array.of(99, 98) };

  test('JavaScript reads the same values as the interpreter, from a flat array at the given offsets', () => {
    const fn = twoTables();
    const all = [DECOY, ...(fn.tables ?? [])];
    const offsets = tableOffsets(all);
    const flat = packTables(all, (n) => new Float64Array(n));
    const r = renderFunctionJs(fn, { params: [['s']], tables: (k) => ({ array: 'TABLES', offset: offsets[k + 1] }) }, 'v');
    const source = `${r.lines.join('\n')}\nreturn [${r.outputs.flat().join(', ')}];`;
    expect(source).not.toMatch(/0\.123456789|7\.25/);
    const f = new Function('TABLES', 's', source) as (tables: Float64Array, s: number) => number[];
    for (const x of INDICES) {
      const expected = interpretIR(fn, [x]).flatMap((v) => Array.from(v));
      expect(f(flat, x), `index ${x}`).toEqual(expected);
    }
  });

  test('WGSL reads u32 offsets into the tables buffer, with sizes and never values in the source', () => {
    const fn = twoTables();
    const offsets = tableOffsets(fn.tables);
    const w = renderFunctionWgsl(fn, { params: [['s']], tables: (k) => ({ array: 'tables', offset: offsets[k] }) }, 'v');
    const text = w.lines.join('\n');
    expect(w.lines.every((l) => l.startsWith('let '))).toBe(true);
    expect(text).toMatch(/let v\d+r = \(3u \* select\(select\(0u, u32\(floor\(s\)\), s >= 1\.0\), 3u, s >= 3\.0\)\);/);
    expect(text).toMatch(/let v\d+r = \(12u \+ 3u \* select\(select\(0u, u32\(floor\(s\)\), s >= 1\.0\), 1u, s >= 1\.0\)\);/);
    expect(text).toMatch(/tables\[v\d+r \+ 2u\]/);
    expect(text).not.toMatch(/0\.123456789|7\.25/);
  });

  test('rendering a function that reads tables without a table binding says so', () => {
    expect(() => renderFunctionJs(twoTables(), { params: [['s']] }, 'v')).toThrow(/no table array is bound/);
    expect(() => renderFunctionJs(twoTables(), { params: [['s']], tables: () => ({ array: 'T[0]', offset: 0 }) }, 'v')).toThrow(/bad table binding/);
  });
});

describe('table_row of a constant index', () => {
  test('folds to the row as constants, and the table is not attached', () => {
    const b = new IRBuilder('f', []);
    const fn = b.build([b.tableRow(TABLE, b.constant(2.9)), b.tableRow(TABLE, b.constant(NaN))]);
    expect(fn.nodes.some((n) => n.op === 'table_row')).toBe(false);
    expect(fn).not.toHaveProperty('tables');
    expect(interpretIR(fn, []).map((v) => Array.from(v))).toEqual([Array.from(TABLE.data.subarray(6, 9)), Array.from(TABLE.data.subarray(0, 3))]);
  });
});
