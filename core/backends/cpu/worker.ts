import { parentPort } from 'node:worker_threads';
import { kernelWorkerHandler, type WorkerRequest } from './kernelProtocol.ts';

/** A Node worker thread of the CPU backend (see kernelProtocol.ts for the messages). */
const handle = kernelWorkerHandler();
parentPort?.on('message', (msg: WorkerRequest) => parentPort?.postMessage(handle(msg)));
