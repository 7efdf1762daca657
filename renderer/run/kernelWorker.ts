import { prepareKernel } from '../../core/backends/cpu/kernelRunner.ts';
import type { WorkerRequest } from '../../core/backends/cpu/worker.ts';

/**
 * A browser kernel thread: the Web Worker twin of core/backends/cpu/worker.ts (which uses Node's
 * worker_threads). It receives one kernel job, then ranges of particles to run, and writes their
 * rows of the shared result arrays.
 */
const scope = self as unknown as {
  onmessage: ((event: { data: WorkerRequest }) => void) | null;
  postMessage(message: unknown): void;
};

let runChunk: ReturnType<typeof prepareKernel> | undefined;

scope.onmessage = ({ data: msg }) => {
  try {
    if (msg.kind === 'job') {
      runChunk = prepareKernel(msg.job);
      scope.postMessage({ kind: 'ready' });
    } else {
      if (!runChunk) throw new Error('kernel worker: chunk before job');
      scope.postMessage({ kind: 'done', id: msg.id, result: runChunk(msg.pStart, msg.pEnd) });
    }
  } catch (e) {
    scope.postMessage({ kind: 'error', message: (e as Error).message });
  }
};
