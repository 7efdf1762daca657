import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import type { ChunkResult, KernelJob } from './kernelRunner.ts';
import type { KernelThreadLike } from './runtime.ts';
import type { WorkerRequest } from './worker.ts';

/** Starts a Node worker thread for the CPU backend. */
export const startNodeThread = (): KernelThreadLike => new KernelThread();

type Reply = { kind: 'ready' } | { kind: 'done'; id: number; result: ChunkResult } | { kind: 'error'; message: string };

/**
 * Starts a worker thread running worker.ts. The repo runs TypeScript without a build step, so the
 * worker first registers tsx's loader (resolved from this package) and then imports worker.ts.
 */
function startWorker(): Worker {
  // The package's "import" entry of tsx/esm/api (require.resolve would give the CommonJS one).
  const tsxRoot = path.dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const tsxApi = pathToFileURL(path.join(tsxRoot, 'dist/esm/api/index.mjs')).href;
  const workerUrl = new URL('./worker.ts', import.meta.url).href;
  const boot = `const { register } = await import(${JSON.stringify(tsxApi)}); register(); await import(${JSON.stringify(workerUrl)});`;
  return new Worker(boot, { eval: true, type: 'module' } as ConstructorParameters<typeof Worker>[1]);
}

/** One Node worker thread that runs chunks of a kernel job, one at a time. */
export class KernelThread implements KernelThreadLike {
  private readonly worker = startWorker();
  private pending: { resolve: (r: Reply) => void; reject: (e: Error) => void } | undefined;

  constructor() {
    this.worker.on('message', (r: Reply) => this.settle((p) => p.resolve(r)));
    this.worker.on('error', (e) => this.settle((p) => p.reject(e)));
    this.worker.on('exit', (code) => this.settle((p) => p.reject(new Error(`CPU worker exited with code ${code}`))));
  }

  async load(job: KernelJob): Promise<void> {
    await this.request({ kind: 'job', job });
  }

  async run(id: number, pStart: number, pEnd: number): Promise<ChunkResult> {
    const r = await this.request({ kind: 'chunk', id, pStart, pEnd });
    if (r.kind !== 'done') throw new Error('CPU worker answered out of turn');
    return r.result;
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }

  private request(msg: WorkerRequest): Promise<Reply> {
    return new Promise<Reply>((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage(msg);
    }).then((r) => {
      if (r.kind === 'error') throw new Error(r.message);
      return r;
    });
  }

  private settle(f: (p: { resolve: (r: Reply) => void; reject: (e: Error) => void }) => void): void {
    const p = this.pending;
    this.pending = undefined;
    if (p) f(p);
  }
}
