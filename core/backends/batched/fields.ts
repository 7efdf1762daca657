import type { WeightBinding } from '../../compile/plan.ts';
import type { IRFunction } from '../../ir/types.ts';
import { compileBatchedForward, type BatchedForward, type TensorSlot } from '../../nn/executor.ts';
import type { TrainingKernels } from '../../nn/kernelApi.ts';
import { bindingTensor, type TrainedWeights } from '../weights.ts';

export type { TrainedWeights } from '../weights.ts';

/**
 * One field of an integration stage, f(x, t, weights…), evaluated for a whole block of particles
 * at once by the training executor (core/nn/executor.ts): dense layers are GEMMs over the block,
 * the rest fused loops. Memory is float32: x is rounded to float32 on the way in, the field's
 * arithmetic is float32 between ops, and the results are read back into float64.
 */
export class BatchedField {
  private readonly program: BatchedForward;
  private readonly x: TensorSlot;
  private readonly t: TensorSlot;
  /** Output component k of particle b lives at offsets[k] + b · strides[k] (stride 0: the same for all). */
  private readonly offsets: number[] = [];
  private readonly strides: number[] = [];
  /** Number of output components (the field's dimension). */
  readonly dims: number;

  constructor(readonly fn: IRFunction, readonly batch: number, kernels: TrainingKernels) {
    // t and the weights are the same for every particle; only x differs.
    this.program = compileBatchedForward(fn, { shared: fn.params.map((_, k) => k).slice(1), batch, kernels });
    const x = this.program.inputs.find((s) => s.param === 0);
    const t = this.program.shared.find((s) => s.param === 1);
    if (!x || !t) throw new Error(`batched integrator: field ${fn.name} must take (x, t, …)`);
    [this.x, this.t] = [x, t];
    for (const out of this.program.outputs) {
      for (let j = 0; j < out.size; j++) {
        // A per-particle output is [batch, size]: component j of particle b at offset + b·size + j.
        this.offsets.push(out.offset + j);
        this.strides.push(out.rows > 1 ? out.size : 0);
      }
    }
    this.dims = this.offsets.length;
  }

  /** Copies the trained tensors into the field's weight params (`<train>/<tensor>`). */
  bindWeights(bindings: readonly WeightBinding[], weightsOf: TrainedWeights): void {
    const f = this.program.kernels.f32();
    for (const slot of this.program.shared) {
      if (slot.param < 2) continue;
      const binding = bindings.find((w) => w.name === slot.name);
      if (!binding) throw new Error(`batched integrator: field ${this.fn.name} reads '${slot.name}', which the stage does not bind`);
      const tensor = bindingTensor(binding, weightsOf);
      if (!tensor || tensor.length !== slot.size) throw new Error(`batched integrator: tensor '${slot.name}' of '${binding.train}' has ${tensor?.length ?? 0} values, expected ${slot.size}`);
      f.set(tensor, slot.offset);
    }
  }

  /**
   * f at the first `rows` particles of `x` ([rows, d] row-major, float64) and time t, into `out`
   * ([rows, d]). Rows past `rows` are evaluated too (whatever they hold) and ignored.
   */
  evaluate(x: Float64Array, rows: number, t: number, out: Float64Array): void {
    const f = this.program.kernels.f32();
    const xo = this.x.offset;
    const n = rows * this.x.size;
    for (let i = 0; i < n; i++) f[xo + i] = x[i];
    f[this.t.offset] = t;
    this.program.run();
    const d = this.dims;
    for (let k = 0; k < d; k++) {
      const o = this.offsets[k];
      const stride = this.strides[k];
      for (let b = 0; b < rows; b++) out[b * d + k] = f[o + b * stride];
    }
  }
}
