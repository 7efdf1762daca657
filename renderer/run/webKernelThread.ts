import type { ChunkResult, KernelJob } from '../../core/backends/cpu/kernelRunner.ts';
import type { KernelThreadLike } from '../../core/backends/cpu/runtime.ts';

type Reply = { kind: 'ready' } | { kind: 'done'; id: number; result: ChunkResult } | { kind: 'error'; message: string };

/**
 * A CPU kernel thread on a nested module Web Worker (kernelWorker.ts), for runPlanCpu's
 * `startThread`. Only usable where SharedArrayBuffer exists (a cross-origin isolated page),
 * because the threads write their rows of one shared result array.
 */
export class WebKernelThread implements KernelThreadLike {
  private readonly worker = new Worker(new URL('./kernelWorker.ts', import.meta.url), { type: 'module' });
  private pending: { resolve: (r: Reply) => void; reject: (e: Error) => void } | undefined;

  constructor() {
    this.worker.onmessage = (e: MessageEvent<Reply>) => this.settle((p) => p.resolve(e.data));
    this.worker.onerror = (e: ErrorEvent) => this.settle((p) => p.reject(new Error(`kernel worker failed: ${e.message}`)));
  }

  async load(job: KernelJob): Promise<void> {
    await this.request({ kind: 'job', job });
  }

  async run(id: number, pStart: number, pEnd: number): Promise<ChunkResult> {
    const r = await this.request({ kind: 'chunk', id, pStart, pEnd });
    if (r.kind !== 'done') throw new Error('kernel worker answered out of turn');
    return r.result;
  }

  async close(): Promise<void> {
    this.worker.terminate();
    this.settle((p) => p.reject(new Error('kernel worker closed')));
  }

  private request(msg: unknown): Promise<Reply> {
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
