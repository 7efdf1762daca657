import { parentPort } from 'node:worker_threads';
import { prepareKernel, type KernelJob } from './kernelRunner.ts';

/** Messages to a CPU worker: first a job, then ranges of particles to run. */
export type WorkerRequest = { kind: 'job'; job: KernelJob } | { kind: 'chunk'; id: number; pStart: number; pEnd: number };

let runChunk: ReturnType<typeof prepareKernel> | undefined;

parentPort?.on('message', (msg: WorkerRequest) => {
  try {
    if (msg.kind === 'job') {
      runChunk = prepareKernel(msg.job);
      parentPort?.postMessage({ kind: 'ready' });
    } else {
      if (!runChunk) throw new Error('CPU worker: chunk before job');
      parentPort?.postMessage({ kind: 'done', id: msg.id, result: runChunk(msg.pStart, msg.pEnd) });
    }
  } catch (e) {
    parentPort?.postMessage({ kind: 'error', message: (e as Error).message });
  }
});
