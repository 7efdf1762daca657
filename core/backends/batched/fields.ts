import type { WeightBinding } from '../../compile/plan.ts';
import { isExternalParam } from '../../compile/externals.ts';
import type { IRFunction } from '../../ir/types.ts';
import { compileBatchedForward, type BatchedForward, type TensorSlot } from '../../nn/executor.ts';
import type { TrainingKernels } from '../../nn/kernelApi.ts';
import { modelInputs, withOutputs } from '../../onnx/fieldInputs.ts';
import type { FieldModelRunner } from '../../onnx/fieldRunner.ts';
import { bindingTensor, type TrainedWeights } from '../weights.ts';

export type { TrainedWeights } from '../weights.ts';

/** Open imported models of a stage by their param name (`<node>/onnx`), see IntegrateStage.externals. */
export type FieldModels = ReadonlyMap<string, FieldModelRunner>;

/** A compiled program and where its (single) output's component k of particle b lives. */
interface ProgramOutput {
  /** Component k of particle b lives at offsets[k] + b · strides[k] (stride 0: the same for all). */
  offsets: number[];
  strides: number[];
}

/** An imported model the field reads: its runner, where its output goes, and the program of its inputs. */
interface FieldModel {
  runner: FieldModelRunner;
  /** The field's per-particle param slot that receives the model output. */
  slot: TensorSlot;
  /** (x, t, …) → [x_model, t_model] per particle (see core/onnx/fieldInputs.ts). */
  inputs: BatchedForward;
  inputsAt: ProgramOutput;
  x: Float32Array;
  t: Float32Array;
}

function outputLayout(program: BatchedForward): ProgramOutput {
  const layout: ProgramOutput = { offsets: [], strides: [] };
  for (const out of program.outputs) {
    for (let j = 0; j < out.size; j++) {
      // A per-particle output is [batch, size]: component j of particle b at offset + b·size + j.
      layout.offsets.push(out.offset + j);
      layout.strides.push(out.rows > 1 ? out.size : 0);
    }
  }
  return layout;
}

/**
 * One field of an integration stage, f(x, t, weights…), evaluated for a whole block of particles
 * at once by the training executor (core/nn/executor.ts): dense layers are GEMMs over the block,
 * the rest fused loops. Memory is float32: x is rounded to float32 on the way in, the field's
 * arithmetic is float32 between ops, and the results are read back into float64.
 *
 * A field that reads imported models (params `<node>/onnx`, score.onnx with engine onnxruntime)
 * first computes each model's input point per particle, runs the model on the block (float32,
 * onnxruntime-web) into the param, then runs as usual; `evaluate` is then asynchronous.
 */
export class BatchedField {
  private readonly program: BatchedForward;
  private readonly x: TensorSlot;
  private readonly t: TensorSlot;
  private readonly layout: ProgramOutput;
  private readonly models: FieldModel[] = [];
  /** Number of output components (the field's dimension). */
  readonly dims: number;

  constructor(readonly fn: IRFunction, readonly batch: number, kernels: TrainingKernels, models: FieldModels = new Map()) {
    // t and the weights are the same for every particle; x and the imported models' outputs differ.
    const external = (k: number) => k >= 2 && isExternalParam(fn.params[k].name);
    const shared = fn.params.map((_, k) => k).filter((k) => k > 0 && !external(k));
    this.program = compileBatchedForward(fn, { shared, batch, kernels });
    const x = this.program.inputs.find((s) => s.param === 0);
    const t = this.program.shared.find((s) => s.param === 1);
    if (!x || !t) throw new Error(`batched integrator: field ${fn.name} must take (x, t, …)`);
    [this.x, this.t] = [x, t];
    this.layout = outputLayout(this.program);
    this.dims = this.layout.offsets.length;
    for (const slot of this.program.inputs) {
      if (!external(slot.param)) continue;
      const runner = models.get(slot.name);
      if (!runner) throw new Error(`batched integrator: field ${fn.name} reads '${slot.name}', an imported model the stage does not run`);
      const point = modelInputs(fn, slot.param);
      if (point === undefined) throw new Error(`internal error: field ${fn.name} reads '${slot.name}' but does not say at which (x, t)`);
      const inputs = compileBatchedForward(withOutputs(fn, [point], `${fn.name}:${slot.name}`), { shared, batch, kernels });
      this.models.push({ runner, slot, inputs, inputsAt: outputLayout(inputs), x: new Float32Array(batch * slot.size), t: new Float32Array(batch) });
    }
  }

  /** Copies the trained (or fixed) tensors into the field's weight params (`<train>/<tensor>`). */
  bindWeights(bindings: readonly WeightBinding[], weightsOf: TrainedWeights): void {
    for (const program of [this.program, ...this.models.map((m) => m.inputs)]) {
      const f = program.kernels.f32();
      for (const slot of program.shared) {
        if (slot.param < 2) continue;
        const binding = bindings.find((w) => w.name === slot.name);
        if (!binding) throw new Error(`batched integrator: field ${this.fn.name} reads '${slot.name}', which the stage does not bind`);
        const tensor = bindingTensor(binding, weightsOf);
        if (!tensor || tensor.length !== slot.size) throw new Error(`batched integrator: tensor '${slot.name}' of '${binding.train}' has ${tensor?.length ?? 0} values, expected ${slot.size}`);
        f.set(tensor, slot.offset);
      }
    }
  }

  /**
   * f at the first `rows` particles of `x` ([rows, d] row-major, float64) and time t, into `out`
   * ([rows, d]). Rows past `rows` are evaluated too (whatever they hold) and ignored. Synchronous
   * unless the field reads imported models; then it returns a promise, awaited before `out` is read.
   */
  evaluate(x: Float64Array, rows: number, t: number, out: Float64Array): void | Promise<void> {
    if (this.models.length > 0) return this.evaluateWithModels(x, rows, t, out);
    this.run(this.program, x, rows, t);
    this.read(this.layout, rows, out);
  }

  private async evaluateWithModels(x: Float64Array, rows: number, t: number, out: Float64Array): Promise<void> {
    for (const model of this.models) {
      this.run(model.inputs, x, rows, t);
      // Model inputs [x, t] per particle, as float32 (what onnxruntime is fed).
      const f = this.program.kernels.f32();
      const { offsets, strides } = model.inputsAt;
      const d = offsets.length - 1;
      for (let b = 0; b < rows; b++) {
        for (let k = 0; k < d; k++) model.x[b * d + k] = f[offsets[k] + b * strides[k]];
        model.t[b] = f[offsets[d] + b * strides[d]];
      }
      const y = await model.runner.evaluate(model.x, model.t, rows);
      // The kernel memory may have grown (a new view) while the model ran.
      this.program.kernels.f32().set(y.subarray(0, rows * model.slot.size), model.slot.offset);
    }
    this.run(this.program, x, rows, t);
    this.read(this.layout, rows, out);
  }

  /** Writes x and t into a program's inputs and runs it. */
  private run(program: BatchedForward, x: Float64Array, rows: number, t: number): void {
    const f = program.kernels.f32();
    const xSlot = program === this.program ? this.x : program.inputs.find((s) => s.param === 0);
    const tSlot = program === this.program ? this.t : program.shared.find((s) => s.param === 1);
    if (xSlot) {
      const xo = xSlot.offset;
      const n = rows * xSlot.size;
      for (let i = 0; i < n; i++) f[xo + i] = x[i];
    }
    if (tSlot) f[tSlot.offset] = t;
    program.run();
  }

  private read(layout: ProgramOutput, rows: number, out: Float64Array): void {
    const f = this.program.kernels.f32();
    const d = this.dims;
    for (let k = 0; k < d; k++) {
      const o = layout.offsets[k];
      const stride = layout.strides[k];
      for (let b = 0; b < rows; b++) out[b * d + k] = f[o + b * stride];
    }
  }
}
