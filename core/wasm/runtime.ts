/**
 * The slice of the WebAssembly JavaScript API that our generated modules need, typed here because
 * the repo's `lib` (ES2023, no DOM) declares the `WebAssembly` namespace's types but not its values.
 */

/** A linear memory made in JavaScript; `grow` detaches `buffer`, so views must be re-made. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  /** Grows by `deltaPages` 64 KiB pages; returns the old size in pages; throws past the maximum. */
  grow(deltaPages: number): number;
}

/** An instance's exports (functions and whatever else the module exports). */
export interface WasmInstance {
  readonly exports: Record<string, unknown>;
}

/** Constructors and `validate` of the global `WebAssembly` object. */
export interface WasmJsApi {
  Module: new (bytes: Uint8Array) => WebAssembly.Module;
  Instance: new (module: WebAssembly.Module, imports: Record<string, Record<string, unknown>>) => WasmInstance;
  Memory: new (descriptor: { initial: number; maximum?: number }) => WasmMemory;
  validate(bytes: Uint8Array): boolean;
}

/** The engine's WebAssembly API, or undefined where the engine has none. */
export const wasmApi: WasmJsApi | undefined = (globalThis as unknown as { WebAssembly?: WasmJsApi }).WebAssembly;

/** Bytes in one WebAssembly page. */
export const PAGE_BYTES = 65536;

/**
 * Compiles `bytes`, turning a validation failure into an error that names the module and carries
 * the engine's message (which gives the byte offset of the bad instruction).
 */
export function compileModule(bytes: Uint8Array, what: string): WebAssembly.Module {
  if (wasmApi === undefined) throw new Error(`${what}: this engine has no WebAssembly.`);
  try {
    return new wasmApi.Module(bytes);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`${what}: the generated module does not compile (${message}); this is a bug in its emitter.`);
  }
}

/** Looks up an exported function, with a clear error if the module does not export it. */
export function exportedFunction<F extends (...args: never[]) => unknown>(instance: WasmInstance, name: string, what: string): F {
  const value = instance.exports[name];
  if (typeof value !== 'function') throw new Error(`${what}: the module exports no function "${name}".`);
  return value as F;
}
