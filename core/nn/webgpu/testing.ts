/// <reference types="@webgpu/types" />
/**
 * Test support: a WebGPU device for Node (SwiftShader where no GPU is present) or the reason there
 * is none, and a one-shot runner of program steps over a copy of a CPU memory range.
 */
import { existsSync } from 'node:fs';
import { requestNodeDevice, SWIFTSHADER_ICD } from '../../backends/webgpu/nodeDevice.ts';
import type { ProgramStep } from '../stepOps.ts';
import { UNIFORM_SLOT_BYTES } from './kernelsWgsl.ts';
import { compileProgram, encodeDispatches, PipelineCache, trainingBindGroupLayout, UniformSlots } from './program.ts';

/** A device, or why the GPU tests are skipped (printed once by the caller). */
export async function testDevice(): Promise<{ device?: GPUDevice; skipReason: string }> {
  if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  const r = await requestNodeDevice();
  return 'device' in r ? { device: r.device, skipReason: '' } : { skipReason: r.error };
}

/**
 * Runs `steps` once on the GPU over a copy of `memory` (the floats from CPU offset `origin` on)
 * and returns the memory afterwards, laid out like the input.
 */
export async function runStepsOnGpu(device: GPUDevice, steps: readonly ProgramStep[], memory: Float32Array, origin: number): Promise<Float32Array> {
  const bytes = 4 * memory.length;
  const buffer = device.createBuffer({ size: bytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(buffer, 0, memory.buffer, memory.byteOffset, bytes);
  const layout = trainingBindGroupLayout(device);
  const slots = new UniformSlots();
  const dispatches = await compileProgram(steps, origin, new PipelineCache(device, layout), slots);
  const params = slots.bytes();
  const uniforms = device.createBuffer({ size: Math.max(params.byteLength, UNIFORM_SLOT_BYTES), usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(uniforms, 0, params);
  const bindGroup = device.createBindGroup({
    layout,
    entries: [{ binding: 0, resource: { buffer } }, { binding: 1, resource: { buffer: uniforms, size: 64 } }, { binding: 2, resource: { buffer: uniforms, size: 16 } }],
  });
  const staging = device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  encodeDispatches(pass, bindGroup, dispatches);
  pass.end();
  encoder.copyBufferToBuffer(buffer, 0, staging, 0, bytes);
  device.queue.submit([encoder.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const out = new Float32Array(staging.getMappedRange().slice(0));
  staging.unmap();
  for (const b of [buffer, uniforms, staging]) b.destroy();
  return out;
}
