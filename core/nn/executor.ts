import { IRBuilder } from '../ir/builder.ts';
import { emitGradient } from '../ir/gradient.ts';
import { sizeOf, type IRFunction, type IRNode, type UnaryOp } from '../ir/types.ts';
import { validateIR } from '../ir/validate.ts';
import { isElementwise, planBatch, type BatchPlan, type Reduction } from './batchPlan.ts';
import { KernelWorkspace } from './kernels/workspace.ts';
import type { Activation, GemmParams, TrainingKernels } from './kernelApi.ts';
import { assignBuffers, type PlannedStep, type StepBuffer } from './bufferPlan.ts';
import { MOVE_OPS, type MoveOp } from './moveStep.ts';
import { describeRegion, type BufferRef } from './regionCode.ts';
import { cpuStep, rowStride, type ProgramStep, type StepOp } from './stepOps.ts';

/** Options of {@link compileBatchedLoss}. */
export interface BatchedLossOptions {
  /** Param numbers of the weights: shared by every sample, and differentiated. */
  weights: readonly number[];
  /** Samples per step. */
  batch: number;
  /** Kernel library and memory (default: a new `KernelWorkspace`, WebAssembly SIMD where supported). */
  kernels?: TrainingKernels;
  /** Also compute the gradients (default true); false gives a forward-only evaluator. */
  gradients?: boolean;
}

/** A tensor in the kernels' memory: param number, name, shape and offset in floats. */
export interface TensorSlot {
  param: number;
  name: string;
  shape: readonly number[];
  offset: number;
  size: number;
}

/** IR activations the kernels run forward, and the IR ops that are their derivatives. */
const FORWARD_KERNEL: Partial<Record<UnaryOp, Activation>> = { silu: 'silu', relu: 'relu', gelu: 'geluTanh', softplus: 'softplus', tanh: 'tanh' };
const BACKWARD_KERNEL: Partial<Record<UnaryOp, Activation>> = { silu_grad: 'silu', relu_grad: 'relu', gelu_grad: 'geluTanh', sigmoid: 'softplus' };

/**
 * A per-sample loss compiled for a whole batch: the batch-mean loss and its gradient with respect
 * to the shared weights, in float32 buffers of one kernel memory.
 *
 * The caller writes the weights (`weights`, one contiguous block from `weightsOffset`), the
 * per-sample inputs (`inputs`, each [batch, size] row-major) and the random draws (`normals` /
 * `uniforms`, draw-major [draws, batch]), calls {@link BatchedLoss.run}, and reads the mean
 * gradients from `gradientsOffset` (same layout as the weights): that is where Adam works.
 */
export interface BatchedLoss {
  /** The IR it runs: [loss, ∂loss/∂w / batch for each weight] per sample. */
  readonly fn: IRFunction;
  readonly batch: number;
  readonly kernels: TrainingKernels;
  /** Where each weight lives, in param order of `weights`. */
  readonly weights: readonly TensorSlot[];
  /** First float of the weight block. */
  readonly weightsOffset: number;
  /** Floats in the weight block (slots are 4-float aligned, so ≥ the parameter count). */
  readonly weightFloats: number;
  /** First float of the gradient block (the batch-mean gradient after `run`, laid out like the weights). */
  readonly gradientsOffset: number;
  /** The per-sample inputs, [batch, size] each, in param order. */
  readonly inputs: readonly TensorSlot[];
  /** Draws of the loss's random ops: draw k of sample b at offset + k · batch + b. */
  readonly normals: { offset: number; draws: number };
  readonly uniforms: { offset: number; draws: number };
  /** Floats of the intermediate buffers after liveness-based reuse. */
  readonly scratchFloats: number;
  /** One line per step, naming the kernel it runs (for tests and `plan` printouts). */
  readonly steps: readonly string[];
  /**
   * The same steps as data (final offsets in floats): what `run` executes, for other backends to
   * translate (core/nn/webgpu runs this list on the GPU over a mirror of the memory).
   */
  readonly program: readonly ProgramStep[];
  /** The per-sample losses after `run` ([batch, 1]; `run` returns their mean). */
  readonly loss: BufferRef;
  /**
   * The floats [start, end) of the kernels' memory that hold every buffer of this program (weights,
   * gradients, inputs, draws, constants, intermediates): copy this range to mirror the program.
   */
  readonly memory: { start: number; end: number };
  /** Runs forward (and backward); returns the batch-mean loss. */
  run(): number;
  /** Milliseconds per step label over one run (for benchmarks; slower than `run`). */
  profile(): Map<string, number>;
}

/**
 * Compiles `loss` (params: weights and per-sample inputs; output 0: a scalar per sample) into a
 * batched executor. Values that depend only on weights are computed once per step; per-sample
 * values are [batch, …] buffers. matmul(W, v) over the batch is one GEMM, Σ_b outer(δ_b, h_b) is
 * one GEMM δᵀH, bias gradients are column sums, dense layer + bias + activation and
 * g ⊙ act'(z) run as fused kernels, and remaining elementwise chains are fused into generated
 * loops. Any IR the gradient pass emits runs (general path); MLP-shaped IR hits the kernels.
 */
export function compileBatchedLoss(loss: IRFunction, options: BatchedLossOptions): BatchedLoss {
  const fn = options.gradients === false ? { ...loss, outputs: [loss.outputs[0]] } : meanGradient(loss, options.weights, options.batch);
  const problems = validateIR(fn);
  if (problems.length > 0) throw new Error(`compileBatchedLoss(${loss.name}): invalid IR: ${problems.join('; ')}`);
  if (fn.nodes[fn.outputs[0]].type.shape.length !== 0) throw new Error(`compileBatchedLoss(${loss.name}): output 0 must be a scalar loss per sample`);
  return new BatchCompiler(fn, options).finish();
}

/** Options of {@link compileBatchedForward}. */
export interface BatchedForwardOptions {
  /** Param numbers that are the same for every sample (network weights, the time of a field). */
  shared: readonly number[];
  /** Samples per run. */
  batch: number;
  /** Kernel library and memory (default: a new `KernelWorkspace`); several programs may share one. */
  kernels?: TrainingKernels;
}

/**
 * A per-sample function evaluated forward over a batch (no gradients): e.g. a field f(x, t) with a
 * network inside, for every particle at once. Write the shared params into `shared` (one row
 * each) and the per-sample params into `inputs` ([batch, size] each), call `run`, and read each
 * output from `outputs`: `rows` is 1 when the value is the same for every sample, else the batch.
 */
export interface BatchedForward {
  /** The IR it runs. */
  readonly fn: IRFunction;
  readonly batch: number;
  readonly kernels: TrainingKernels;
  /** Where each shared param lives (one row), in param order. */
  readonly shared: readonly TensorSlot[];
  /** The per-sample params, [batch, size] each, in param order. */
  readonly inputs: readonly TensorSlot[];
  /** Where each output of `fn` is after `run`, in output order. */
  readonly outputs: readonly BufferRef[];
  /** One line per step, naming the kernel it runs. */
  readonly steps: readonly string[];
  /** The same steps as data (see {@link BatchedLoss.program}). */
  readonly program: readonly ProgramStep[];
  /** Evaluates `fn` for every sample. */
  run(): void;
}

/**
 * Compiles `fn` for forward evaluation over batches of `batch` samples: the same GEMMs, fused
 * bias-activation kernels and generated elementwise loops as training, in float32 memory.
 */
export function compileBatchedForward(fn: IRFunction, options: BatchedForwardOptions): BatchedForward {
  const problems = validateIR(fn);
  if (problems.length > 0) throw new Error(`compileBatchedForward(${fn.name}): invalid IR: ${problems.join('; ')}`);
  return new BatchCompiler(fn, { weights: options.shared, batch: options.batch, kernels: options.kernels, gradients: false }, true).finishForward();
}

/**
 * [loss, ∂loss/∂w / B, …]: the reverse sweep seeded with 1/B, so summing the per-sample
 * gradients over the batch gives the gradient of the batch mean without a rescaling pass.
 */
function meanGradient(loss: IRFunction, weights: readonly number[], batch: number): IRFunction {
  const b = new IRBuilder(`${loss.name}_grad`, loss.params);
  const r = emitGradient(b, loss, loss.params.map((_, i) => b.param(i)), weights, { seed: b.constant(1 / batch) });
  return b.build([r.outputs[0], ...r.gradients]);
}

/** A buffer's final place, detached from the planner's mutable record. */
const place = (r: BufferRef): BufferRef => ({ offset: r.offset, rows: r.rows, size: r.size });

class BatchCompiler {
  private readonly kernels: TrainingKernels;
  private readonly B: number;
  private readonly plan: BatchPlan;
  private readonly refs: (StepBuffer | undefined)[];
  private readonly steps: PlannedStep[] = [];
  private readonly skip = new Set<number>();
  /** add(M, bias) nodes computed together with the activation that reads them. */
  private readonly deferredBias = new Map<number, number>();
  /** Nodes a fused kernel reads although no IR node of theirs does. */
  private readonly kernelReads = new Set<number>();
  /** g ⊙ act'(z) products run by activationBackward. */
  private readonly backwardAt = new Map<number, { pre: number; grad: number; activation: Activation }>();
  /** Gradient terms not yet emitted (they run as soon as their inputs exist, while those are in cache). */
  private waiting: { term: Reduction; slot: TensorSlot }[] = [];
  /** Weights whose gradient slot a step has written already. */
  private readonly written = new Set<number>();
  private pending: { members: number[]; rows: number; size: number } | undefined;
  private readonly weightSlots: TensorSlot[] = [];
  private readonly inputSlots: TensorSlot[] = [];
  private readonly weightsOffset: number;
  private readonly weightFloats: number;
  private readonly gradientsOffset: number;
  private readonly normals: { offset: number; draws: number };
  private readonly uniforms: { offset: number; draws: number };
  /** The range of memory this program's allocations span. */
  private memoryStart = Infinity;
  private memoryEnd = 0;

  constructor(private readonly fn: IRFunction, private readonly options: BatchedLossOptions, forward = false) {
    this.kernels = options.kernels ?? KernelWorkspace.create();
    this.B = options.batch;
    this.plan = planBatch(fn, options.weights, forward);
    this.refs = fn.nodes.map(() => undefined);
    // Weights: one block (so Adam is one call), each slot 4-float aligned for the SIMD kernels.
    let floats = 0;
    const starts = options.weights.map((p) => {
      const start = floats;
      floats += Math.ceil(sizeOf(fn.params[p].type) / 4) * 4;
      return start;
    });
    this.weightFloats = floats;
    this.weightsOffset = this.alloc(floats);
    this.gradientsOffset = this.alloc(floats);
    // Alignment padding between slots is updated by Adam too: it must start (and stay) zero, and
    // so must the gradient of a weight the loss does not depend on (no step writes it).
    this.kernels.f32().fill(0, this.weightsOffset, this.weightsOffset + floats);
    this.kernels.f32().fill(0, this.gradientsOffset, this.gradientsOffset + floats);
    options.weights.forEach((p, k) => {
      const param = fn.params[p];
      this.weightSlots.push({ param: p, name: param.name, shape: param.type.shape, offset: this.weightsOffset + starts[k], size: sizeOf(param.type) });
    });
    fn.params.forEach((param, p) => {
      if (options.weights.includes(p)) return;
      const size = sizeOf(param.type);
      this.inputSlots.push({ param: p, name: param.name, shape: param.type.shape, offset: this.alloc(this.B * size), size });
    });
    const draws = (op: string) => fn.nodes.reduce((n, node) => (node.op === op ? Math.max(n, (node.index ?? 0) + 1) : n), 0);
    const normalDraws = draws('random_normal');
    const uniformDraws = draws('random_uniform');
    this.normals = { offset: this.alloc(Math.max(1, normalDraws * this.B)), draws: normalDraws };
    this.uniforms = { offset: this.alloc(Math.max(1, uniformDraws * this.B)), draws: uniformDraws };
  }

  /** Plans every step of the program (kernels, fused loops, gradient reductions). */
  private planSteps(): void {
    const { fn, plan } = this;
    this.findBackwardKernels();
    plan.reductions.forEach((terms, k) => terms.forEach((term) => this.waiting.push({ term, slot: this.weightSlots[k] })));
    fn.nodes.forEach((node, i) => {
      if (!plan.needed[i] || this.skip.has(i)) return;
      this.visit(node, i);
      this.emitReadyReductions();
    });
    this.flush();
    this.emitReadyReductions();
    if (this.waiting.length > 0) throw new Error('compileBatchedLoss: internal error, a gradient term never became ready');
  }

  /** The forward evaluator (see compileBatchedForward): every output's buffer is kept. */
  finishForward(): BatchedForward {
    this.planSteps();
    const outputs = this.fn.outputs.map((o) => this.ref(o));
    assignBuffers(this.steps, outputs, (floats) => this.alloc(floats));
    const kernels = this.kernels;
    const program: ProgramStep[] = this.steps.map((s) => ({ label: s.label, ops: s.ops() }));
    const steps = program.map((s) => ({ label: s.label, run: cpuStep(kernels, s.ops) }));
    return {
      fn: this.fn, batch: this.B, kernels, shared: this.weightSlots, inputs: this.inputSlots,
      outputs: outputs.map(place), steps: steps.map((s) => s.label), program,
      run: () => {
        const f = kernels.f32();
        for (const step of steps) step.run(f);
      },
    };
  }

  finish(): BatchedLoss {
    this.planSteps();
    const { fn } = this;
    const lossRef = this.ref(fn.outputs[0]);
    const scratchFloats = assignBuffers(this.steps, [lossRef], (floats) => this.alloc(floats));
    const { kernels, B, gradientsOffset, weightFloats } = this;
    const program: ProgramStep[] = this.steps.map((s) => ({ label: s.label, ops: s.ops() }));
    const steps = program.map((s) => ({ label: s.label, run: cpuStep(kernels, s.ops) }));
    const run = (timings?: Map<string, number>): number => {
      let f = kernels.f32();
      for (const step of steps) {
        const t0 = timings ? performance.now() : 0;
        step.run(f);
        if (timings) timings.set(step.label, (timings.get(step.label) ?? 0) + performance.now() - t0);
      }
      f = kernels.f32();
      let total = 0;
      for (let b = 0; b < lossRef.rows; b++) total += f[lossRef.offset + b];
      return total / lossRef.rows;
    };
    return {
      fn, batch: B, kernels, weights: this.weightSlots, weightsOffset: this.weightsOffset, weightFloats, gradientsOffset,
      inputs: this.inputSlots, normals: this.normals, uniforms: this.uniforms, steps: steps.map((s) => s.label), scratchFloats,
      program, loss: place(lossRef), memory: { start: this.memoryStart, end: this.memoryEnd },
      run: () => run(),
      profile(): Map<string, number> {
        const timings = new Map<string, number>();
        run(timings);
        return timings;
      },
    };
  }

  /** Allocates from the kernels' memory, tracking the range the program uses. */
  private alloc(floats: number): number {
    const offset = this.kernels.alloc(floats);
    this.memoryStart = Math.min(this.memoryStart, offset);
    this.memoryEnd = Math.max(this.memoryEnd, offset + floats);
    return offset;
  }

  private rows(i: number): number {
    return this.plan.perSample[i] ? this.B : 1;
  }

  private ref(i: number): StepBuffer {
    const r = this.refs[i];
    if (r === undefined) throw new Error(`compileBatchedLoss: internal error, %${i} (${this.fn.nodes[i].op}) has no buffer`);
    return r;
  }

  /** A buffer for node i, placed in memory once every step is known (see bufferPlan.ts). */
  private allocate(i: number): StepBuffer {
    const size = sizeOf(this.fn.nodes[i].type);
    const r: StepBuffer = { offset: -1, rows: this.rows(i), size, planned: true };
    this.refs[i] = r;
    return r;
  }

  private fixed(offset: number, rows: number, size: number): StepBuffer {
    return { offset, rows, size, planned: false };
  }

  private push(label: string, reads: readonly StepBuffer[], writes: readonly StepBuffer[], ops: () => StepOp[]): void {
    this.steps.push({ label, reads, writes, ops });
  }

  private visit(node: IRNode, i: number): void {
    switch (node.op) {
      case 'const': {
        const r = this.fixed(this.alloc(1), 1, 1);
        this.kernels.f32()[r.offset] = node.value ?? 0;
        this.refs[i] = r;
        return;
      }
      case 'param': {
        const slot = [...this.weightSlots, ...this.inputSlots].find((s) => s.param === node.index);
        if (!slot) throw new Error(`compileBatchedLoss: param ${node.index} has no buffer`);
        this.refs[i] = this.fixed(slot.offset, this.rows(i), slot.size);
        return;
      }
      case 'random_normal': case 'random_uniform': {
        const block = node.op === 'random_normal' ? this.normals : this.uniforms;
        this.refs[i] = this.fixed(block.offset + (node.index ?? 0) * this.B, this.B, 1);
        return;
      }
    }
    if (isElementwise(node)) {
      if (this.tryKernel(node, i)) return;
      const rows = this.rows(i);
      const size = sizeOf(node.type);
      if (this.pending && (this.pending.rows !== rows || this.pending.size !== size)) this.flush();
      if (!this.pending) this.pending = { members: [], rows, size };
      this.pending.members.push(i);
      return;
    }
    this.flushIfReads(node.args);
    this.structural(node, i);
  }

  /** Closes the pending elementwise region when one of `values` is computed in it. */
  private flushIfReads(values: readonly number[]): void {
    if (this.pending && values.some((a) => this.pending?.members.includes(a))) this.flush();
  }

  private flush(): void {
    const region = this.pending;
    if (!region) return;
    this.pending = undefined;
    const inRegion = new Set(region.members);
    const stored = region.members.filter((m) => this.plan.externalUse[m] || this.kernelReads.has(m) || this.plan.consumers[m].some((c) => !inRegion.has(c)));
    const outs = stored.map((m) => this.allocate(m));
    const inputs = new Set<number>();
    for (const m of region.members) for (const a of this.fn.nodes[m].args) if (!inRegion.has(a) && this.fn.nodes[a].op !== 'const') inputs.add(a);
    const ops = region.members.map((m) => this.fn.nodes[m].op).join(' ');
    this.push(`fused ${region.rows}×${region.size}: ${ops}`, [...inputs].map((a) => this.ref(a)), outs, () => [{
      kind: 'region',
      region: describeRegion(this.fn, region.members, region.rows, region.size, (a) => this.ref(a), new Map(stored.map((m, k) => [m, outs[k].offset]))),
    }]);
  }

  /** Emits the gradient terms whose inputs are all computed. */
  private emitReadyReductions(): void {
    const ready = (v: number) => this.refs[v] !== undefined && !this.pending?.members.includes(v);
    const later: typeof this.waiting = [];
    for (const w of this.waiting) {
      const inputs = w.term.kind === 'outer' ? [w.term.a, w.term.c] : [w.term.node];
      if (inputs.every(ready)) this.reductionStep(w.term, w.slot);
      else later.push(w);
    }
    this.waiting = later;
  }

  /** The fused-kernel peepholes: dense layer + bias + activation, and g ⊙ act'(z). */
  private tryKernel(node: IRNode, i: number): boolean {
    const { fn, plan } = this;
    const full = (a: number) => this.rows(a) === this.rows(i) && sizeOf(fn.nodes[a].type) === sizeOf(node.type);
    // add(M, bias) with M a GEMM result: bias added by the activation kernel that follows, or alone.
    if (node.op === 'add') {
      const [x, y] = node.args;
      const [m, bias] = this.isGemmOutput(y) && !this.isGemmOutput(x) ? [y, x] : [x, y];
      if (this.isGemmOutput(m) && plan.consumers[m].length === 1 && !plan.perSample[bias] && fn.nodes[bias].type.shape.length === 1 && full(m)) {
        const act = plan.consumers[i].find((c) => FORWARD_KERNEL[fn.nodes[c].op as UnaryOp] !== undefined && this.rows(c) === this.rows(i));
        if (act !== undefined && plan.consumers[i].every((c) => c >= act)) {
          this.deferredBias.set(i, m);
          return true;
        }
        this.flushIfReads([bias]);
        const [M, Bias, out] = [this.ref(m), this.ref(bias), this.allocate(i)];
        this.push(`biasActivation identity ${out.rows}×${out.size}`, [M, Bias], [out], () => [{
          kind: 'biasActivation', params: { x: M.offset, bias: Bias.offset, rows: out.rows, cols: out.size, out: out.offset, activation: 'identity' },
        }]);
        return true;
      }
    }
    const forward = FORWARD_KERNEL[node.op as UnaryOp];
    if (forward !== undefined) {
      const z = node.args[0];
      const m = this.deferredBias.get(z);
      if (m === undefined && !full(z)) return false;
      this.flushIfReads(node.args);
      if (m !== undefined) {
        const needZ = plan.externalUse[z] || plan.consumers[z].length > 1 || this.kernelReads.has(z);
        const biasNode = fn.nodes[z].args[0] === m ? fn.nodes[z].args[1] : fn.nodes[z].args[0];
        this.flushIfReads([biasNode]);
        const [M, Bias, out] = [this.ref(m), this.ref(biasNode), this.allocate(i)];
        const pre = needZ ? this.allocate(z) : undefined;
        this.push(`biasActivation ${forward} ${out.rows}×${out.size}`, [M, Bias], pre ? [out, pre] : [out], () => [{
          kind: 'biasActivation', params: { x: M.offset, bias: Bias.offset, rows: out.rows, cols: out.size, out: out.offset, activation: forward, preOut: pre?.offset },
        }]);
        return true;
      }
      const [X, out] = [this.ref(z), this.allocate(i)];
      this.push(`biasActivation ${forward} ${out.rows}×${out.size}`, [X], [out], () => [{
        kind: 'biasActivation', params: { x: X.offset, rows: out.rows, cols: out.size, out: out.offset, activation: forward },
      }]);
      return true;
    }
    const backward = this.backwardAt.get(i);
    if (backward) {
      this.flushIfReads([backward.grad, backward.pre]);
      const [G, Z, out] = [this.ref(backward.grad), this.ref(backward.pre), this.allocate(i)];
      this.push(`activationBackward ${backward.activation} ${out.rows}×${out.size}`, [G, Z], [out], () => [{
        kind: 'activationBackward', params: { pre: Z.offset, gradOut: G.offset, gradIn: out.offset, count: out.rows * out.size, activation: backward.activation },
      }]);
      return true;
    }
    return false;
  }

  /**
   * g ⊙ act'(z) products, found before the walk: the factor act'(z) comes first in the IR and
   * must be skipped there, since the kernel computes it inside the product.
   */
  private findBackwardKernels(): void {
    const { fn, plan } = this;
    fn.nodes.forEach((node, i) => {
      if (!plan.needed[i] || node.op !== 'mul') return;
      const match = this.derivativeFactor(node.args[1]) ?? this.derivativeFactor(node.args[0]);
      if (!match || plan.consumers[match.factor].length !== 1) return;
      const grad = match.factor === node.args[1] ? node.args[0] : node.args[1];
      const full = (a: number) => this.rows(a) === this.rows(i) && sizeOf(fn.nodes[a].type) === sizeOf(node.type);
      if (!full(grad) || !full(match.pre) || grad === match.factor) return;
      this.backwardAt.set(i, { ...match, grad });
      // 1 − tanh(z)² read as a kernel of z: z must be stored even if only tanh(z) read it.
      this.kernelReads.add(match.pre);
      for (const s of match.fused) this.skip.add(s);
    });
  }

  /** Whether node v is computed by a GEMM (matmul with a shared matrix). */
  private isGemmOutput(v: number): boolean {
    const node = this.fn.nodes[v];
    return node.op === 'matmul' && !this.plan.perSample[node.args[0]];
  }

  /**
   * If `q` is act'(z) for a kernel activation — silu_grad(z), relu_grad(z), gelu_grad(z),
   * sigmoid(z) (= softplus'), or 1 − tanh(z)² — returns z and the nodes the kernel replaces.
   */
  private derivativeFactor(q: number): { factor: number; pre: number; activation: Activation; fused: number[] } | undefined {
    const { fn, plan } = this;
    const node = fn.nodes[q];
    if (!plan.needed[q]) return undefined;
    const backward = BACKWARD_KERNEL[node.op as UnaryOp];
    if (backward !== undefined) return { factor: q, pre: node.args[0], activation: backward, fused: [q] };
    if (node.op === 'sub' && fn.nodes[node.args[0]].op === 'const' && fn.nodes[node.args[0]].value === 1) {
      const sq = fn.nodes[node.args[1]];
      const v = sq.args[0];
      if (sq.op === 'mul' && sq.args[1] === v && fn.nodes[v].op === 'tanh' && plan.consumers[node.args[1]].length === 1) {
        return { factor: q, pre: fn.nodes[v].args[0], activation: 'tanh', fused: [q, node.args[1]] };
      }
    }
    return undefined;
  }

  /** Non-elementwise ops: data movement, reductions within a sample, products. */
  private structural(node: IRNode, i: number): void {
    const { fn } = this;
    const args = node.args.map((a) => this.ref(a));
    const out = this.allocate(i);
    const R = out.rows;
    const label = `${node.op} ${R}×${out.size}`;
    const perSample = (params: GemmParams, a: StepBuffer, b: StepBuffer): StepOp[] =>
      [{ kind: 'gemm', params: { ...params, a: a.offset, b: b.offset, c: out.offset }, batch: { count: R, strideA: rowStride(a), strideB: rowStride(b), strideC: rowStride(out) } }];
    switch (node.op) {
      case 'matmul': case 'matmul_t': {
        const [m, k] = fn.nodes[node.args[0]].type.shape;
        const [W, v] = args;
        if (W.rows === 1) {
          // Over the batch: [R, k] · Wᵀ (matmul) or [R, m] · W (matmul_t), one GEMM.
          this.push(`gemm ${label}`, args, [out], () => [{
            kind: 'gemm',
            params: node.op === 'matmul'
              ? { m: R, n: m, k, a: v.offset, b: W.offset, c: out.offset, transB: true }
              : { m: R, n: k, k: m, a: v.offset, b: W.offset, c: out.offset },
          }]);
          return;
        }
        this.push(`per-sample ${label}`, args, [out], () => (node.op === 'matmul'
          ? perSample({ m: 1, n: m, k, a: 0, b: 0, c: 0, transB: true }, v, W)
          : perSample({ m: 1, n: k, k: m, a: 0, b: 0, c: 0 }, v, W)));
        return;
      }
      case 'outer': {
        const [a, c] = args;
        this.push(`per-sample ${label}`, args, [out], () => perSample({ m: a.size, n: c.size, k: 1, a: 0, b: 0, c: 0 }, a, c));
        return;
      }
      default: {
        if (!MOVE_OPS.includes(node.op)) throw new Error(`compileBatchedLoss: op '${node.op}' has no batched implementation`);
        const op = node.op as MoveOp;
        this.push(label, args, [out], () => [{ kind: 'move', move: { op, index: node.index ?? 0, out: place(out), args: args.map(place) } }]);
      }
    }
  }

  /**
   * A step that adds Σ_b of one gradient term into its slot of the gradient block; the first term
   * of a slot overwrites it instead, so the block needs no zeroing per step.
   */
  private reductionStep(t: Reduction, slot: TensorSlot): void {
    const { B } = this;
    const target = this.gradientsOffset + (slot.offset - this.weightsOffset);
    const n = slot.size;
    const first = !this.written.has(slot.param);
    this.written.add(slot.param);
    const negate: StepOp = { kind: 'scale', x: target, xStride: 1, out: target, count: n, alpha: -1, accumulate: false };
    const withSign = (label: string, reads: StepBuffer[], into: (c: number, accumulate: boolean) => StepOp) => {
      if (t.sign === 1) {
        this.push(label, reads, [], () => [into(target, !first)]);
        return;
      }
      if (first) {
        this.push(`${label} (negated)`, reads, [], () => [into(target, false), negate]);
        return;
      }
      const temp: StepBuffer = { offset: -1, rows: 1, size: n, planned: true };
      this.push(`${label} (subtracted)`, reads, [temp], () => [
        into(temp.offset, false),
        { kind: 'scale', x: temp.offset, xStride: 1, out: target, count: n, alpha: -1, accumulate: true },
      ]);
    };
    if (t.kind === 'outer') {
      const [a, c] = [this.ref(t.a), this.ref(t.c)];
      withSign(`gemm Σ outer → d${slot.name} ${a.size}×${c.size}`, [a, c], (into, accumulate) =>
        ({ kind: 'gemm', params: { m: a.size, n: c.size, k: B, a: a.offset, b: c.offset, c: into, transA: true, accumulate } }));
      return;
    }
    const r = this.ref(t.node);
    if (t.kind === 'shared') {
      this.push(`shared → d${slot.name}`, [r], [], () => [
        { kind: 'scale', x: r.offset, xStride: r.size === 1 ? 0 : 1, out: target, count: n, alpha: t.sign * B, accumulate: !first },
      ]);
      return;
    }
    if (r.size !== n) throw new Error(`compileBatchedLoss: gradient term of ${slot.name} has ${r.size} elements, expected ${n}`);
    withSign(`columnSums → d${slot.name} ${B}×${n}`, [r], (into, accumulate) =>
      ({ kind: 'columnSums', params: { x: r.offset, rows: B, cols: n, out: into, accumulate } }));
  }
}
