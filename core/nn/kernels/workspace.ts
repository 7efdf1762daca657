/**
 * `KernelWorkspace`: one linear memory holding every tensor of a training run, and the numeric
 * kernels over it — WebAssembly SIMD emitted by this folder, or the plain-JavaScript reference
 * (`reference.ts`) where SIMD is unavailable or not wanted. Both serve the same API on the same
 * memory layout, so results can be compared offset for offset.
 *
 * @example
 * const ws = KernelWorkspace.create();
 * const x = ws.alloc(512 * 3), w = ws.alloc(3 * 128), b = ws.alloc(128), h = ws.alloc(512 * 128);
 * ws.f32().set(inputs, x);  // re-fetch f32() after any alloc: memory may have grown
 * ws.gemm({ m: 512, n: 128, k: 3, a: x, b: w, c: h });
 * ws.biasActivation({ x: h, bias: b, rows: 512, cols: 128, out: h, activation: 'silu' });
 */
import { PAGE_BYTES, wasmApi, type WasmMemory } from '../../wasm/runtime.ts';
import { GEMM_SCRATCH_BYTES, gemmWasm } from './gemm.ts';
import { instantiateKernels, kernelSimdSupported, type KernelExports } from './module.ts';
import { FORWARD_HAS_BIAS, FORWARD_HAS_PRE } from './emitElementwise.ts';
import * as ref from './reference.ts';
import { ACTIVATIONS } from './types.ts';
import type {
  ActivationBackwardParams, AdamParams, AxpyParams, BiasActivationParams, BinaryOp, BinaryParams, ColumnSumsParams,
  DotParams, FillParams, GemmParams, ReduceParams, ScaleParams, ScaleRowsParams, UnaryParams,
} from './types.ts';

/** Options of `KernelWorkspace.create`. */
export interface KernelWorkspaceOptions {
  /** Floats to reserve up front; memory grows on demand anyway. Default 1 Mi floats (4 MiB). */
  initialFloats?: number;
  /**
   * true: WebAssembly SIMD kernels (throws if the engine cannot validate them); false: the
   * JavaScript reference kernels. Default: SIMD where supported.
   */
  simd?: boolean;
}

/** Allocation granularity in floats: 64 bytes, a cache line (so also 16-byte aligned). */
export const ALLOC_ALIGN_FLOATS = 16;
/** Floats kept readable past the last allocation: vector tails read up to 3 floats past an operand. */
const GUARD_FLOATS = 16;
/** Memory ceiling: byte addresses stay below 2³¹, so they pass through i32 parameters unchanged. */
const MAX_PAGES = 32768;

/** A memory for engines without WebAssembly: an ArrayBuffer that grows by copying. */
class PlainMemory implements WasmMemory {
  buffer: ArrayBuffer;
  constructor(pages: number) {
    this.buffer = new ArrayBuffer(pages * PAGE_BYTES);
  }
  grow(deltaPages: number): number {
    const old = this.buffer.byteLength / PAGE_BYTES;
    const next = new ArrayBuffer((old + deltaPages) * PAGE_BYTES);
    new Uint8Array(next).set(new Uint8Array(this.buffer));
    this.buffer = next;
    return old;
  }
}

/** One memory with typed views; all tensors of a training run live here (zero copies). */
export class KernelWorkspace {
  /** Whether the WebAssembly SIMD kernels run (false: the JavaScript reference kernels). */
  readonly simd: boolean;
  /** First float offset that `alloc` hands out (below it: the GEMM's packing scratch, ~640 KiB). */
  readonly base: number;
  private readonly memory: WasmMemory;
  private readonly kernels: KernelExports | undefined;
  private view: Float32Array;
  private top: number;

  private constructor(simd: boolean, initialFloats: number) {
    this.simd = simd;
    this.base = Math.ceil(GEMM_SCRATCH_BYTES / 4 / ALLOC_ALIGN_FLOATS) * ALLOC_ALIGN_FLOATS;
    const pages = Math.ceil(((this.base + initialFloats + GUARD_FLOATS) * 4) / PAGE_BYTES);
    this.memory = wasmApi === undefined ? new PlainMemory(pages) : new wasmApi.Memory({ initial: pages, maximum: MAX_PAGES });
    this.kernels = simd ? instantiateKernels(this.memory) : undefined;
    this.view = new Float32Array(this.memory.buffer);
    this.top = this.base;
  }

  /** A workspace; see `KernelWorkspaceOptions`. */
  static create(options: KernelWorkspaceOptions = {}): KernelWorkspace {
    const initialFloats = options.initialFloats ?? 1 << 20;
    if (!Number.isInteger(initialFloats) || initialFloats < 0) {
      throw new RangeError(`KernelWorkspace.create: initialFloats = ${initialFloats} must be a non-negative integer.`);
    }
    const supported = kernelSimdSupported();
    if (options.simd === true && !supported) {
      throw new Error('KernelWorkspace.create: this engine does not support WebAssembly SIMD; pass simd: false.');
    }
    return new KernelWorkspace(options.simd ?? supported, initialFloats);
  }

  /** The memory as floats. Re-fetch after `alloc`: growing the memory detaches older views. */
  f32(): Float32Array {
    if (this.view.buffer !== this.memory.buffer) this.view = new Float32Array(this.memory.buffer);
    return this.view;
  }

  /** Reserves `floats` floats (contents unspecified) and returns their offset, 64-byte aligned. */
  alloc(floats: number): number {
    if (!Number.isInteger(floats) || floats < 0) throw new RangeError(`KernelWorkspace.alloc: ${floats} is not a float count.`);
    const offset = this.top;
    const top = offset + Math.ceil(floats / ALLOC_ALIGN_FLOATS) * ALLOC_ALIGN_FLOATS;
    const neededPages = Math.ceil(((top + GUARD_FLOATS) * 4) / PAGE_BYTES);
    const pages = this.memory.buffer.byteLength / PAGE_BYTES;
    if (neededPages > MAX_PAGES) {
      throw new RangeError(`KernelWorkspace.alloc: ${floats} more floats would pass the 2 GiB limit of the workspace.`);
    }
    // Grow geometrically so a run of small allocations does not copy the memory each time.
    if (neededPages > pages) this.memory.grow(Math.min(MAX_PAGES, Math.max(neededPages, 2 * pages)) - pages);
    this.top = top;
    return offset;
  }

  /** The current allocation top, for `reset(mark)`. */
  mark(): number {
    return this.top;
  }

  /** Frees every allocation made after `mark` (default: all of them). */
  reset(mark: number = this.base): void {
    if (!Number.isInteger(mark) || mark < this.base || mark > this.top) {
      throw new RangeError(`KernelWorkspace.reset: ${mark} is not a mark of this workspace (take one with mark()).`);
    }
    this.top = mark;
  }

  /** Floats currently allocated. */
  get allocatedFloats(): number {
    return this.top - this.base;
  }

  /** C (+)= op(A)·op(B); see `GemmParams`. */
  gemm(p: GemmParams): void {
    const { m, n, k } = p;
    for (const [name, size] of [['m', m], ['n', n], ['k', k]] as const) this.checkCount(`gemm: ${name}`, size);
    this.check('gemm', 'a', p.a, m * k);
    this.check('gemm', 'b', p.b, k * n);
    this.check('gemm', 'c', p.c, m * n);
    for (const [name, offset, size] of [['a', p.a, m * k], ['b', p.b, k * n]] as const) {
      if (p.c < offset + size && offset < p.c + m * n) {
        throw new RangeError(`gemm: c overlaps ${name}; write the product into a separate buffer.`);
      }
    }
    if (m === 0 || n === 0) return;
    if (k === 0) {
      if (!p.accumulate) this.f32().fill(0, p.c, p.c + m * n);
      return;
    }
    if (this.kernels === undefined) ref.gemmReference(this.f32(), p);
    else gemmWasm(this.kernels, p, 0);
  }

  /** out = act(x + bias) row-wise, optionally keeping x + bias in `preOut`. */
  biasActivation(p: BiasActivationParams): void {
    const count = this.checkCount('biasActivation: rows', p.rows) * this.checkCount('biasActivation: cols', p.cols);
    this.checkActivation('biasActivation', p.activation);
    this.check('biasActivation', 'x', p.x, count);
    this.check('biasActivation', 'out', p.out, count);
    if (p.bias !== undefined) this.check('biasActivation', 'bias', p.bias, p.cols);
    if (p.preOut !== undefined) this.check('biasActivation', 'preOut', p.preOut, count);
    if (count === 0) return;
    if (this.kernels === undefined) return ref.biasActivationReference(this.f32(), p);
    const flags = (p.bias === undefined ? 0 : FORWARD_HAS_BIAS) | (p.preOut === undefined ? 0 : FORWARD_HAS_PRE);
    // Without a bias the rows are irrelevant: one long row runs the vector loop without breaks.
    const [rows, cols] = p.bias === undefined ? [1, count] : [p.rows, p.cols];
    this.kernels.forward[p.activation](4 * p.x, 4 * (p.bias ?? 0), rows, cols, 4 * p.out, 4 * (p.preOut ?? 0), flags);
  }

  /** gradIn = gradOut ⊙ act′(pre). */
  activationBackward(p: ActivationBackwardParams): void {
    this.checkCount('activationBackward: count', p.count);
    this.checkActivation('activationBackward', p.activation);
    for (const name of ['pre', 'gradOut', 'gradIn'] as const) this.check('activationBackward', name, p[name], p.count);
    if (p.count === 0) return;
    if (this.kernels === undefined) ref.activationBackwardReference(this.f32(), p);
    else if (p.activation === 'identity') this.copy({ x: p.gradOut, out: p.gradIn, count: p.count });
    else this.kernels.backward[p.activation](4 * p.pre, 4 * p.gradOut, 4 * p.gradIn, p.count);
  }

  /** out[j] (+)= Σᵢ x[i, j] (bias gradients). */
  columnSums(p: ColumnSumsParams): void {
    const count = this.checkCount('columnSums: rows', p.rows) * this.checkCount('columnSums: cols', p.cols);
    this.check('columnSums', 'x', p.x, count);
    this.check('columnSums', 'out', p.out, p.cols);
    if (this.kernels === undefined) ref.columnSumsReference(this.f32(), p);
    else if (p.cols > 0) this.kernels.columnSums(4 * p.x, p.rows, p.cols, 4 * p.out, p.accumulate ? 1 : 0);
  }

  /** One Adam / AdamW step; see `AdamParams`. */
  adam(p: AdamParams): void {
    this.checkCount('adam: count', p.count);
    if (!Number.isInteger(p.step) || p.step < 1) throw new RangeError(`adam: step = ${p.step} must be an integer ≥ 1.`);
    for (const name of ['params', 'grads', 'm', 'v'] as const) this.check('adam', name, p[name], p.count);
    if (p.count === 0) return;
    if (this.kernels === undefined) return ref.adamReference(this.f32(), p);
    const { stepSize, biasCorrection2Sqrt, l2, shrink } = ref.adamConstants(p);
    this.kernels.adam(4 * p.params, 4 * p.grads, 4 * p.m, 4 * p.v, p.count,
      1 - p.beta1, p.beta2, 1 - p.beta2, stepSize, biasCorrection2Sqrt, p.eps, l2, shrink);
  }

  /** out = x + y. */
  add(p: BinaryParams): void {
    this.binary('add', p);
  }
  /** out = x − y. */
  sub(p: BinaryParams): void {
    this.binary('sub', p);
  }
  /** out = x ⊙ y. */
  mul(p: BinaryParams): void {
    this.binary('mul', p);
  }
  private binary(op: BinaryOp, p: BinaryParams): void {
    this.checkCount(`${op}: count`, p.count);
    for (const name of ['x', 'y', 'out'] as const) this.check(op, name, p[name], p.count);
    if (p.count === 0) return;
    if (this.kernels === undefined) ref.binaryReference(this.f32(), op, p);
    else this.kernels.binary[op](4 * p.x, 4 * p.y, 4 * p.out, p.count);
  }

  /** out = alpha · x. */
  scale(p: ScaleParams): void {
    this.checkUnary('scale', p);
    if (this.kernels === undefined) ref.scaleReference(this.f32(), p);
    else if (p.count > 0) this.kernels.scale(4 * p.x, 4 * p.out, p.count, p.alpha);
  }

  /** out[i, j] = x[i, j] · scales[i] (per-sample loss weights, σ(t) scalings). */
  scaleRows(p: ScaleRowsParams): void {
    const count = this.checkCount('scaleRows: rows', p.rows) * this.checkCount('scaleRows: cols', p.cols);
    this.check('scaleRows', 'x', p.x, count);
    this.check('scaleRows', 'out', p.out, count);
    this.check('scaleRows', 'scales', p.scales, p.rows);
    if (this.kernels === undefined) ref.scaleRowsReference(this.f32(), p);
    else if (count > 0) this.kernels.scaleRows(4 * p.x, 4 * p.scales, p.rows, p.cols, 4 * p.out);
  }

  /** y += alpha · x. */
  axpy(p: AxpyParams): void {
    this.checkUnary('axpy', { x: p.x, out: p.y, count: p.count });
    if (this.kernels === undefined) ref.axpyReference(this.f32(), p);
    else if (p.count > 0) this.kernels.axpy(4 * p.x, 4 * p.y, p.count, p.alpha);
  }

  /**
   * out = eˣ. SIMD: ≤ 1e-7 relative error on [−87, 88], 0 below −87.34, saturated at ≈2.4e38
   * above 88.37 (never Infinity for finite x). The JavaScript path is Math.exp rounded to float32.
   */
  exp(p: UnaryParams): void {
    this.checkUnary('exp', p);
    if (this.kernels === undefined) ref.expReference(this.f32(), p);
    else if (p.count > 0) this.kernels.exp(4 * p.x, 4 * p.out, p.count);
  }

  /** out = x (the ranges may overlap). */
  copy(p: UnaryParams): void {
    this.checkUnary('copy', p);
    ref.copyReference(this.f32(), p);
  }

  /** out[0..count) = value. */
  fill(p: FillParams): void {
    this.checkCount('fill: count', p.count);
    this.check('fill', 'out', p.out, p.count);
    ref.fillReference(this.f32(), p);
  }

  /** Σ x², accumulated in float64 (for gradient norms and losses). */
  sumSquares(p: ReduceParams): number {
    this.checkCount('sumSquares: count', p.count);
    this.check('sumSquares', 'x', p.x, p.count);
    return this.kernels === undefined ? ref.sumSquaresReference(this.f32(), p) : this.kernels.sumSquares(4 * p.x, p.count);
  }

  /** Σ x·y, accumulated in float64. */
  dot(p: DotParams): number {
    this.checkCount('dot: count', p.count);
    this.check('dot', 'x', p.x, p.count);
    this.check('dot', 'y', p.y, p.count);
    return this.kernels === undefined ? ref.dotReference(this.f32(), p) : this.kernels.dot(4 * p.x, 4 * p.y, p.count);
  }

  private checkUnary(kernel: string, p: UnaryParams): void {
    this.checkCount(`${kernel}: count`, p.count);
    this.check(kernel, 'x', p.x, p.count);
    this.check(kernel, 'out', p.out, p.count);
  }

  private checkCount(what: string, value: number): number {
    if (!Number.isInteger(value) || value < 0) throw new RangeError(`${what} = ${value} must be a non-negative integer.`);
    return value;
  }

  private checkActivation(kernel: string, activation: string): void {
    if (!(ACTIVATIONS as readonly string[]).includes(activation)) {
      throw new RangeError(`${kernel}: unknown activation "${activation}"; expected one of ${ACTIVATIONS.join(', ')}.`);
    }
  }

  /** Throws unless [offset, offset + count) lies inside the allocated floats. */
  private check(kernel: string, name: string, offset: number, count: number): void {
    if (!Number.isInteger(offset) || offset < this.base || offset + count > this.top) {
      throw new RangeError(
        `${kernel}: ${name} = ${offset} with ${count} floats lies outside the allocated floats [${this.base}, ${this.top}); ` +
          'pass an offset returned by alloc() whose allocation is large enough.',
      );
    }
  }
}
