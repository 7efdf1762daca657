/// <reference types="@webgpu/types" />
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { planChunks, type ChunkLimits } from '../core/backends/webgpu/chunkPlan.ts';
import { generateKernelWgsl } from '../core/backends/webgpu/kernelWgsl.ts';
import { WGSL_PRELUDE } from '../core/backends/webgpu/preludeWgsl.ts';
import { runPlanWebGpu } from '../core/backends/webgpu/runtime.ts';
import { compileGraph } from '../core/compile/compileGraph.ts';
import { parseGraph } from '../core/graph/document.ts';
import { CATALOG } from './registry.ts';

/**
 * WebGPU code generation and buffer planning, without a GPU. Golden kernels: the generated WGSL of
 * two examples is checked in, so a change to the code generator shows up as a reviewable diff.
 * Regenerate with `UPDATE_GOLDEN=1 npx vitest run nodes/webgpuKernels`.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const goldenDir = path.join(root, 'core/backends/webgpu/golden');

async function examplePlan(name: string) {
  const { doc } = parseGraph(await readFile(path.join(root, 'assets/examples', `${name}.json`), 'utf8'));
  if (!doc) throw new Error(`example ${name} does not parse`);
  const compiled = compileGraph(doc, CATALOG);
  if (!compiled.ok) throw new Error(`example ${name} does not compile`);
  return compiled.plan;
}

describe('golden WGSL kernels', () => {
  for (const name of ['ornstein-uhlenbeck', 'stochastic-lorenz']) {
    test(name, async () => {
      // The fixed prelude is the same in every kernel; the goldens keep only what the generator wrote.
      const source = `${(await examplePlan(name)).stages.map((st) => generateKernelWgsl(st).replace(WGSL_PRELUDE, '// (preludeWgsl.ts)\n')).join('\n\n')}\n`;
      const file = path.join(goldenDir, `${name}.wgsl`);
      if (process.env.UPDATE_GOLDEN) await mkdir(goldenDir, { recursive: true }).then(() => writeFile(file, source));
      const golden = await readFile(file, 'utf8').catch(() => {
        throw new Error(`no golden kernel ${file}; create it with UPDATE_GOLDEN=1 npx vitest run nodes/webgpuKernels`);
      });
      expect(source).toBe(golden);
    });
  }
});

describe('WebGPU chunk planning', () => {
  const limits: ChunkLimits = { maxStorageBufferBindingSize: 1 << 20, maxBufferSize: 1 << 30, maxComputeWorkgroupsPerDimension: 65535 };
  const stage = (particles: number, record: number, dims = 3) => ({ nodeId: 'solve', dims, grid: { t0: 0, t1: 1, steps: 100, record, particles, seed: 0 } });

  test('the trajectory buffer bounds the chunk: (record + 1) × d × 4 bytes per particle', () => {
    const plan = planChunks(stage(100_000, 99), limits);
    expect(plan.chunkParticles).toBe(Math.floor((1 << 20) / (100 * 3 * 4)));
    expect(plan.chunks).toBe(Math.ceil(100_000 / plan.chunkParticles));
    expect(plan.trajectoryBytes).toBe(plan.chunkParticles * 100 * 3 * 4);
    expect(plan.trajectoryBytes).toBeLessThanOrEqual(1 << 20);
  });

  test('without recording, samples and the info rows bound it; then the dispatch size and the cap', () => {
    expect(planChunks(stage(1e6, 0), limits).chunkParticles).toBe((1 << 20) / 16);
    expect(planChunks(stage(1e6, 0), { ...limits, maxComputeWorkgroupsPerDimension: 10 }).chunkParticles).toBe(640);
    expect(planChunks(stage(1e6, 0), limits, 1000).chunkParticles).toBe(1000);
    expect(planChunks(stage(5, 0), limits).chunkParticles).toBe(5);
    expect(() => planChunks(stage(5, 0), limits, 0)).toThrow(/maxChunkParticles must be a positive integer/);
  });

  test('a single particle too large for the device is an error with the sizes, before anything runs', async () => {
    expect(() => planChunks(stage(10, 100_000), limits)).toThrow(
      "WebGPU backend: solver 'solve' records 100001 time points × 3 components × 4 bytes = 1200012 bytes per particle, " +
      'more than this device\'s largest storage buffer (1048576 bytes: min of maxStorageBufferBindingSize 1048576 and maxBufferSize 1073741824); ' +
      'lower record, or run with --backend cpu',
    );
    // runPlanWebGpu plans before it touches the device: a stand-in with limits only suffices.
    const plan = await examplePlan('stochastic-lorenz');
    const tiny = { limits: { ...limits, maxStorageBufferBindingSize: 1024 }, lost: new Promise<GPUDeviceLostInfo>(() => {}) } as unknown as GPUDevice;
    await expect(runPlanWebGpu(plan, { device: tiny })).rejects.toThrow(/records 501 time points × 3 components × 4 bytes = 6012 bytes per particle/);
  });
});
