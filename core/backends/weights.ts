import type { WeightBinding } from '../compile/plan.ts';

/** Trained tensors by train-stage node id (mlpParams order), as the integrators receive them. */
export type TrainedWeights = (train: string) => readonly Float32Array[];

/** The values of one bound tensor: fixed ones from the plan, trained ones from their train stage. */
export function bindingTensor(binding: WeightBinding, weightsOf: TrainedWeights): Float32Array {
  const tensor = binding.fixed ?? weightsOf(binding.train)[binding.tensor];
  if (!tensor) throw new Error(`tensor '${binding.name}' of '${binding.train}' is not available`);
  return tensor;
}
