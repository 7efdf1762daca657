/**
 * Where an imported model is evaluated inside a field's IR (score.onnx with engine onnxruntime).
 *
 * The model's output is the param `<node>/onnx` ([d] per particle), filled by the integrator
 * before the field runs. The model is not always evaluated at the field's own (x, t): a
 * reverse-time SDE asks for s(x, T − τ). So the lowering also records the point, as one IR node
 * that nothing reads: `concat([<node>/onnx, stack([x_0 … x_{d−1}, t])])`, emitted right where the
 * param is bound. The integrator finds it with {@link modelInputs} and computes the stack (a
 * function of the field's x and t) per particle before running the model; executors skip it,
 * since no output depends on it.
 */
import type { IRBuilder } from '../ir/builder.ts';
import type { IRFunction, ValueId } from '../ir/types.ts';

/**
 * Records, in `b`, that `param` (the model output) is the model at (x, t). Returns false when
 * the builder already holds the same param evaluated at another point (one point per function:
 * the param can hold only one value per particle).
 */
export function markModelInputs(b: IRBuilder, param: ValueId, x: readonly ValueId[], t: ValueId): boolean {
  const point = b.stack([...x, t]);
  const known = MARKS.get(b)?.get(param);
  if (known !== undefined) return known === point;
  b.concat([param, point]);
  if (!MARKS.has(b)) MARKS.set(b, new Map());
  MARKS.get(b)?.set(param, point);
  return true;
}

/** Points already marked, per builder and param (hash-consing gives equal points equal ids). */
const MARKS = new WeakMap<IRBuilder, Map<ValueId, ValueId>>();

/**
 * The value of `fn` holding [x_0 … x_{d−1}, t] at which the model behind param number `param`
 * is evaluated (see the module comment), or undefined when there is none.
 */
export function modelInputs(fn: IRFunction, param: number): ValueId | undefined {
  const paramNode = fn.nodes.findIndex((n) => n.op === 'param' && n.index === param);
  const mark = fn.nodes.find((n) => n.op === 'concat' && n.args.length === 2 && n.args[0] === paramNode && fn.nodes[n.args[1]]?.op === 'stack');
  return mark?.args[1];
}

/** `fn` with only `outputs` (its other outputs dropped): executors then compute only what those need. */
export function withOutputs(fn: IRFunction, outputs: readonly ValueId[], name: string): IRFunction {
  return { ...fn, name, outputs: [...outputs] };
}
