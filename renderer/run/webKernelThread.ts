import { KernelChannel, type WorkerReply, type WorkerRequest } from '../../core/backends/cpu/kernelProtocol.ts';

/**
 * A CPU kernel thread on a nested module Web Worker (kernelWorker.ts), for runPlanCpu's
 * `startThread`. Only usable where SharedArrayBuffer exists (a cross-origin isolated page),
 * because the threads write their rows of one shared result array.
 */
export class WebKernelThread extends KernelChannel {
  private readonly worker = new Worker(new URL('./kernelWorker.ts', import.meta.url), { type: 'module' });

  constructor() {
    super();
    this.worker.onmessage = (e: MessageEvent<WorkerReply>) => this.receive(e.data);
    this.worker.onerror = (e: ErrorEvent) => this.fail(new Error(`kernel worker failed: ${e.message}`));
  }

  protected post(msg: WorkerRequest): void {
    this.worker.postMessage(msg);
  }

  protected terminate(): void {
    this.worker.terminate();
  }
}
