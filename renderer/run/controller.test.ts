import { describe, expect, it } from 'vitest';
import { solverGraph } from '../../nodes/testing.ts';
import { BACKEND_STORAGE_KEY } from './backendChoice.ts';
import { createRunController } from './controller.svelte.ts';
import type { RunRequest, WorkerLike } from './protocol.ts';

/** A worker that records what it is sent and never answers. */
class SilentWorker implements WorkerLike {
  onmessage = null;
  onerror = null;
  readonly sent: RunRequest[] = [];
  postMessage(message: RunRequest): void { this.sent.push(message); }
  terminate(): void {}
}

function memoryStorage(initial: Record<string, string> = {}): Storage {
  const items = new Map(Object.entries(initial));
  return {
    getItem: (k) => items.get(k) ?? null, setItem: (k, v) => void items.set(k, v), removeItem: (k) => void items.delete(k),
    clear: () => items.clear(), key: (i) => [...items.keys()][i] ?? null, get length() { return items.size; },
  };
}

const doc = solverGraph({
  source: { type: 'source.gaussian', params: { mean: [0], std: 1 } },
  drift: { type: 'drift.ou', params: { theta: 1, mu: 0 } },
  diffusion: { type: 'diffusion.constant', params: { sigma: 0.3 } },
  solver: { type: 'solver.euler_maruyama', params: { t0: 0, t1: 1, steps: 10, particles: 10, seed: 1, record: 0 } },
});

describe('run controller backend choice', () => {
  it('starts from the remembered choice, remembers a new one, and sends it with each run', () => {
    const storage = memoryStorage({ [BACKEND_STORAGE_KEY]: 'webgpu' });
    const worker = new SilentWorker();
    const run = createRunController({ createWorker: () => worker, storage });
    expect(run.backendChoice).toBe('webgpu');
    run.start(doc);
    expect(worker.sent.at(-1)).toMatchObject({ kind: 'run', backend: 'webgpu' });

    run.setBackendChoice('cpu');
    expect(storage.getItem(BACKEND_STORAGE_KEY)).toBe('cpu');
    run.start(doc);
    expect(worker.sent.at(-1)).toMatchObject({ kind: 'run', backend: 'cpu' });

    // Retry on CPU (or any one-off backend) leaves the choice alone.
    run.setBackendChoice('webgpu');
    run.start(doc, { backend: 'cpu' });
    expect(worker.sent.at(-1)).toMatchObject({ kind: 'run', backend: 'cpu' });
    expect(run.backendChoice).toBe('webgpu');
    run.dispose();
  });

  it('defaults to auto without a stored choice', () => {
    const run = createRunController({ createWorker: () => new SilentWorker(), storage: null });
    expect(run.backendChoice).toBe('auto');
    run.setBackendChoice('cpu');
    expect(run.backendChoice).toBe('cpu');
  });
});
