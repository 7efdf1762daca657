import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { KernelChannel, type WorkerReply, type WorkerRequest } from './kernelProtocol.ts';
import type { KernelThreadLike } from './runtime.ts';

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
export class KernelThread extends KernelChannel {
  private readonly worker = startWorker();

  constructor() {
    super();
    this.worker.on('message', (r: WorkerReply) => this.receive(r));
    this.worker.on('error', (e) => this.fail(e));
    this.worker.on('exit', (code) => this.fail(new Error(`CPU worker exited with code ${code}`)));
  }

  protected post(msg: WorkerRequest): void {
    this.worker.postMessage(msg);
  }

  protected async terminate(): Promise<void> {
    await this.worker.terminate();
  }
}

/** Starts a Node worker thread for the CPU backend. */
export const startNodeThread = (): KernelThreadLike => new KernelThread();
