import { IRBuilder } from './builder.ts';
import { emitTangent } from './derivative.ts';
import type { IRFunction, ValueId } from './types.ts';

/** Which input and output of a field f: R^d → R^d a divergence is taken over. */
export interface FieldSlot {
  /** Param number of x (default 0). */
  input?: number;
  /** Output number of f(x) (default 0). */
  output?: number;
}

/**
 * The Jacobian-vector product J_x f · v of output `output` of `fn` along `v` for param `input`,
 * inlined into `b` (forward mode, one pass). Returns [f, J v].
 */
export function emitJvp(b: IRBuilder, fn: IRFunction, args: readonly ValueId[], v: ValueId, slot: FieldSlot = {}): [ValueId, ValueId] {
  const tangents = args.map((_, i) => (i === (slot.input ?? 0) ? v : null));
  const r = emitTangent(b, fn, args, tangents);
  return [r.outputs[slot.output ?? 0], r.tangents[slot.output ?? 0]];
}

/**
 * ∂f/∂t: the tangent of output `output` along the scalar param `timeInput` (e.g. the t of s(x, t)).
 * Fokker–Planck residuals need it inside the loss they differentiate.
 */
export function emitTimeDerivative(b: IRBuilder, fn: IRFunction, args: readonly ValueId[], timeInput: number, output = 0): ValueId {
  return emitJvp(b, fn, args, b.constant(1), { input: timeInput, output })[1];
}

/**
 * Exact divergence ∇·f = Σ_i ∂f_i/∂x_i by d JVPs along the unit vectors (forward passes share
 * their common part through the builder's CSE). Costs d tangent passes: meant for small d.
 */
export function emitDivergence(b: IRBuilder, fn: IRFunction, args: readonly ValueId[], slot: FieldSlot = {}): ValueId {
  const d = checkSquare(fn, slot);
  let total: ValueId | undefined;
  for (let i = 0; i < d; i++) {
    const unit = b.constantVector(Array.from({ length: d }, (_, j) => (j === i ? 1 : 0)));
    const term = b.index(emitJvp(b, fn, args, unit, slot)[1], i);
    total = total === undefined ? term : b.add(total, term);
  }
  return total ?? b.constant(0);
}

/** Options of {@link emitHutchinsonDivergence}. */
export interface HutchinsonOptions extends FieldSlot {
  /** Probe vectors per estimate (default 1). */
  probes?: number;
  /** Rademacher (±1, lower variance) or standard normal probes (default 'rademacher'). */
  distribution?: 'rademacher' | 'gaussian';
  /** First draw number of the function's random stream used by the probes (default 0). */
  firstDraw?: number;
}

/**
 * Hutchinson's unbiased estimate of ∇·f: the mean over probes v of vᵀ (J v), one JVP each.
 * Probe k, component i reads draw `firstDraw + k·d + i` (uniform for Rademacher, normal for
 * Gaussian), so the caller keeps other draws of the stream apart.
 */
export function emitHutchinsonDivergence(b: IRBuilder, fn: IRFunction, args: readonly ValueId[], options: HutchinsonOptions = {}): ValueId {
  const d = checkSquare(fn, options);
  const probes = options.probes ?? 1;
  const first = options.firstDraw ?? 0;
  let total: ValueId | undefined;
  for (let k = 0; k < probes; k++) {
    const components = Array.from({ length: d }, (_, i) => {
      const draw = first + k * d + i;
      if (options.distribution === 'gaussian') return b.random('normal', draw);
      return b.select(b.binary('lt', b.random('uniform', draw), b.constant(0.5)), b.constant(-1), b.constant(1));
    });
    const v = b.stack(components);
    const term = b.dot(v, emitJvp(b, fn, args, v, options)[1]);
    total = total === undefined ? term : b.add(total, term);
  }
  return b.div(total ?? b.constant(0), b.constant(probes));
}

/**
 * The function (params…, v) → [f, J v] as IR of its own, so a second tangent pass can take
 * derivatives of derivatives (a Laplacian is the divergence of a gradient built this way).
 */
export function jvpFunction(fn: IRFunction, slot: FieldSlot = {}): IRFunction {
  const input = fn.params[slot.input ?? 0];
  if (!input) throw new Error(`jvpFunction(${fn.name}): no param number ${slot.input ?? 0}`);
  const b = new IRBuilder(`${fn.name}_jvp`, [...fn.params, { name: `d${input.name}`, type: input.type }]);
  const args = fn.params.map((_, i) => b.param(i));
  return b.build(emitJvp(b, fn, args, b.param(fn.params.length), slot));
}

/** d for a field R^d → R^d; throws with the shapes when the input and output do not match. */
function checkSquare(fn: IRFunction, slot: FieldSlot): number {
  const input = fn.params[slot.input ?? 0]?.type.shape ?? [];
  const out = fn.outputs[slot.output ?? 0];
  const output = out === undefined ? [] : fn.nodes[out].type.shape;
  if (input.length !== 1 || output.length !== 1 || input[0] !== output[0]) {
    throw new Error(`divergence of ${fn.name}: input [${input}] and output [${output}] must be vectors of one length`);
  }
  return input[0];
}
