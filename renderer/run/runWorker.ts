import type { RunRequest } from './protocol.ts';
import { createRunHandler } from './runWorkerCore.ts';
import { WebKernelThread } from './webKernelThread.ts';
import { createGpuAccess, navigatorGpu } from './webgpuAccess.ts';

/**
 * The run worker (a module Web Worker): compiles and integrates off the page's thread, on WebGPU
 * (navigator.gpu of the worker) or the CPU, as each run asks (see backendChoice.ts). On the CPU,
 * with SharedArrayBuffer (a cross-origin isolated page), it splits particles over nested kernel
 * workers; otherwise it integrates on its own thread.
 */
const scope = self as unknown as {
  onmessage: ((event: { data: RunRequest }) => void) | null;
  postMessage(message: unknown, transfer: ArrayBuffer[]): void;
  crossOriginIsolated?: boolean;
  navigator: { hardwareConcurrency?: number; gpu?: unknown };
};

const cores = scope.navigator.hardwareConcurrency ?? 1;
const shared = scope.crossOriginIsolated === true && typeof SharedArrayBuffer !== 'undefined';
// Leave one core to the page (rendering, the editor) when there are several.
const defaultThreads = shared ? Math.max(1, Math.min(16, cores - 1)) : 1;

/** Threads for a run: the request's wish, within what shared memory and the cores allow. */
function threadsFor(requested: number | undefined): { threads: number; reason: string } {
  const threads = shared ? Math.max(1, Math.min(requested ?? defaultThreads, cores)) : 1;
  const reason = threads > 1 ? `${threads} worker threads`
    : shared ? 'one worker thread'
    : 'one worker thread, as the page is not cross-origin isolated (no SharedArrayBuffer)';
  return { threads, reason };
}

const handle = createRunHandler({
  threadsFor,
  startThread: () => new WebKernelThread(),
  gpu: createGpuAccess(navigatorGpu(scope)),
  post: (reply, transfer) => scope.postMessage(reply, transfer),
});

scope.onmessage = (event) => {
  void handle(event.data);
};
