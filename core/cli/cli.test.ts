import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOG } from '../../nodes/registry.ts';
import { parseGraph } from '../graph/document.ts';
import { formatProblem, type GraphDocument, type GraphNode } from '../graph/types.ts';
import { validateGraph } from '../graph/validate.ts';
import { decodeNpy, type NpyArray } from '../io/npy.ts';
import { EXIT, runCli } from './main.ts';

const run = promisify(execFile);

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLES = path.join(REPO, 'assets', 'examples');
const OU = path.join(EXAMPLES, 'ornstein-uhlenbeck.json');
const PYTHON = '/usr/bin/python3';

interface CliResult {
  code: number;
  out: string;
  err: string;
}

/** Runs the CLI in-process with the real catalog, capturing what it writes. */
async function cli(...argv: string[]): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, CATALOG, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** The fields of run.json these tests read. */
interface RunReport {
  graph: string;
  file: string;
  backend: string;
  threads: number;
  seedOverride: number | null;
  wallSeconds: number;
  stages: { node: string; method: string; particles: number; steps: number; threads: number; wallSeconds: number; particleSteps: number; particleStepsPerSecond: number }[];
  outputs: string[];
}

async function readNpy(file: string): Promise<NpyArray> {
  return decodeNpy(await readFile(file));
}

let tmp = '';
let counter = 0;
/** A fresh path inside the test's temporary directory. */
function tmpPath(name: string): string {
  counter += 1;
  return path.join(tmp, `${counter}-${name}`);
}

async function readGraph(file: string): Promise<GraphDocument> {
  const { doc, problems } = parseGraph(await readFile(file, 'utf8'));
  if (!doc) throw new Error(problems.map(formatProblem).join('; '));
  return doc;
}

function node(doc: GraphDocument, id: string): GraphNode {
  const n = doc.nodes.find((x) => x.id === id);
  if (!n) throw new Error(`no node '${id}'`);
  return n;
}

/** Writes a graph into the temporary directory and returns its path. */
async function writeGraph(name: string, doc: GraphDocument | string): Promise<string> {
  const file = tmpPath(name);
  await writeFile(file, typeof doc === 'string' ? doc : JSON.stringify(doc, null, 2));
  return file;
}

/** The OU example with few particles and no trajectory, so runs take milliseconds. */
async function smallOu(): Promise<string> {
  const doc = await readGraph(OU);
  Object.assign(node(doc, 'solve').params ?? {}, { particles: 64, steps: 50, record: 0 });
  return writeGraph('small-ou.json', doc);
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'sde-studio-cli-'));
});

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('run', () => {
  it('runs the OU example and writes the arrays and run.json', async () => {
    const dir = tmpPath('ou');
    const r = await cli('run', OU, '--out', dir, '--threads', '1');
    expect(r.err).not.toMatch(/error|failed/);
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).toContain(`wrote 3 files and run.json to ${dir}`);
    expect((await readdir(dir)).sort()).toEqual(['run.json', 'solve.samples.npy', 'solve.times.npy', 'solve.trajectory.npy']);

    const samples = await readNpy(path.join(dir, 'solve.samples.npy'));
    expect(samples.data).toBeInstanceOf(Float32Array);
    expect(samples.shape).toEqual([20000, 1]);
    expect(samples.data.every(Number.isFinite)).toBe(true);

    const trajectory = await readNpy(path.join(dir, 'solve.trajectory.npy'));
    expect(trajectory.data).toBeInstanceOf(Float32Array);
    expect(trajectory.shape).toEqual([31, 20000, 1]);
    // Every particle starts at mean 2 (std 0); the last saved state is the final sample.
    expect(trajectory.data.subarray(0, 20000).every((v) => v === 2)).toBe(true);
    expect(trajectory.data.subarray(30 * 20000)).toEqual(samples.data);

    const times = await readNpy(path.join(dir, 'solve.times.npy'));
    expect(times.data).toBeInstanceOf(Float32Array);
    expect(times.shape).toEqual([31]);
    expect(times.data[0]).toBe(0);
    expect(times.data[30]).toBe(1.5);
    expect(times.data[10]).toBeCloseTo(0.5, 6);

    const report = JSON.parse(await readFile(path.join(dir, 'run.json'), 'utf8')) as RunReport;
    expect(report.graph).toBe('Ornstein–Uhlenbeck');
    expect(report.backend).toBe('cpu');
    expect(report.threads).toBe(1);
    expect(report.seedOverride).toBeNull();
    expect(report.wallSeconds).toBeGreaterThan(0);
    expect(report.outputs.sort()).toEqual(['solve.samples.npy', 'solve.times.npy', 'solve.trajectory.npy']);
    expect(report.stages).toHaveLength(1);
    const [stage] = report.stages;
    expect(stage).toMatchObject({ node: 'solve', method: 'euler_maruyama', particles: 20000, steps: 300, threads: 1, particleSteps: 20000 * 300 });
    expect(stage.wallSeconds).toBeGreaterThan(0);
    expect(stage.particleStepsPerSecond).toBeGreaterThan(0);
    expect(Number.isFinite(stage.particleStepsPerSecond)).toBe(true);
  });

  it('--seed changes the samples; the same seed twice gives identical bytes', async () => {
    const graph = await smallOu();
    let lastDir = '';
    const samplesWith = async (...flags: string[]): Promise<Buffer> => {
      lastDir = tmpPath('seed');
      const r = await cli('run', graph, '--out', lastDir, '--threads', '1', '--quiet', ...flags);
      expect(r.code).toBe(EXIT.ok);
      return readFile(path.join(lastDir, 'solve.samples.npy'));
    };
    const a = await samplesWith('--seed', '123');
    const report = JSON.parse(await readFile(path.join(lastDir, 'run.json'), 'utf8')) as RunReport;
    expect(report.seedOverride).toBe(123);
    const b = await samplesWith('--seed', '123');
    const c = await samplesWith('--seed', '124');
    const graphSeed = await samplesWith();
    const sameAsGraph = await samplesWith('--seed', '7');
    expect(a.equals(b)).toBe(true);
    expect(a.equals(c)).toBe(false);
    expect(a.equals(graphSeed)).toBe(false);
    expect(sameAsGraph.equals(graphSeed)).toBe(true);
    // Different seeds differ in (almost) every particle, not in one value.
    const x = decodeNpy(a).data;
    const y = decodeNpy(c).data;
    expect(x.filter((v, i) => v !== y[i]).length).toBeGreaterThan(60);
  });

  it('--quiet prints nothing on success', async () => {
    const r = await cli('run', await smallOu(), '--out', tmpPath('quiet'), '--threads', '1', '--quiet');
    expect(r).toEqual({ code: EXIT.ok, out: '', err: '' });
  });
});

describe('validate', () => {
  it('exits 0 on an example', async () => {
    const r = await cli('validate', OU);
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).toBe(`${OU}: ok`);
    expect(r.err).toBe('');
  });

  it('exits 2 on a broken graph and prints every problem', async () => {
    const doc = await readGraph(OU);
    node(doc, 'f').type = 'drift.expresion';
    Object.assign(node(doc, 'solve').params ?? {}, { record: 7, particles: 0 });
    Object.assign(node(doc, 'init').params ?? {}, { std: -1 });
    const file = await writeGraph('broken.json', doc);
    const expected = validateGraph(doc, CATALOG).problems.map(formatProblem);
    expect(expected).toHaveLength(3);

    const r = await cli('validate', file);
    expect(r.code).toBe(EXIT.badInput);
    expect(r.out).toBe('');
    expect(r.err).toContain(`${file}: 3 problems`);
    for (const line of expected) expect(r.err).toContain(`  - ${line}`);
    expect(r.err).toContain("did you mean 'drift.expression'?");
    expect(r.err).toContain("node 'solve', param 'particles'");
    expect(r.err).toContain("node 'init', param 'std'");
  });

  it('run refuses a broken graph with exit 2 and runs nothing', async () => {
    const doc = await readGraph(OU);
    node(doc, 'f').type = 'drift.expresion';
    const dir = tmpPath('not-run');
    const r = await cli('run', await writeGraph('broken-run.json', doc), '--out', dir);
    expect(r.code).toBe(EXIT.badInput);
    expect(r.err).toContain('nothing was run');
    expect(r.err).toContain("node 'f'");
    expect(existsSync(dir)).toBe(false);
  });
});

describe('plan', () => {
  it('prints the stages, the buffers and the generated kernel source', async () => {
    const r = await cli('plan', OU);
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).toContain("plan for 'Ornstein–Uhlenbeck' on backend cpu");
    expect(r.out).toContain("stage 1: integrate 'solve' with euler_maruyama");
    expect(r.out).toContain('20000 particles, t in [0, 1.5], 300 steps');
    expect(r.out).toContain('generated kernel:');
    expect(r.out).toContain('function run');
    expect(r.out).toContain('solve.samples  float32 [20000, 1]');
    expect(r.out).toContain('solve.trajectory  float32 [31, 20000, 1]');
  });
});

describe('nodes', () => {
  it('--json lists every node type of the catalog with param defaults and docs', async () => {
    const r = await cli('nodes', '--json');
    expect(r.code).toBe(EXIT.ok);
    const parsed: unknown = JSON.parse(r.out);
    const listing = parsed as { nodes: { type: string; doc: string; params: { name: string; default?: unknown; doc?: unknown }[]; inputs: unknown[]; outputs: unknown[] }[] };
    expect(Array.isArray(listing.nodes)).toBe(true);
    const types = listing.nodes.map((n) => n.type);
    expect(new Set(types).size).toBe(types.length);
    expect(types.sort()).toEqual([...CATALOG.keys()].sort());
    for (const n of listing.nodes) {
      const def = CATALOG.get(n.type);
      expect(n.doc.length, n.type).toBeGreaterThan(0);
      expect(n.params.map((p) => p.name)).toEqual(def?.params.map((p) => p.name));
      for (const p of n.params) {
        expect(p.default, `${n.type}.${p.name}`).toEqual(def?.params.find((q) => q.name === p.name)?.default);
        expect(typeof p.doc === 'string' && p.doc.length > 0, `${n.type}.${p.name} has a doc`).toBe(true);
      }
    }
  });

  it('without --json prints a table naming every type', async () => {
    const r = await cli('nodes');
    expect(r.code).toBe(EXIT.ok);
    for (const type of CATALOG.keys()) expect(r.out).toContain(type);
  });
});

describe('bad input exits 2 with a message', () => {
  it('a missing file', async () => {
    const file = path.join(tmp, 'does-not-exist.json');
    const r = await cli('run', file, '--out', tmpPath('x'));
    expect(r.code).toBe(EXIT.badInput);
    expect(r.err).toContain(`cannot read graph file '${file}': no such file`);
  });

  it('invalid JSON', async () => {
    const file = await writeGraph('invalid.json', '{ "format": "sde-studio.graph", ');
    const r = await cli('validate', file);
    expect(r.code).toBe(EXIT.badInput);
    expect(r.err).toContain(file);
    expect(r.err).toContain('not valid JSON');
  });

  it('an unknown flag', async () => {
    const r = await cli('run', OU, '--bogus', '1');
    expect(r.code).toBe(EXIT.badInput);
    expect(r.err).toContain("'run' has no option --bogus");
    expect(r.err).toContain('--out');
    expect(r.err).toContain("sde-studio --help");
  });

  it('an unknown command', async () => {
    const r = await cli('simulate', OU);
    expect(r.code).toBe(EXIT.badInput);
    expect(r.err).toContain("unknown command 'simulate'");
  });

  it('--backend quantum', async () => {
    const r = await cli('run', OU, '--backend', 'quantum');
    expect(r.code).toBe(EXIT.badInput);
    expect(r.err).toContain("--backend must be one of auto, cpu, webgpu, got 'quantum'");
  });

  it('--threads 0', async () => {
    const r = await cli('run', OU, '--threads', '0');
    expect(r.code).toBe(EXIT.badInput);
    expect(r.err).toContain("--threads must be a whole number from 1 to 256, got '0'");
  });

  it('a run over --max-memory says how large it would be', async () => {
    const dir = tmpPath('too-big');
    const r = await cli('run', OU, '--out', dir, '--max-memory', '1MiB');
    expect(r.code).toBe(EXIT.badInput);
    // samples 20000·4 B + trajectory 31·20000·4 B + times 31·4 B = 2,560,124 B.
    expect(r.err).toContain('would produce 2.44 MiB of output');
    expect(r.err).toContain('1.00 MiB allowed');
    expect(r.err).toContain('raise --max-memory');
    expect(existsSync(dir)).toBe(false);
  });
});

describe('a run that fails exits 1', () => {
  it('names the solver node, the particle and the step when the state blows up', async () => {
    const doc: GraphDocument = {
      format: 'sde-studio.graph',
      version: 1,
      name: 'blow-up',
      nodes: [
        { id: 'init', type: 'source.point', params: { value: [1] } },
        { id: 'f', type: 'drift.expression', params: { expr: ['x[0]*x[0]'] } },
        { id: 'g', type: 'diffusion.constant', params: { sigma: 0 } },
        { id: 'boom', type: 'solver.euler_maruyama', params: { t0: 0, t1: 10, steps: 1000, particles: 8, record: 0 } },
      ],
      edges: [
        { id: 'e1', from: { node: 'init', port: 'out' }, to: { node: 'boom', port: 'initial' } },
        { id: 'e2', from: { node: 'f', port: 'out' }, to: { node: 'boom', port: 'drift' } },
        { id: 'e3', from: { node: 'g', port: 'out' }, to: { node: 'boom', port: 'diffusion' } },
      ],
    };
    const dir = tmpPath('blow-up');
    const r = await cli('run', await writeGraph('blow-up.json', doc), '--out', dir, '--threads', '1');
    expect(r.code).toBe(EXIT.runFailed);
    expect(r.err).toContain("run failed: solver 'boom'");
    // Every particle follows x' = x², which leaves the floats after t = 1, i.e. past step 100.
    const m = /particle (\d+) became NaN or infinite at step (\d+)/.exec(r.err);
    expect(m, r.err).not.toBeNull();
    expect(Number(m?.[1])).toBe(0);
    expect(Number(m?.[2])).toBeGreaterThan(100);
    expect(Number(m?.[2])).toBeLessThan(1000);
    expect(existsSync(dir)).toBe(false);
  });
});

describe('the real entry point, bin/sde-studio.mjs', () => {
  it('runs an example in a child process; numpy reads the samples', async () => {
    const dir = tmpPath('gbm');
    const { stdout, stderr } = await run(process.execPath, ['bin/sde-studio.mjs', 'run', 'assets/examples/geometric-brownian-motion.json', '--out', dir, '--quiet'], { cwd: REPO });
    expect(stdout).toBe('');
    expect(stderr).toBe('');
    expect((await readdir(dir)).sort()).toEqual(['run.json', 'solve.samples.npy', 'solve.times.npy', 'solve.trajectory.npy']);
    const samples = await readNpy(path.join(dir, 'solve.samples.npy'));
    expect(samples.shape).toEqual([50000, 1]);
    expect((await readNpy(path.join(dir, 'solve.trajectory.npy'))).shape).toEqual([51, 50000, 1]);
    expect((await readNpy(path.join(dir, 'solve.times.npy'))).shape).toEqual([51]);
    const report = JSON.parse(await readFile(path.join(dir, 'run.json'), 'utf8')) as RunReport;
    expect(report.graph).toBe('Geometric Brownian motion');
    expect(report.stages[0].method).toBe('milstein');

    try {
      await run(PYTHON, ['-c', 'import numpy']);
    } catch (e) {
      throw new Error(`${PYTHON} with numpy is needed for this test and was not found: install it with "apt-get install python3-numpy" (${String(e)})`);
    }
    const script = [
      'import json, sys, numpy',
      'a = numpy.load(sys.argv[1])',
      'print(a.shape, a.dtype)',
      'print(json.dumps(a[:5, 0].astype(float).tolist()))',
    ].join('\n');
    const py = await run(PYTHON, ['-c', script, path.join(dir, 'solve.samples.npy')]);
    const [shapeLine, valuesLine] = py.stdout.trim().split('\n');
    expect(shapeLine).toBe('(50000, 1) float32');
    expect(JSON.parse(valuesLine)).toEqual(Array.from(samples.data.subarray(0, 5)));
  });

  it('exits 2 from the process for bad input', async () => {
    const failure = await run(process.execPath, ['bin/sde-studio.mjs', 'run', 'assets/examples/ornstein-uhlenbeck.json', '--threads', '0'], { cwd: REPO })
      .then(() => undefined, (e: unknown) => e as { code?: number; stderr?: string });
    expect(failure?.code).toBe(2);
    expect(failure?.stderr).toContain('--threads must be a whole number');
  });
});
