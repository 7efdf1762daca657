/// <reference types="@webgpu/types" />
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { WGSL_PRELUDE } from '../core/backends/webgpu/preludeWgsl.ts';
import { philox4x32_10 } from '../core/rng/philox.ts';
import { REPO, skipBrowser, startApp, type AppSession } from './app.ts';

/**
 * The kernel prelude's Philox4x32-10 in Chromium's WebGPU (SwiftShader) gives the CPU's u32 stream
 * bit for bit: the Random123 known answers and a spread of counters and keys. The Node tests
 * check the same through Dawn; this is the browser the app runs in.
 */
const kat = JSON.parse(readFileSync(path.resolve(REPO, '../shared/data/philox_kat.json'), 'utf8')) as { vectors: { ctr: string[]; key: string[]; out: string[] }[] };
const hex = (s: string) => parseInt(s, 16) >>> 0;

/** Rows of [c0, c1, c2, c3, k0, k1]: the known answers, then counters shaped like the app's streams. */
function inputs(): number[][] {
  const rows = kat.vectors.map((v) => [...v.ctr.map(hex), ...v.key.map(hex)]);
  let s = 0x9e3779b9;
  const next = () => (s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0);
  for (let i = 0; i < 253; i++) rows.push([i, next() & 0xffff, i % 7, 0, next(), i % 2]);
  for (let i = 0; i < 256; i++) rows.push([next(), next(), next(), next(), next(), next()]);
  return rows;
}

const PHILOX_ENTRY = `
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= arrayLength(&info) / 10u) { return; }
  let o = i * 10u;
  let w = philox(vec4<u32>(info[o], info[o + 1u], info[o + 2u], info[o + 3u]), vec2<u32>(info[o + 4u], info[o + 5u]));
  info[o + 6u] = w.x; info[o + 7u] = w.y; info[o + 8u] = w.z; info[o + 9u] = w.w;
}`;

let app: AppSession | undefined;
afterAll(async () => { await app?.close(); });

describe.skipIf(skipBrowser)(`Philox in Chromium's WebGPU${skipBrowser ? ` (skipped: ${skipBrowser})` : ''}`, () => {
  test('equals the CPU reference bit for bit', async (ctx) => {
    app = await startApp({ webgpu: true });
    const { page } = await app.open();
    const rows = inputs();
    const flat = rows.flatMap((r) => [...r, 0, 0, 0, 0]);
    const result = await page.evaluate(async ({ code, data }) => {
      // Runs in the page; typed without the DOM library, which the e2e project does not load.
      const gpu = (globalThis as unknown as { navigator: { gpu?: GPU } }).navigator.gpu;
      const adapter = await gpu?.requestAdapter();
      if (!adapter) return { error: 'no WebGPU adapter in this Chromium' };
      const device = await adapter.requestDevice();
      const bytes = data.length * 4;
      const storage = device.createBuffer({ size: bytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
      const read = device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
      device.queue.writeBuffer(storage, 0, new Uint32Array(data));
      const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module: device.createShaderModule({ code }), entryPoint: 'main' } });
      const encoder = device.createCommandEncoder();
      const pass = encoder.beginComputePass();
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 4, resource: { buffer: storage } }] }));
      pass.dispatchWorkgroups(Math.ceil(data.length / 10 / 64));
      pass.end();
      encoder.copyBufferToBuffer(storage, 0, read, 0, bytes);
      device.queue.submit([encoder.finish()]);
      await read.mapAsync(GPUMapMode.READ);
      const out = Array.from(new Uint32Array(read.getMappedRange().slice(0)));
      device.destroy();
      return { out };
    }, { code: `${WGSL_PRELUDE}\n${PHILOX_ENTRY}`, data: flat });
    if ('error' in result) {
      console.warn(`skipped: ${result.error}`);
      ctx.skip();
      return;
    }
    rows.forEach((r, i) => {
      const want = Array.from(philox4x32_10([r[0], r[1], r[2], r[3]], [r[4], r[5]]));
      expect(result.out.slice(i * 10 + 6, i * 10 + 10), `row ${i}`).toEqual(want);
    });
    kat.vectors.forEach((v, i) => expect(result.out.slice(i * 10 + 6, i * 10 + 10)).toEqual(v.out.map(hex)));
  });
});
