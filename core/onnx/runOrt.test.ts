import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { exportNetworkOnnx } from './exportNetwork.ts';
import { randomNetwork, seededRandom } from './fixtures/testModels.ts';
import { openOnnx, runOnnx } from './runOrt.ts';

describe('runOnnx', () => {
  const bytes = exportNetworkOnnx(randomNetwork(seededRandom(1), 2, { kind: 'none' }, 'relu', [4]));

  it('runs a session repeatedly and reports its interface', async () => {
    const runner = await openOnnx(bytes);
    expect(runner.inputNames).toEqual(['x', 't']);
    expect(runner.outputNames).toEqual(['score']);
    const feeds = { x: { data: Float32Array.of(1, 2, 3, 4), dims: [2, 2] }, t: { data: Float32Array.of(0, 1), dims: [2, 1] } };
    const first = await runner.run(feeds);
    const second = await runner.run(feeds);
    expect(first.score.dims).toEqual([2, 2]);
    expect(first.score.data).toEqual(second.score.data);
    await runner.release();
  });

  it('names missing inputs and rejects what onnxruntime cannot load', async () => {
    await expect(runOnnx(bytes, { x: { data: Float32Array.of(1, 2), dims: [1, 2] } })).rejects.toThrow("runOnnx: no value for input 't'");
    await expect(runOnnx(Uint8Array.of(8, 8, 0x3a, 0), {})).rejects.toThrow(/onnxruntime could not load the model/);
  });

  it('is loaded only when a model runs', () => {
    // A fresh Node process whose resolve hook refuses onnxruntime-web: every module must import
    // cleanly, and only opening a session may ask for the runtime.
    const hook = 'export async function resolve(s, c, next) { if (s.startsWith("onnxruntime")) throw new Error("asked for " + s); return next(s, c); }';
    const dir = JSON.stringify(fileURLToPath(new URL('.', import.meta.url)));
    const script = `
      import { register } from 'node:module';
      register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}));
      for (const m of ['model.ts', 'exportNetwork.ts', 'importNetwork.ts', 'inspect.ts', 'index.ts', 'runOrt.ts']) await import(${dir} + m);
      const { openOnnx } = await import(${dir} + 'runOrt.ts');
      console.log(await openOnnx(new Uint8Array()).then(() => 'opened', (e) => e.message));`;
    const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', cwd: fileURLToPath(new URL('../..', import.meta.url)) });
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('asked for onnxruntime-web/wasm');
  });
});
