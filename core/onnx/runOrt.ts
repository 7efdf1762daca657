/**
 * Runs ONNX models with onnxruntime-web's wasm execution provider (one thread), in Node or a
 * browser. onnxruntime-web is imported lazily, so the encode/decode modules never load it.
 *
 * The `onnxruntime-web/wasm` entry (wasm EP only) is the same file in Node and in the app: its
 * WebAssembly binary (dist/ort-wasm-simd-threaded.wasm, ~14 MB) is found next to it with
 * `new URL(…, import.meta.url)`, which vite turns into an asset of the build, so nothing is
 * fetched from elsewhere. (The default entry would pull the 28 MB WebGPU build.)
 */
import type { InferenceSession } from 'onnxruntime-web/wasm';

/** A float32 tensor: row-major values and their shape. */
export interface OrtFloatTensor {
  data: Float32Array;
  dims: number[];
}

/** An open model: run it as often as needed, then `release()` it. */
export interface OnnxRunner {
  /** Names of the graph inputs and outputs, as onnxruntime sees them. */
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Runs the model; every input must be fed, every output comes back as float32. */
  run(feeds: Record<string, OrtFloatTensor>): Promise<Record<string, OrtFloatTensor>>;
  /** Frees the wasm memory of the session. */
  release(): Promise<void>;
}

/** Loads onnxruntime-web once, configured for one wasm thread (deterministic, no workers). */
async function loadOrt(): Promise<typeof import('onnxruntime-web/wasm')> {
  const ort = await import('onnxruntime-web/wasm');
  ort.env.wasm.numThreads = 1;
  return ort;
}

/**
 * Opens `bytes` as an onnxruntime session (wasm EP). Throws onnxruntime's own error, prefixed,
 * when the runtime rejects the model.
 */
export async function openOnnx(bytes: Uint8Array): Promise<OnnxRunner> {
  const ort = await loadOrt();
  let session: InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  } catch (error) {
    throw new Error(`onnxruntime could not load the model: ${error instanceof Error ? error.message : String(error)}`);
  }
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    async run(feeds) {
      const missing = session.inputNames.filter((name) => !(name in feeds));
      if (missing.length > 0) throw new Error(`runOnnx: no value for input${missing.length > 1 ? 's' : ''} ${missing.map((n) => `'${n}'`).join(', ')}`);
      const ortFeeds: Record<string, InstanceType<typeof ort.Tensor>> = {};
      for (const name of session.inputNames) {
        const { data, dims } = feeds[name];
        ortFeeds[name] = new ort.Tensor('float32', data, dims);
      }
      const results = await session.run(ortFeeds);
      const out: Record<string, OrtFloatTensor> = {};
      for (const name of session.outputNames) {
        const tensor = results[name];
        if (tensor.type !== 'float32') throw new Error(`runOnnx: output '${name}' is ${tensor.type}, not float32`);
        // Copy out of the runtime's buffer, then free it.
        out[name] = { data: Float32Array.from(tensor.data as Float32Array), dims: [...tensor.dims] };
        tensor.dispose();
      }
      return out;
    },
    release: () => session.release(),
  };
}

/**
 * Runs a model once: opens a session, runs it on `feeds`, releases it.
 * @example
 * const { score } = await runOnnx(bytes, { x: { data: xs, dims: [n, 2] }, t: { data: ts, dims: [n, 1] } });
 */
export async function runOnnx(bytes: Uint8Array, feeds: Record<string, OrtFloatTensor>): Promise<Record<string, OrtFloatTensor>> {
  const runner = await openOnnx(bytes);
  try {
    return await runner.run(feeds);
  } finally {
    await runner.release();
  }
}
