/// <reference types="@webgpu/types" />
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, test } from 'vitest';
import { requestNodeDevice, SWIFTSHADER_ICD } from '../core/backends/webgpu/nodeDevice.ts';
import { WGSL_PRELUDE } from '../core/backends/webgpu/preludeWgsl.ts';
import { boxMuller4 } from '../core/rng/normal.ts';
import { philox4x32_10 } from '../core/rng/philox.ts';

/**
 * The kernel prelude's Philox, Box–Muller and expression math, run on a GPU adapter, against the
 * reference TypeScript and Math.*.
 * Without an adapter the tests are skipped with the reason; CI has SwiftShader, so they run there.
 */
if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
const gpu = await requestNodeDevice();
const device = 'device' in gpu ? gpu.device : undefined;
if (!device) console.warn(`WebGPU prelude tests skipped: ${'error' in gpu ? gpu.error : ''}`);
afterAll(() => device?.destroy());

// Each row of the info buffer: counter (4), key (2) in; Philox output (4) out. Samples get the
// normals of the output words, then the normals of the counter words themselves (chosen edge words).
const PHILOX_ENTRY = `
  let o = i * 10u;
  let w = philox(vec4<u32>(info[o], info[o + 1u], info[o + 2u], info[o + 3u]), vec2<u32>(info[o + 4u], info[o + 5u]));
  info[o + 6u] = w.x; info[o + 7u] = w.y; info[o + 8u] = w.z; info[o + 9u] = w.w;
  let z = normals4(w);
  samples[i * 8u] = z.x; samples[i * 8u + 1u] = z.y; samples[i * 8u + 2u] = z.z; samples[i * 8u + 3u] = z.w;
  let e = normals4(vec4<u32>(info[o], info[o + 1u], info[o + 2u], info[o + 3u]));
  samples[i * 8u + 4u] = e.x; samples[i * 8u + 5u] = e.y; samples[i * 8u + 6u] = e.z; samples[i * 8u + 7u] = e.w;`;

// Each sample x becomes [sin x, cos x, tan x, tanh x] through the replacements renderWgsl.ts emits.
const MATH_ENTRY = `
  let x = samples[i * 4u];
  let sc = sinCosAccurate(x);
  samples[i * 4u] = sc.x; samples[i * 4u + 1u] = sc.y; samples[i * 4u + 2u] = tanAccurate(x); samples[i * 4u + 3u] = tanhSafe(x);`;

/**
 * Runs `body` (WGSL, with the invocation index `i`) after the prelude for `n` invocations, on the
 * prelude's info (u32) and samples (f32) bindings, and returns both buffers afterwards.
 */
async function runPrelude(dev: GPUDevice, body: string, n: number, data: { info?: Uint32Array; samples: Float32Array }): Promise<{ info: Uint32Array; samples: Float32Array }> {
  const code = `${WGSL_PRELUDE}\n@compute @workgroup_size(64)\nfn main(@builtin(global_invocation_id) gid: vec3<u32>) {\n  let i = gid.x;\n  if (i >= ${n}u) { return; }${body}\n}\n`;
  const S = GPUBufferUsage;
  // 'auto' layouts keep only the bindings the entry point uses: samples (1) always, info (4) if given.
  const bound = [[1, data.samples], ...(data.info ? [[4, data.info] as const] : [])] as const;
  const buffers = bound.map(([binding, array]) => {
    const storage = dev.createBuffer({ size: array.byteLength, usage: S.STORAGE | S.COPY_SRC | S.COPY_DST });
    const read = dev.createBuffer({ size: array.byteLength, usage: S.MAP_READ | S.COPY_DST });
    dev.queue.writeBuffer(storage, 0, array);
    return { binding, storage, read, bytes: array.byteLength };
  });
  const pipeline = await dev.createComputePipelineAsync({ layout: 'auto', compute: { module: dev.createShaderModule({ code }), entryPoint: 'main' } });
  const entries = buffers.map((b) => ({ binding: b.binding, resource: { buffer: b.storage } }));
  const encoder = dev.createCommandEncoder();
  const pass = encoder.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, dev.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries }));
  pass.dispatchWorkgroups(Math.ceil(n / 64));
  pass.end();
  for (const b of buffers) encoder.copyBufferToBuffer(b.storage, 0, b.read, 0, b.bytes);
  dev.queue.submit([encoder.finish()]);
  await Promise.all(buffers.map((b) => b.read.mapAsync(GPUMapMode.READ)));
  const [samplesOut, infoOut] = buffers.map((b) => b.read.getMappedRange().slice(0));
  for (const b of buffers) { b.storage.destroy(); b.read.destroy(); }
  return { info: new Uint32Array(infoOut ?? new ArrayBuffer(0)), samples: new Float32Array(samplesOut) };
}

/** Runs the Philox entry on rows of [c0, c1, c2, c3, k0, k1]; returns Philox words and normals [n, 8]. */
async function runPhilox(dev: GPUDevice, inputs: number[][]): Promise<{ words: Uint32Array; normals: Float32Array }> {
  const n = inputs.length;
  const rows = new Uint32Array(n * 10);
  inputs.forEach((r, i) => rows.set(r, i * 10));
  const out = await runPrelude(dev, PHILOX_ENTRY, n, { info: rows, samples: new Float32Array(n * 8) });
  const words = new Uint32Array(n * 4);
  for (let i = 0; i < n; i++) words.set(out.info.subarray(i * 10 + 6, i * 10 + 10), i * 4);
  return { words, normals: out.samples };
}

/** A small deterministic u32 generator (xorshift32), so failures reproduce. */
function xorshift(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
}

describe.skipIf(!device)(`WebGPU kernel prelude: math for expressions${device ? '' : ` (skipped: ${'error' in gpu ? gpu.error : ''})`}`, () => {
  test('sin, cos, tan and tanh match Math.* to float32 precision, where WGSL built-ins need not', async () => {
    const grid = Array.from({ length: 2001 }, (_, k) => -100 + k / 10);
    // Near multiples of pi/2 (quadrant edges), far arguments, and tanh far beyond where sinh overflows.
    const edges = [-4, -3, -1, 1, 2, 3, 7, 200, 1001].flatMap((k) => [-1e-3, 0, 1e-3].map((d) => (k * Math.PI) / 2 + d));
    const xs = Float32Array.from([...grid, ...edges, 1000.5, -3210.25, 50, -50, 100, 1e4, -1e4]);
    const input = new Float32Array(xs.length * 4);
    xs.forEach((x, i) => { input[i * 4] = x; });
    const { samples } = await runPrelude(device as GPUDevice, MATH_ENTRY, xs.length, { samples: input });
    const worst = { sin: 0, cos: 0, tan: 0, tanh: 0 };
    xs.forEach((x, i) => {
      worst.sin = Math.max(worst.sin, Math.abs(samples[i * 4] - Math.sin(x)));
      worst.cos = Math.max(worst.cos, Math.abs(samples[i * 4 + 1] - Math.cos(x)));
      if (Math.abs(Math.cos(x)) > 0.01) worst.tan = Math.max(worst.tan, Math.abs(samples[i * 4 + 2] - Math.tan(x)) / Math.max(1, Math.abs(Math.tan(x))));
      worst.tanh = Math.max(worst.tanh, Math.abs(samples[i * 4 + 3] - Math.tanh(x)));
    });
    console.log(`prelude math, worst errors: ${Object.entries(worst).map(([k, v]) => `${k} ${v.toExponential(2)}`).join(', ')}`);
    // About 2 float32 ulps at 1; SwiftShader's built-in sin and cos are off by up to 2e-4 here.
    expect(worst.sin).toBeLessThan(3e-7);
    expect(worst.cos).toBeLessThan(3e-7);
    expect(worst.tan).toBeLessThan(1e-6);
    expect(worst.tanh).toBeLessThan(5e-7);
  });
});

describe.skipIf(!device)(`WebGPU Philox and Box–Muller${device ? '' : ` (skipped: ${'error' in gpu ? gpu.error : ''})`}`, () => {
  const kat = JSON.parse(readFileSync(new URL('../../shared/data/philox_kat.json', import.meta.url), 'utf8')) as { vectors: { ctr: string[]; key: string[]; out: string[] }[] };
  const hex = (words: string[]) => words.map((w) => parseInt(w, 16));
  const next = xorshift(20240607);
  const random = Array.from({ length: 1000 }, () => Array.from({ length: 6 }, next));
  // Small counters as the kernels use them (particle, step, node, group), under (seed, stream) keys.
  const typical = Array.from({ length: 64 }, (_, i) => [i, i >> 2, i & 3, 0, 7, i & 1]);
  // Words at the ends and at the quadrant and log-branch boundaries, which Philox would hardly hit.
  const edges = [
    [0, 0xffffffff, 0x7fffffff, 0x80000000], [0x3fffffff, 0x40000000, 0xbfffffff, 0xc0000000],
    [0x1fffffff, 0x20000000, 0xdfffffff, 0xe0000000], [1, 0xfffffffe, 0x5fffffff, 0x60000000],
    [0xffffff00, 0xa0000000, 0x00ffffff, 0x9fffffff],
  ].map((w) => [...w, 0, 0]);
  const inputs = [...kat.vectors.map((v) => [...hex(v.ctr), ...hex(v.key)]), ...random, ...typical, ...edges];
  let run: ReturnType<typeof runPhilox> | undefined;
  // One dispatch serves both tests; started lazily so a skipped suite never touches the GPU.
  const result = () => (run ??= runPhilox(device as GPUDevice, inputs));

  test('philox equals philox4x32_10 bit for bit (Random123 known answers and 1069 more counters)', async () => {
    const { words } = await result();
    kat.vectors.forEach((v, i) => expect(Array.from(words.subarray(i * 4, i * 4 + 4))).toEqual(hex(v.out)));
    let mismatches = 0;
    inputs.forEach((r, i) => {
      const want = philox4x32_10([r[0], r[1], r[2], r[3]], [r[4], r[5]]);
      for (let l = 0; l < 4; l++) if (words[i * 4 + l] !== want[l]) mismatches++;
    });
    expect(mismatches).toBe(0);
  });

  test('normals4 equals boxMuller4 within float32 rounding (Philox words and edge words)', async () => {
    const { words, normals } = await result();
    let worst = 0;
    const check = (got: Float32Array, input: Uint32Array) => {
      const want = boxMuller4(input);
      for (let l = 0; l < 4; l++) worst = Math.max(worst, Math.abs(got[l] - want[l]) / (1e-5 + 1e-5 * Math.abs(want[l])));
    };
    for (let i = 0; i < inputs.length; i++) {
      check(normals.subarray(i * 8, i * 8 + 4), words.subarray(i * 4, i * 4 + 4));
      check(normals.subarray(i * 8 + 4, i * 8 + 8), Uint32Array.from(inputs[i].slice(0, 4)));
    }
    console.log(`normals4: worst error ${worst.toFixed(3)} of the tolerance 1e-5 + 1e-5·|z|`);
    expect(worst).toBeLessThanOrEqual(1);
  });
});
