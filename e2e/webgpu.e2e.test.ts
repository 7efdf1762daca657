/// <reference types="@webgpu/types" />
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page, Worker } from 'playwright-core';
import { afterAll, describe, expect, test } from 'vitest';
import { SHOTS, skipBrowser, startApp, type AppSession } from './app.ts';
import { openExample, selectNode, setParam } from './editor.ts';

/**
 * The app on WebGPU in Chromium (SwiftShader's software adapter, no GPU needed): the OU example on
 * `webgpu` gives the CPU's mean to float32, `auto` picks the CPU next to a software adapter and
 * says why, and a device lost mid-run offers a one-click rerun on the CPU.
 */

/** Starts the app with the WebGPU flags and asks the page for an adapter; the reason when there is none. */
async function startWithWebGpu(): Promise<{ app?: AppSession; skip?: string }> {
  if (skipBrowser) return { skip: skipBrowser };
  const app = await startApp({ webgpu: true });
  const { page, context } = await app.open();
  const found = await page.evaluate(async () => {
    // Runs in the page; typed here without the DOM library, which the e2e project does not load.
    const scope = globalThis as unknown as { navigator: { gpu?: GPU }; isSecureContext: boolean };
    const gpu = scope.navigator.gpu;
    if (!gpu) return { error: `navigator.gpu is missing (secure context: ${String(scope.isSecureContext)})` };
    try {
      const adapter = await gpu.requestAdapter();
      return adapter ? { name: `${adapter.info?.vendor ?? ''} ${adapter.info?.architecture ?? ''}`.trim() } : { error: 'requestAdapter() returned null' };
    } catch (e) {
      return { error: `requestAdapter() threw: ${String(e)}` };
    }
  });
  await context.close();
  if ('error' in found) {
    await app.close();
    return { skip: `Chromium exposes no WebGPU adapter even with the SwiftShader flags: ${found.error}` };
  }
  console.info(`WebGPU adapter in Chromium: ${found.name}`);
  return { app };
}

const { app, skip } = await startWithWebGpu();
if (skip) console.warn(`WebGPU browser specs skipped: ${skip}`);
afterAll(async () => { await app?.close(); });

async function openOuExample(page: Page): Promise<void> {
  await page.getByTestId('menu-file').click();
  await page.getByTestId('menu-examples').click();
  await page.getByTestId('example-ornstein-uhlenbeck').click();
  await page.getByTestId('doc-name').filter({ hasText: 'Ornstein' }).waitFor();
}

/** Picks the backend, runs, and waits until the run has finished (done or failed). */
async function runOn(page: Page, backend: 'auto' | 'webgpu' | 'cpu'): Promise<void> {
  await page.getByTestId('backend-select').selectOption(backend);
  await runAndWait(page, () => page.getByTestId('run-button').click());
}

async function runAndWait(page: Page, start: () => Promise<void>): Promise<void> {
  // The status of the previous run goes as soon as the new one starts; wait for a fresh one.
  await start();
  await page.locator('[data-testid="run-summary"], [data-testid="run-error"]').first().waitFor({ timeout: 150_000 });
  await page.getByTestId('run-button').waitFor();
}

async function shownBackend(page: Page): Promise<{ name: string; chip: string; reason: string }> {
  const chip = page.getByTestId('run-backend');
  return {
    name: (await chip.getAttribute('data-backend')) ?? '',
    chip: (await chip.innerText()).trim(),
    reason: (await page.getByTestId('run-backend-reason').innerText()).trim(),
  };
}

async function histMean(page: Page): Promise<number> {
  await page.getByTestId('results-tab-2d').click();
  return Number(await page.getByTestId('hist-mean').innerText());
}

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, name) });
}

describe.skipIf(!app)(`the app on WebGPU${skip ? ` (skipped: ${skip})` : ''}`, () => {
  test('runs the OU example on webgpu, shows it, and gives the CPU mean to float32', async () => {
    const { page, context, errors } = await app!.open();
    await openOuExample(page);

    await runOn(page, 'webgpu');
    expect(await page.getByTestId('run-error').count()).toBe(0);
    const gpu = await shownBackend(page);
    expect(gpu.name).toBe('webgpu');
    expect(gpu.chip.toLowerCase()).toContain('webgpu');
    expect(gpu.reason).toMatch(/^requested; software adapter \(.*swiftshader.*\)/i);
    expect(await page.getByTestId('run-summary-backend').innerText()).toBe('WebGPU');
    const gpuMean = await histMean(page);
    await shot(page, 'webgpu-ou-result-light.png');
    // The plan view shows the kernel the backend ran: WGSL.
    await page.getByTestId('results-tab-plan').click();
    expect(await page.getByTestId('plan-backend').innerText()).toContain('WEBGPU');
    expect(await page.getByTestId('results-panel').innerText()).toContain('@compute');

    await runOn(page, 'cpu');
    const cpu = await shownBackend(page);
    expect(cpu.name).toBe('cpu');
    expect(cpu.reason).toMatch(/^requested; /);
    const cpuMean = await histMean(page);

    // Exact OU mean at t = 1.5 is 0.7 + 1.3 e^{-1.95} ≈ 0.885; both backends follow the same Brownian paths.
    expect(Number.isFinite(gpuMean) && Number.isFinite(cpuMean)).toBe(true);
    expect(Math.abs(cpuMean - (0.7 + 1.3 * Math.exp(-1.3 * 1.5)))).toBeLessThan(0.01);
    expect(Math.abs(gpuMean - cpuMean)).toBeLessThan(1e-4);
    console.info(`OU mean at t = 1.5: webgpu ${gpuMean}, cpu ${cpuMean}`);

    // The WebGPU result is still cached under its own backend: back on webgpu, it is reused, not the CPU's.
    await runOn(page, 'webgpu');
    expect((await shownBackend(page)).name).toBe('webgpu');
    expect(await histMean(page)).toBe(gpuMean);
    expect(errors).toEqual([]);
    await context.close();
  });

  test('a score network trains and samples on webgpu, and the Training tab says where it trained', async () => {
    const { page, context, errors } = await app!.open();
    await openExample(page, 'two-moons-score', 'train');
    // Small enough for a software adapter: 2×16 network, 30 iterations of 64, 256 particles.
    for (const [node, params] of [
      ['network', { width: '16', depth: '2', embedding_size: '8' }],
      ['train', { iterations: '30', batch: '64', data_samples: '500' }],
      ['sampler', { particles: '256', steps: '50' }],
    ] as const) {
      await selectNode(page, node);
      for (const [param, value] of Object.entries(params)) await setParam(page, param, value);
    }
    await runOn(page, 'webgpu');
    expect(await page.getByTestId('run-error').count()).toBe(0);
    expect((await shownBackend(page)).name).toBe('webgpu');
    await selectNode(page, 'train');
    await page.getByTestId('results-tab-training').click();
    await expect.poll(() => page.getByTestId('training-backend').innerText()).toBe('WebGPU');
    expect(await page.getByTestId('training-iterations').innerText()).toBe('30');
    await shot(page, 'webgpu-training-light.png');
    await selectNode(page, 'sampler');
    expect(Number.isFinite(await histMean(page))).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });

  test('auto picks the CPU next to SwiftShader, says why, and the choice is remembered', async () => {
    const { page, context, errors } = await app!.open();
    expect(await page.getByTestId('backend-select').inputValue()).toBe('auto');
    await openOuExample(page);
    await runOn(page, 'auto');
    const auto = await shownBackend(page);
    expect(auto.name).toBe('cpu');
    expect(auto.reason).toMatch(/^auto: only a software WebGPU adapter \(.*swiftshader.*\); the CPU is faster/i);

    await page.getByTestId('backend-select').selectOption('webgpu');
    await page.reload();
    expect(await page.getByTestId('backend-select').inputValue()).toBe('webgpu');
    expect(errors).toEqual([]);
    await context.close();
  });

  test('a device lost mid-run is reported, and Retry on CPU reruns the same graph', async () => {
    const { page, context } = await app!.open();
    await openOuExample(page);
    const nodes = await page.locator('.svelte-flow__node').count();
    // A CPU run first starts the run worker without touching WebGPU, so the device can be rigged.
    await runOn(page, 'cpu');
    const cpuMean = await histMean(page);
    const worker = await runWorker(page);
    await worker.evaluate(() => {
      // Keep the device the app asks for, and destroy it right after the first dispatch is submitted.
      const scope = globalThis as unknown as { sdeTestDevice?: GPUDevice };
      const requestDevice = GPUAdapter.prototype.requestDevice;
      GPUAdapter.prototype.requestDevice = async function (this: GPUAdapter, descriptor?: GPUDeviceDescriptor) {
        const device = await requestDevice.call(this, descriptor);
        scope.sdeTestDevice = device;
        return device;
      };
      const submit = GPUQueue.prototype.submit;
      GPUQueue.prototype.submit = function (this: GPUQueue, buffers: Iterable<GPUCommandBuffer>) {
        submit.call(this, buffers);
        scope.sdeTestDevice?.destroy();
      };
    });

    await runOn(page, 'webgpu');
    const error = page.getByTestId('run-error');
    expect(await error.innerText()).toMatch(/WebGPU device lost while running 'solve'/);
    const retry = page.getByTestId('retry-cpu');
    expect(await retry.isVisible()).toBe(true);
    // Nothing the user built is lost: same graph, same nodes.
    expect(await page.locator('.svelte-flow__node').count()).toBe(nodes);
    expect(await page.getByTestId('doc-name').innerText()).toContain('Ornstein');
    await shot(page, 'webgpu-device-lost-light.png');

    await runAndWait(page, () => retry.click());
    expect(await page.getByTestId('run-error').count()).toBe(0);
    expect((await shownBackend(page)).name).toBe('cpu');
    expect(await histMean(page)).toBe(cpuMean);
    // A retry is for this run only: the picker keeps WebGPU.
    expect(await page.getByTestId('backend-select').inputValue()).toBe('webgpu');
    await context.close();
  });
});

/** The app's run worker (named in controller.svelte.ts), once a run has started it. */
async function runWorker(page: Page): Promise<Worker> {
  for (let i = 0; i < 100; i++) {
    const w = page.workers().find((w) => w.url().includes('runWorker'));
    if (w) return w;
    await page.waitForTimeout(50);
  }
  throw new Error(`no run worker among ${page.workers().map((w) => w.url()).join(', ') || 'no workers'}`);
}
