/// <reference types="@webgpu/types" />
import { runPlanCpu, type CpuRunOptions, type StageResult } from '../backends/cpu/runtime.ts';
import type { Plan } from '../compile/plan.ts';
import { SOFTWARE_ADAPTER } from '../backends/webgpu/adapterInfo.ts';
import { UsageError } from './args.ts';

/** Backends a user can ask for. `auto` picks WebGPU on a hardware adapter, else the CPU. */
export const BACKEND_CHOICES = ['auto', 'cpu', 'webgpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

/** The backend that will run, why it was chosen, and how to run a plan on it. */
export interface SelectedBackend {
  name: 'cpu' | 'webgpu';
  reason: string;
  adapter?: string;
  /** The WebGPU device the backend runs on (train stages use it too). */
  device?: GPUDevice;
  run: (plan: Plan, options: CpuRunOptions) => Promise<StageResult[]>;
}

/** Parses --backend. */
export function backendChoice(value: string | true | undefined): BackendChoice {
  const v = value === undefined ? 'auto' : value;
  if (typeof v !== 'string' || !(BACKEND_CHOICES as readonly string[]).includes(v)) {
    throw new UsageError(`--backend must be one of ${BACKEND_CHOICES.join(', ')}, got '${String(v)}'`);
  }
  return v as BackendChoice;
}

/** The CPU backend, for falling back to. */
export const cpuBackend: SelectedBackend = { name: 'cpu', reason: 'requested with --backend cpu', run: runPlanCpu };
const cpu = (reason: string): SelectedBackend => ({ ...cpuBackend, reason });

/**
 * Resolves a choice to a backend. `webgpu` fails with the reason when no adapter exists; `auto`
 * falls back to the CPU then, and also when the only adapter is a software one.
 */
export async function selectBackend(choice: BackendChoice): Promise<SelectedBackend> {
  if (choice === 'cpu') return cpu('requested with --backend cpu');
  const { requestNodeDevice } = await import('../backends/webgpu/nodeDevice.ts');
  const got = await requestNodeDevice();
  if ('error' in got) {
    if (choice === 'webgpu') throw new UsageError(`WebGPU is not available: ${got.error}; use --backend cpu`);
    return cpu(`no WebGPU adapter (${got.error})`);
  }
  if (choice === 'auto' && SOFTWARE_ADAPTER.test(got.adapterName)) {
    got.device.destroy();
    return cpu(`the only WebGPU adapter is a software one (${got.adapterName}), slower than the CPU backend`);
  }
  const { runPlanWebGpu } = await import('../backends/webgpu/runtime.ts');
  return {
    name: 'webgpu', adapter: got.adapterName, device: got.device,
    reason: choice === 'webgpu' ? 'requested with --backend webgpu' : `WebGPU adapter found (${got.adapterName})`,
    run: (plan, options) => runPlanWebGpu(plan, { device: got.device, onProgress: options.onProgress, signal: options.signal }),
  };
}
