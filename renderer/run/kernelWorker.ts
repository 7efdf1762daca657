import { kernelWorkerHandler, type WorkerRequest } from '../../core/backends/cpu/kernelProtocol.ts';

/**
 * A browser kernel thread: the Web Worker twin of core/backends/cpu/worker.ts (Node's
 * worker_threads); both answer with kernelProtocol.ts's handler.
 */
const scope = self as unknown as {
  onmessage: ((event: { data: WorkerRequest }) => void) | null;
  postMessage(message: unknown): void;
};

const handle = kernelWorkerHandler();
scope.onmessage = ({ data }) => scope.postMessage(handle(data));
