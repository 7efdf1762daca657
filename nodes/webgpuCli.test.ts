import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { requestNodeDevice, SWIFTSHADER_ICD } from '../core/backends/webgpu/nodeDevice.ts';
import { EXIT, runCli } from '../core/cli/main.ts';
import type { GraphDocument, ParamValue } from '../core/graph/types.ts';
import { decodeNpy } from '../core/io/npy.ts';
import { CATALOG } from './registry.ts';

/** The CLI's backend selection: `--backend webgpu` runs on the adapter, `auto` explains its choice. */
if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
const probe = await requestNodeDevice();
const skipReason = 'error' in probe ? probe.error : '';
if ('device' in probe) probe.device.destroy();
else console.warn(`WebGPU CLI tests skipped: ${skipReason}`);

const OU = path.resolve(import.meta.dirname, '../assets/examples/ornstein-uhlenbeck.json');
const dirs: string[] = [];
afterAll(async () => { await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))); });

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, CATALOG, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('plan --backend webgpu', () => {
  test('prints the WGSL kernel without needing a device', async () => {
    const r = await cli('plan', OU, '--backend', 'webgpu');
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).toContain('on backend webgpu');
    expect(r.out).toContain('@compute @workgroup_size(64)');
    expect(r.out).toContain('fn philox(');
  });
});

describe.skipIf('error' in probe)(`run --backend webgpu${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  test('runs on the adapter, records it in run.json, and agrees with the CPU mean', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sde-webgpu-cli-'));
    dirs.push(dir);
    const gpu = await cli('run', OU, '--out', path.join(dir, 'gpu'), '--backend', 'webgpu', '--quiet');
    const cpu = await cli('run', OU, '--out', path.join(dir, 'cpu'), '--backend', 'cpu', '--threads', '1', '--quiet');
    expect(gpu.code, gpu.err).toBe(EXIT.ok);
    expect(cpu.code, cpu.err).toBe(EXIT.ok);
    const report = JSON.parse(await readFile(path.join(dir, 'gpu', 'run.json'), 'utf8'));
    expect(report.backend).toBe('webgpu');
    expect(report.backendReason).toContain('--backend webgpu');
    expect(typeof report.adapter).toBe('string');
    const mean = async (sub: string) => {
      const { data } = decodeNpy(new Uint8Array(await readFile(path.join(dir, sub, 'solve.samples.npy'))));
      let sum = 0;
      for (const v of data) sum += v;
      return sum / data.length;
    };
    expect(Math.abs((await mean('gpu')) - (await mean('cpu')))).toBeLessThan(1e-4);
  });

  test('a training graph trains and samples on the adapter and says so', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sde-webgpu-train-'));
    dirs.push(dir);
    const doc = JSON.parse(await readFile(path.resolve(import.meta.dirname, '../assets/examples/two-moons-score.json'), 'utf8')) as GraphDocument;
    const small: Record<string, Record<string, ParamValue>> = {
      network: { width: 16, depth: 2, embedding_size: 8 }, train: { iterations: 20, batch: 64, data_samples: 500 },
      sampler: { steps: 10, particles: 64, record: 0 }, sliced_w2: { reference_samples: 64 },
    };
    for (const node of doc.nodes) node.params = { ...node.params, ...small[node.id] };
    const file = path.join(dir, 'moons.json');
    await writeFile(file, JSON.stringify(doc));
    const r = await cli('run', file, '--out', path.join(dir, 'out'), '--backend', 'webgpu');
    expect(r.code, r.err).toBe(EXIT.ok);
    expect(r.out).toMatch(/train: 20 iterations on WebGPU in/);
    const report = JSON.parse(await readFile(path.join(dir, 'out', 'run.json'), 'utf8'));
    expect(report.trainings[0]).toMatchObject({ node: 'train', iterations: 20, backend: 'webgpu' });
    expect(report.backend).toBe('webgpu');
  });

  test('auto prefers the CPU over a software adapter and says why', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sde-webgpu-cli-'));
    dirs.push(dir);
    const r = await cli('run', OU, '--out', dir, '--backend', 'auto', '--quiet');
    expect(r.code, r.err).toBe(EXIT.ok);
    const report = JSON.parse(await readFile(path.join(dir, 'run.json'), 'utf8'));
    expect(['cpu', 'webgpu']).toContain(report.backend);
    expect(report.backendReason.length).toBeGreaterThan(10);
    if (/swiftshader/i.test(String(report.backendReason))) expect(report.backend).toBe('cpu');
  });
});
