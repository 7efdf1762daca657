import type { IntegrateStage } from '../compile/plan.ts';
import { sizeOf, type IRFunction } from '../ir/types.ts';
import { needsLoops, renderLoopFunction } from './renderLoops.ts';
import { renderScalarFunction, type Dialect } from './renderScalar.ts';
import { bindingTensor } from './weights.ts';

/**
 * Fields with networks inside the fused kernels. A stage's weight params (IntegrateStage.weights,
 * `<train node>/<tensor>`) travel as one flat read-only array per stage, tensor after tensor in
 * the order of the bindings: a Float64Array in the CPU kernel's `env.weights`, an f32 storage
 * buffer in the WebGPU kernel. The generated source holds only offsets; the values are packed at
 * run time from the bindings, which by then carry them as `fixed` (runIntegrations fills them in
 * from the train results, see core/backends/batched/runPlan.ts).
 */

/** The functions a stage's kernel inlines at every step. */
export function stageFields(stage: IntegrateStage): IRFunction[] {
  return [stage.drift, stage.diffusion, stage.diffusionDerivative, stage.score].filter((f): f is IRFunction => f !== undefined);
}

/** Whether a field is rendered with loops: it needs them, or it reads weights (params beyond x and t). */
function fieldUsesLoops(fn: IRFunction): boolean {
  return needsLoops(fn) || fn.params.length > 2;
}

/** Whether a stage's kernel renders a field with loops (and so declares the weights and the scratch). */
export function stageUsesLoops(stage: IntegrateStage): boolean {
  return stageFields(stage).some(fieldUsesLoops);
}

/** Where each weight tensor starts in the flat array, and the array's length. */
export interface WeightLayout {
  offsets: ReadonlyMap<string, number>;
  /** Values of each tensor, by param name. */
  sizes: ReadonlyMap<string, number>;
  size: number;
}

/** The layout of a stage's weights: its bindings in order, sized by the params that read them. */
export function weightLayout(stage: IntegrateStage): WeightLayout {
  const sizes = new Map<string, number>();
  for (const fn of stageFields(stage)) for (const p of fn.params.slice(2)) sizes.set(p.name, sizeOf(p.type));
  const offsets = new Map<string, number>();
  let at = 0;
  for (const b of stage.weights ?? []) {
    const size = sizes.get(b.name);
    if (size === undefined || offsets.has(b.name)) continue;
    offsets.set(b.name, at);
    at += size;
  }
  return { offsets, sizes, size: at };
}

/**
 * The stage's weights packed at the offsets of {@link weightLayout}, in an array made by `make`
 * (shared memory for worker threads, a Float32Array for the GPU).
 *
 * @throws Error when a binding names a train stage whose results were not filled in (run the plan
 *   through runPlan / runIntegrations, which train first), or a tensor has the wrong size
 */
export function packWeights<A extends Float64Array | Float32Array>(stage: IntegrateStage, make: (length: number) => A): A {
  const layout = weightLayout(stage);
  const out = make(layout.size);
  for (const b of stage.weights ?? []) {
    const offset = layout.offsets.get(b.name);
    if (offset === undefined) continue;
    const tensor = bindingTensor(b, (train) => {
      throw new Error(`solver '${stage.nodeId}': its fields read the network trained by '${train}', whose weights were not passed; run the plan with runPlan (or runIntegrations with the train results)`);
    });
    const size = layout.sizes.get(b.name);
    if (tensor.length !== size) throw new Error(`solver '${stage.nodeId}': tensor '${b.name}' of '${b.train}' has ${tensor.length} values, expected ${size}`);
    out.set(tensor, offset);
  }
  return out;
}

/** Names the kernel generator gives the weights and scratch arrays (fixed identifiers). */
export interface NetworkArrays {
  weights: string;
  scratch: string;
}

/**
 * A dialect for one stage's kernel whose `inline` renders fields that need it with loops, weight
 * params bound by name to the weights array; `scratch()` is the scratch length the kernel must
 * declare once every field is rendered (0 when none used loops).
 */
export function networkDialect(base: Dialect, stage: IntegrateStage, arrays: NetworkArrays): { dialect: Dialect; scratch: () => number } {
  const layout = weightLayout(stage);
  let scratch = 0;
  const dialect: Dialect = {
    ...base,
    inline: (fn, bindings, prefix) => {
      if (!fieldUsesLoops(fn)) return renderScalarFunction(fn, bindings, prefix, base);
      const r = renderLoopFunction(fn, {
        ...bindings,
        scratch: arrays.scratch,
        arrays: (k) => {
          if (k < 2) return undefined;
          const offset = layout.offsets.get(fn.params[k].name);
          if (offset === undefined) throw new Error(`solver '${stage.nodeId}': field ${fn.name} reads '${fn.params[k].name}', which the stage does not bind (an imported model runs only on the batched integrator)`);
          return { array: arrays.weights, offset };
        },
      }, prefix, base);
      scratch = Math.max(scratch, r.scratch);
      return { lines: r.lines, outputs: r.outputs };
    },
  };
  return { dialect, scratch: () => scratch };
}
