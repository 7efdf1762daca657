import { prepareKernel, type ChunkResult, type KernelJob } from './kernelRunner.ts';
import type { KernelThreadLike } from './runtime.ts';

/** Messages to a kernel thread: first a job, then ranges of particles to run. */
export type WorkerRequest = { kind: 'job'; job: KernelJob } | { kind: 'chunk'; id: number; pStart: number; pEnd: number };

/** Messages back: ready after a job, done after a chunk, or an error. */
export type WorkerReply = { kind: 'ready' } | { kind: 'done'; id: number; result: ChunkResult } | { kind: 'error'; message: string };

/**
 * The thread side, shared by Node's worker_threads (worker.ts) and browser Web Workers: answers
 * one request with one reply.
 */
export function kernelWorkerHandler(): (msg: WorkerRequest) => WorkerReply {
  let runChunk: ReturnType<typeof prepareKernel> | undefined;
  return (msg) => {
    try {
      if (msg.kind === 'job') {
        runChunk = prepareKernel(msg.job);
        return { kind: 'ready' };
      }
      if (!runChunk) throw new Error('kernel thread: chunk before job');
      return { kind: 'done', id: msg.id, result: runChunk(msg.pStart, msg.pEnd) };
    } catch (e) {
      return { kind: 'error', message: (e as Error).message };
    }
  };
}

/**
 * The caller side: one request in flight at a time over any worker. Subclasses wire `post` and
 * call `receive` / `fail` from the worker's events.
 */
export abstract class KernelChannel implements KernelThreadLike {
  private pending: { resolve: (r: WorkerReply) => void; reject: (e: Error) => void } | undefined;

  protected abstract post(msg: WorkerRequest): void;
  protected abstract terminate(): Promise<void> | void;

  async load(job: KernelJob): Promise<void> {
    await this.request({ kind: 'job', job });
  }

  async run(id: number, pStart: number, pEnd: number): Promise<ChunkResult> {
    const r = await this.request({ kind: 'chunk', id, pStart, pEnd });
    if (r.kind !== 'done') throw new Error('kernel thread answered out of turn');
    return r.result;
  }

  async close(): Promise<void> {
    await this.terminate();
    this.fail(new Error('kernel thread closed'));
  }

  /** A reply arrived from the worker. */
  protected receive(reply: WorkerReply): void {
    this.settle((p) => p.resolve(reply));
  }

  /** The worker failed or exited; the request in flight (if any) fails with `error`. */
  protected fail(error: Error): void {
    this.settle((p) => p.reject(error));
  }

  private request(msg: WorkerRequest): Promise<WorkerReply> {
    return new Promise<WorkerReply>((resolve, reject) => {
      this.pending = { resolve, reject };
      this.post(msg);
    }).then((r) => {
      if (r.kind === 'error') throw new Error(r.message);
      return r;
    });
  }

  private settle(f: (p: { resolve: (r: WorkerReply) => void; reject: (e: Error) => void }) => void): void {
    const p = this.pending;
    this.pending = undefined;
    if (p) f(p);
  }
}
