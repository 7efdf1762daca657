/**
 * Assembles the kernels' WebAssembly module (SIMD, imports `env.memory`) and instantiates it.
 * The bytes are built once per thread from the emitters; nothing is checked in.
 */
import { ModuleBuilder } from '../../wasm/binary.ts';
import { f32x4 } from '../../wasm/expr.ts';
import { compileModule, exportedFunction, wasmApi, type WasmInstance, type WasmMemory } from '../../wasm/runtime.ts';
import { ACTIVATION_EMITTERS } from './activationEmitters.ts';
import {
  activationBackwardBody, activationForwardBody, adamBody, axpyBody, binaryBody, columnSumsBody, dotBody, expBody,
  scaleBody, scaleRowsBody,
} from './emitElementwise.ts';
import { MR, NR, macroKernelBody } from './emitGemm.ts';
import { packGatherBody, packPanelsBody } from './emitPack.ts';
import { ACTIVATIONS, type Activation, type BinaryOp } from './types.ts';

/** An exported function of N number arguments (i32 pointers/counts or f32 scalars). */
type WasmFn<N extends number, R = void> = (...args: FixedArgs<N>) => R;
/** A tuple of N numbers. */
type FixedArgs<N extends number, Acc extends number[] = []> = Acc['length'] extends N ? Acc : FixedArgs<N, [...Acc, number]>;

/** The module's exports, typed. Pointers are byte addresses; counts are floats. */
export interface KernelExports {
  /** (src, ldBytes, count, kc, dst) */
  packPanelsA: WasmFn<5>;
  packPanelsB: WasmFn<5>;
  packGatherA: WasmFn<5>;
  packGatherB: WasmFn<5>;
  /** (mc, nc, kc, pa, pb, c, ldcBytes, accumulate, tile) */
  macroKernel: WasmFn<9>;
  /** (x, bias, rows, cols, out, pre, flags) per activation. */
  forward: Record<Activation, WasmFn<7>>;
  /** (pre, gradOut, gradIn, count) per activation. */
  backward: Record<Activation, WasmFn<4>>;
  /** (x, out, count) */
  exp: WasmFn<3>;
  /** (x, y, out, count) */
  binary: Record<BinaryOp, WasmFn<4>>;
  /** (x, out, count, alpha) */
  scale: WasmFn<4>;
  /** (x, y, count, alpha) */
  axpy: WasmFn<4>;
  /** (x, scales, rows, cols, out) */
  scaleRows: WasmFn<5>;
  /** (x, rows, cols, out, accumulate) */
  columnSums: WasmFn<5>;
  /** (params, grads, m, v, count, 1−β₁, β₂, 1−β₂, stepSize, √(1−β₂ᵗ), ε, λ_L2, shrink) */
  adam: WasmFn<13>;
  /** (x, count) -> Σx² */
  sumSquares: WasmFn<2, number>;
  /** (x, y, count) -> Σxy */
  dot: WasmFn<3, number>;
}

const BINARY_OPS: Record<BinaryOp, typeof f32x4.add> = { add: f32x4.add, sub: f32x4.sub, mul: f32x4.mul };

let cachedBytes: Uint8Array<ArrayBuffer> | undefined;

/** The module's bytes (deterministic; built once, then copied for each caller). */
export function kernelModuleBytes(): Uint8Array {
  if (cachedBytes === undefined) {
    const module = new ModuleBuilder().importMemory('env', 'memory', { initial: 1 });
    module.addFunction('packPanelsA', packPanelsBody(MR));
    module.addFunction('packPanelsB', packPanelsBody(NR));
    module.addFunction('packGatherA', packGatherBody(MR));
    module.addFunction('packGatherB', packGatherBody(NR));
    module.addFunction('macroKernel', macroKernelBody());
    for (const activation of ACTIVATIONS) {
      module.addFunction(`forward_${activation}`, activationForwardBody(ACTIVATION_EMITTERS[activation]));
      module.addFunction(`backward_${activation}`, activationBackwardBody(ACTIVATION_EMITTERS[activation]));
    }
    module.addFunction('exp', expBody());
    for (const [op, emit] of Object.entries(BINARY_OPS)) module.addFunction(`binary_${op}`, binaryBody(emit));
    module.addFunction('scale', scaleBody());
    module.addFunction('axpy', axpyBody());
    module.addFunction('scaleRows', scaleRowsBody());
    module.addFunction('columnSums', columnSumsBody());
    module.addFunction('adam', adamBody());
    module.addFunction('sumSquares', dotBody(true));
    module.addFunction('dot', dotBody(false));
    cachedBytes = module.encode();
  }
  return cachedBytes.slice();
}

let simdSupport: boolean | undefined;

/** Whether this engine validates the kernels' SIMD module (cached). */
export function kernelSimdSupported(): boolean {
  simdSupport ??= wasmApi !== undefined && wasmApi.validate(kernelModuleBytes());
  return simdSupport;
}

let cachedModule: WebAssembly.Module | undefined;

/** Instantiates the (cached, compiled once) module on `memory`. */
export function instantiateKernels(memory: WasmMemory): KernelExports {
  const api = wasmApi;
  if (api === undefined) throw new Error('kernels: this engine has no WebAssembly; create the workspace with simd: false.');
  cachedModule ??= compileModule(kernelModuleBytes(), 'kernels');
  const instance: WasmInstance = new api.Instance(cachedModule, { env: { memory } });
  const fn = <F extends (...args: never[]) => unknown>(name: string) => exportedFunction<F>(instance, name, 'kernels');
  const perActivation = <F extends (...args: never[]) => unknown>(prefix: string) =>
    Object.fromEntries(ACTIVATIONS.map((a) => [a, fn<F>(`${prefix}_${a}`)])) as Record<Activation, F>;
  return {
    packPanelsA: fn('packPanelsA'),
    packPanelsB: fn('packPanelsB'),
    packGatherA: fn('packGatherA'),
    packGatherB: fn('packGatherB'),
    macroKernel: fn('macroKernel'),
    forward: perActivation('forward'),
    backward: perActivation('backward'),
    exp: fn('exp'),
    binary: { add: fn('binary_add'), sub: fn('binary_sub'), mul: fn('binary_mul') },
    scale: fn('scale'),
    axpy: fn('axpy'),
    scaleRows: fn('scaleRows'),
    columnSums: fn('columnSums'),
    adam: fn('adam'),
    sumSquares: fn('sumSquares'),
    dot: fn('dot'),
  };
}
