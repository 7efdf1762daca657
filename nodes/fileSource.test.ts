/// <reference types="@webgpu/types" />
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runPlanCpu } from '../core/backends/cpu/runtime.ts';
import { planChunks } from '../core/backends/webgpu/chunkPlan.ts';
import { requestNodeDevice, SWIFTSHADER_ICD } from '../core/backends/webgpu/nodeDevice.ts';
import { runPlanWebGpu } from '../core/backends/webgpu/runtime.ts';
import { EXIT, runCli } from '../core/cli/main.ts';
import { compileGraph } from '../core/compile/compileGraph.ts';
import type { Plan } from '../core/compile/plan.ts';
import { formatProblem, type GraphDocument, type ParamValue } from '../core/graph/types.ts';
import { validateGraph } from '../core/graph/validate.ts';
import { decodeNpy, encodeNpy } from '../core/io/npy.ts';
import { MAX_FILE_COLUMNS } from './fileSource.ts';
import { CATALOG } from './registry.ts';
import { fileStore } from './structureTesting.ts';
import { solverGraph } from './testing.ts';

/**
 * A graph whose solver leaves the initial states as they are (zero drift, one Euler step), so the
 * samples are the source's draws.
 */
function fileGraph(file: string, source: Record<string, ParamValue> = {}, particles = 20_000, seed = 5): GraphDocument {
  return solverGraph({
    source: { type: 'source.file', params: { file, ...source } },
    drift: { type: 'drift.ou', params: { theta: 0 } },
    solver: { type: 'solver.euler', params: { t0: 0, t1: 1, steps: 1, particles, seed, record: 0 } },
  });
}

function planOf(doc: GraphDocument, files: Record<string, string | Uint8Array>): Plan {
  const compiled = compileGraph(doc, CATALOG, { files: fileStore(files) });
  if (!compiled.ok) throw new Error(compiled.problems.map(formatProblem).join('\n'));
  return compiled.plan;
}

/** Five points in R^3, as CSV with a header. */
const ROWS = [[0, 0, 0], [1, -1, 0.5], [2.5, 3, -4], [-7, 0.125, 9], [10, 20, 30]];
const CSV = `a,b,c\n${ROWS.map((r) => r.join(',')).join('\n')}\n`;

/** The row each [n, d] sample equals (as float32), or -1. */
function rowOf(samples: Float32Array, d: number, rows: readonly number[][]): number[] {
  return Array.from({ length: samples.length / d }, (_, p) =>
    rows.findIndex((r) => r.every((v, j) => Math.fround(v) === samples[p * d + j])));
}

describe('source.file on the CPU backend', () => {
  test('every sample is a row, each row drawn with frequency 1/5 within 4 standard errors', async () => {
    const plan = planOf(fileGraph('points.csv'), { 'points.csv': CSV });
    expect(plan.stages[0].dims).toBe(3);
    const [r] = await runPlanCpu(plan, { threads: 1 });
    const rows = rowOf(r.samples, 3, ROWS);
    expect(rows.filter((k) => k < 0)).toHaveLength(0);
    const n = rows.length;
    const se = Math.sqrt(0.2 * 0.8 / n);
    for (let k = 0; k < 5; k++) {
      const frequency = rows.filter((x) => x === k).length / n;
      expect(Math.abs(frequency - 0.2), `row ${k}: ${frequency}`).toBeLessThanOrEqual(4 * se);
    }
  });

  test('.npy (2-D, float32 or an integer type) and CSV of the same numbers give the same samples', async () => {
    const [fromCsv] = await runPlanCpu(planOf(fileGraph('points.csv', {}, 2000), { 'points.csv': CSV }), { threads: 1 });
    for (const data of [Float64Array.from(ROWS.flat()), Float32Array.from(ROWS.flat())]) {
      const [fromNpy] = await runPlanCpu(planOf(fileGraph('points.npy', {}, 2000), { 'points.npy': encodeNpy(data, [5, 3]) }), { threads: 1 });
      expect(Array.from(fromNpy.samples)).toEqual(Array.from(fromCsv.samples));
    }
    // A 1-D array is one column: a 1-D state.
    const plan = planOf(fileGraph('x.npy', {}, 100), { 'x.npy': encodeNpy(Float64Array.of(1, 2, 3), [3]) });
    expect(plan.stages[0].dims).toBe(1);
    const [r] = await runPlanCpu(plan, { threads: 1 });
    expect(new Set(r.samples)).toEqual(new Set([1, 2, 3]));
  });

  test('the samples do not depend on the thread count (the table shared by worker threads)', async () => {
    const plan = planOf(fileGraph('points.csv', { noise: 0.3 }, 3000), { 'points.csv': CSV });
    const [[one], [three]] = [await runPlanCpu(plan, { threads: 1 }), await runPlanCpu(plan, { threads: 3 })];
    expect(three.threads).toBe(3);
    expect(Array.from(three.samples)).toEqual(Array.from(one.samples));
  });

  test('noise adds independent N(0, noise²) to each component', async () => {
    const noise = 0.5;
    const [r] = await runPlanCpu(planOf(fileGraph('one.txt', { noise }), { 'one.txt': '1.5 -2\n' }), { threads: 1 });
    const n = r.samples.length / 2;
    const [row, sd] = [[1.5, -2], noise];
    const centred = [0, 1].map((j) => Array.from({ length: n }, (_, p) => r.samples[p * 2 + j] - row[j]));
    for (const values of centred) {
      const mean = values.reduce((a, v) => a + v, 0) / n;
      const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1);
      expect(Math.abs(mean)).toBeLessThanOrEqual(4 * sd / Math.sqrt(n));
      // The sample variance of normals has standard error σ² √(2 / (n − 1)).
      expect(Math.abs(variance - sd * sd)).toBeLessThanOrEqual(4 * sd * sd * Math.sqrt(2 / (n - 1)));
    }
    const covariance = centred[0].reduce((a, v, p) => a + v * centred[1][p], 0) / (n - 1);
    expect(Math.abs(covariance)).toBeLessThanOrEqual(4 * sd * sd / Math.sqrt(n));
    // Rows plus noise: the variance is the rows' (drawn with replacement) plus noise².
    const [m] = await runPlanCpu(planOf(fileGraph('points.csv', { noise }), { 'points.csv': CSV }), { threads: 1 });
    const column = Array.from({ length: m.samples.length / 3 }, (_, p) => m.samples[p * 3 + 2]);
    const rowsMean = ROWS.reduce((a, x) => a + x[2], 0) / 5;
    const expected = ROWS.reduce((a, x) => a + (x[2] - rowsMean) ** 2, 0) / 5 + noise * noise;
    const mean = column.reduce((a, v) => a + v, 0) / column.length;
    const variance = column.reduce((a, v) => a + (v - mean) ** 2, 0) / (column.length - 1);
    expect(variance / expected).toBeGreaterThan(0.95);
    expect(variance / expected).toBeLessThan(1.05);
  });

  test('without noise the sampler draws one uniform and no normals', () => {
    const plan = planOf(fileGraph('points.csv'), { 'points.csv': CSV });
    const ops = plan.stages[0].init.nodes.map((node) => node.op);
    expect(ops.filter((op) => op === 'random_uniform')).toHaveLength(1);
    expect(ops).not.toContain('random_normal');
    expect(plan.stages[0].init.tables).toHaveLength(1);
  });
});

describe('source.file problems are reported on param file', () => {
  /** The problems of node `init` for one file (its name picks the format). */
  function problemsFor(name: string, bytes: string | Uint8Array) {
    const problems = validateGraph(fileGraph(name), CATALOG, { files: fileStore({ [name]: bytes }) }).problems;
    expect(compileGraph(fileGraph(name), CATALOG, { files: fileStore({ [name]: bytes }) }).ok).toBe(false);
    return problems.filter((p) => p.nodeId === 'init');
  }

  /** A .npy of float64 zeros with the given shape written into its header. */
  function npyWithShape(shape: string, values: number): Uint8Array {
    let header = `{'descr': '<f8', 'fortran_order': False, 'shape': ${shape}, }`;
    header += `${' '.repeat(63 - ((10 + header.length) % 64))}\n`;
    const bytes = new Uint8Array(10 + header.length + 8 * values);
    bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
    bytes.set(new TextEncoder().encode(header), 10);
    return bytes;
  }

  const wide = Array.from({ length: MAX_FILE_COLUMNS + 1 }, (_, k) => k % 7).join(',');
  const cases: [string, string, string | Uint8Array, RegExp][] = [
    ['a 3-D array', 'cube.npy', npyWithShape('(2, 2, 2)', 8), /shape \(2, 2, 2\) \(3 dimensions\); a table needs 1 .* or 2/],
    ['NaN in a CSV (line and column)', 'nan.csv', 'x,y\n1,2\n3,nan\n', /line 3, column 2: 'nan' is not a finite number/],
    ['NaN in a .npy (row and column)', 'nan.npy', encodeNpy(Float64Array.of(1, 2, NaN, 4), [2, 2]), /row 2, column 1 .* is NaN/],
    ['an empty file', 'empty.csv', '', /'empty\.csv' is empty/],
    ['an empty .npy', 'empty.npy', new Uint8Array(0), /'empty\.npy' is empty/],
    ['a file of blank lines and comments', 'blank.csv', '\n# nothing here\n\n', /no data rows/],
    ['a header without rows', 'header.csv', 'x,y\n', /no data rows \(only a header, on line 1\)/],
    ['binary junk named .csv', 'junk.csv', Uint8Array.of(0x50, 0x4b, 0x03, 0x04, 0x00, 0x14, 0x00), /looks like a binary file/],
    ['bytes that are not UTF-8', 'latin.csv', Uint8Array.of(0x31, 0x2c, 0xff, 0xfe, 0x0a), /not UTF-8 text/],
    ['binary junk named .npy', 'junk.npy', Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0), /not a \.npy file/],
    ['a truncated .npy', 'short.npy', encodeNpy(Float64Array.of(1, 2, 3, 4), [2, 2]).slice(0, -8), /truncated/],
    ['rows of different lengths', 'ragged.csv', '1,2\n3\n', /line 2: row 2 has 1 value but row 1/],
    ['text in a cell', 'text.csv', '1,2\n3,four\n', /line 2, column 2: 'four' is not a number/],
    [`more than ${MAX_FILE_COLUMNS} columns`, 'wide.csv', `${wide}\n`, new RegExp(`${MAX_FILE_COLUMNS + 1} columns; at most ${MAX_FILE_COLUMNS}`)],
  ];

  test.each(cases)('%s', (_, name, bytes, message) => {
    const found = problemsFor(name, bytes);
    expect(found, JSON.stringify(found)).toHaveLength(1);
    expect(found[0].param).toBe('file');
    expect(found[0].message).toMatch(message);
    expect(found[0].message).toContain(name);
  });

  test('a missing file, and a file of another type', () => {
    const missing = validateGraph(fileGraph('gone.csv'), CATALOG, { files: new Map() }).problems.filter((p) => p.nodeId === 'init');
    expect(missing.map((p) => [p.param, p.message])).toEqual([['file', expect.stringMatching(/file 'gone\.csv' is not available/)]]);
    const other = validateGraph(fileGraph('data.json'), CATALOG, { files: fileStore({ 'data.json': '[]' }) }).problems.filter((p) => p.nodeId === 'init');
    expect(other.map((p) => [p.param, p.message])).toEqual([['file', expect.stringMatching(/not a \.npy or \.csv or \.txt file/)]]);
  });

  test('the WebGPU backend refuses tables larger than its storage buffers before running', () => {
    const plan = planOf(fileGraph('points.csv', {}, 10), { 'points.csv': CSV });
    const limits = { maxStorageBufferBindingSize: 32, maxBufferSize: 1 << 30, maxComputeWorkgroupsPerDimension: 65535 };
    expect(() => planChunks(plan.stages[0], limits)).toThrow(/data tables of solver 'solve' .* 15 values × 4 bytes = 60 bytes\) are larger than this device's largest storage buffer \(32 bytes/);
    expect(planChunks(plan.stages[0], { ...limits, maxStorageBufferBindingSize: 1 << 20 }).tablesBytes).toBe(60);
  });
});

describe('source.file through the CLI', () => {
  const EXAMPLES = path.join(fileURLToPath(new URL('..', import.meta.url)), 'assets', 'examples');
  let tmp = '';
  beforeAll(async () => { tmp = await mkdtemp(path.join(os.tmpdir(), 'sde-file-source-')); });
  afterAll(async () => { await rm(tmp, { recursive: true, force: true }); });

  async function cli(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(argv, CATALOG, { out: (t) => out.push(t), err: (t) => err.push(t) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  test('the ou-from-data example starts every particle near one of its CSV points', async () => {
    const dir = path.join(tmp, 'example');
    const { code, err } = await cli('run', path.join(EXAMPLES, 'ou-from-data.json'), '--out', dir, '--threads', '2');
    expect(err).not.toMatch(/error|failed/i);
    expect(code).toBe(EXIT.ok);
    const trajectory = decodeNpy(await readFile(path.join(dir, 'solve.trajectory.npy')));
    const [frames, particles, d] = trajectory.shape;
    expect([frames, d]).toEqual([21, 2]);
    const ring = Array.from({ length: 12 }, (_, k) => [2 * Math.cos((Math.PI * k) / 6), 2 * Math.sin((Math.PI * k) / 6)]);
    for (let p = 0; p < particles; p++) {
      const [x, y] = [trajectory.data[p * 2], trajectory.data[p * 2 + 1]];
      // noise 0.05 per component: 0.4 is 8 standard deviations.
      expect(Math.min(...ring.map(([a, b]) => Math.hypot(x - a, y - b)))).toBeLessThan(0.4);
    }
  });

  test('a graph reads its CSV relative to the graph file; a broken CSV fails validate with the line', async () => {
    const dir = path.join(tmp, 'relative');
    await mkdir(path.join(dir, 'data'), { recursive: true });
    const graph = path.join(dir, 'graph.json');
    await writeFile(graph, JSON.stringify(fileGraph('data/points.csv', {}, 500)));
    await writeFile(path.join(dir, 'data', 'points.csv'), CSV);
    const ran = await cli('run', graph, '--out', path.join(dir, 'out'), '--threads', '1');
    expect(ran.code).toBe(EXIT.ok);
    const samples = decodeNpy(await readFile(path.join(dir, 'out', 'solve.samples.npy')));
    expect(rowOf(Float32Array.from(samples.data), 3, ROWS).filter((k) => k < 0)).toHaveLength(0);
    await writeFile(path.join(dir, 'data', 'points.csv'), 'x,y\n1,2\n3,\n');
    const checked = await cli('validate', graph);
    expect(checked.code).toBe(EXIT.badInput);
    expect(checked.err).toMatch(/init.*file.*data\/points\.csv.*line 3, column 2: the cell is empty/);
  });
});

if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
const gpu = await requestNodeDevice();
const device = 'device' in gpu ? gpu.device : undefined;
if (!device) console.warn(`source.file WebGPU tests skipped: ${'error' in gpu ? gpu.error : 'no device'}`);
afterAll(() => device?.destroy());

describe.skipIf(!device)('source.file on WebGPU against the CPU', () => {
  test('the same rows for the same seed, across chunks; noise agrees to float32 rounding', async () => {
    const plan = planOf(fileGraph('points.csv', {}, 5000, 17), { 'points.csv': CSV });
    const [[g], [c]] = [await runPlanWebGpu(plan, { device: device as GPUDevice, maxChunkParticles: 2048 }), await runPlanCpu(plan, { threads: 1 })];
    const [gpuRows, cpuRows] = [rowOf(g.samples, 3, ROWS), rowOf(c.samples, 3, ROWS)];
    expect(gpuRows.filter((k) => k < 0)).toHaveLength(0);
    expect(gpuRows).toEqual(cpuRows);
    const noisy = planOf(fileGraph('points.csv', { noise: 0.25 }, 2000, 17), { 'points.csv': CSV });
    const [[gn], [cn]] = [await runPlanWebGpu(noisy, { device: device as GPUDevice }), await runPlanCpu(noisy, { threads: 1 })];
    let worst = 0;
    for (let i = 0; i < cn.samples.length; i++) worst = Math.max(worst, Math.abs(gn.samples[i] - cn.samples[i]) / (1e-5 + 1e-4 * Math.abs(cn.samples[i])));
    expect(worst).toBeLessThanOrEqual(1);
  });
});
