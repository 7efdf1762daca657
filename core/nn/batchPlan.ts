import { isBinaryOp, isUnaryOp, sameShape, type IRFunction, type IRNode } from '../ir/types.ts';

/**
 * How one gradient output is summed over the batch without materialising per-sample matrices:
 * Σ_b a_b ⊗ c_b is one GEMM Aᵀ·C, a per-sample vector is a column sum, a shared value is B times
 * itself. Sums, differences and negations of such terms are split (linearity).
 */
export type Reduction =
  | { kind: 'outer'; a: number; c: number; sign: 1 | -1 }
  | { kind: 'columns'; node: number; sign: 1 | -1 }
  | { kind: 'shared'; node: number; sign: 1 | -1 };

/** The analysis the executor builds its steps from. */
export interface BatchPlan {
  /** Whether node i differs between samples (depends on a per-sample input or a random draw). */
  perSample: boolean[];
  /** Nodes whose values the step must compute (the loss and the inputs of the reductions). */
  needed: boolean[];
  /** Needed nodes that read node i (with multiplicity). */
  consumers: number[][];
  /** Read by something other than a node: the loss output or a reduction. */
  externalUse: boolean[];
  /** Per gradient output (outputs 1…), the terms that sum it over the batch. */
  reductions: Reduction[][];
}

/** Elementwise ops: unary, binary and select (scalars broadcast). */
export function isElementwise(node: IRNode): boolean {
  return isUnaryOp(node.op) || isBinaryOp(node.op) || node.op === 'select';
}

/**
 * Classifies the nodes of a per-sample loss-and-gradient function `fn` (outputs: loss, then one
 * gradient per shared param) for batched execution; `shared` are the param numbers that are the
 * same for every sample (the weights). With `forward`, every output is a per-sample value to keep
 * (a forward evaluator, e.g. of a network field): nothing is summed over the batch.
 */
export function planBatch(fn: IRFunction, shared: readonly number[], forward = false): BatchPlan {
  const perSample = fn.nodes.map(() => false);
  fn.nodes.forEach((node, i) => {
    if (node.op === 'param') perSample[i] = !shared.includes(node.index ?? -1);
    else if (node.op === 'random_normal' || node.op === 'random_uniform') perSample[i] = true;
    else perSample[i] = node.args.some((a) => perSample[a]);
  });
  const rawUses = countUses(fn, fn.outputs);
  const reductions = forward ? [] : fn.outputs.slice(1).map((o) => {
    const terms: Reduction[] = [];
    split(fn, o, 1, perSample, rawUses, fn.outputs, terms);
    return terms;
  });
  const roots = [...(forward ? fn.outputs : [fn.outputs[0]]), ...reductions.flat().flatMap((r) => (r.kind === 'outer' ? [r.a, r.c] : [r.node]))];
  const needed = fn.nodes.map(() => false);
  for (const r of roots) needed[r] = true;
  for (let i = fn.nodes.length - 1; i >= 0; i--) if (needed[i]) for (const a of fn.nodes[i].args) needed[a] = true;
  const consumers: number[][] = fn.nodes.map(() => []);
  fn.nodes.forEach((node, i) => {
    if (needed[i]) for (const a of node.args) consumers[a].push(i);
  });
  const externalUse = fn.nodes.map(() => false);
  for (const r of roots) externalUse[r] = true;
  return { perSample, needed, consumers, externalUse, reductions };
}

/** How often each node is read by the nodes reachable from `outputs` (outputs count once). */
function countUses(fn: IRFunction, outputs: readonly number[]): number[] {
  const reachable = fn.nodes.map(() => false);
  for (const o of outputs) reachable[o] = true;
  for (let i = fn.nodes.length - 1; i >= 0; i--) if (reachable[i]) for (const a of fn.nodes[i].args) reachable[a] = true;
  const uses = fn.nodes.map(() => 0);
  fn.nodes.forEach((node, i) => {
    if (reachable[i]) for (const a of node.args) uses[a]++;
  });
  for (const o of outputs) uses[o]++;
  return uses;
}

/** Splits the batch sum of node `v` into terms (see {@link Reduction}). */
function split(fn: IRFunction, v: number, sign: 1 | -1, perSample: readonly boolean[], uses: readonly number[], outputs: readonly number[], out: Reduction[]): void {
  const node = fn.nodes[v];
  if (!perSample[v]) {
    out.push({ kind: 'shared', node: v, sign });
    return;
  }
  // Only a node nobody else reads may be taken apart; otherwise it is computed anyway.
  const private_ = uses[v] === 1;
  const same = (k: number) => sameShape(fn.nodes[node.args[k]].type.shape, node.type.shape);
  if (private_ && (node.op === 'add' || node.op === 'sub') && same(0) && same(1)) {
    split(fn, node.args[0], sign, perSample, uses, outputs, out);
    split(fn, node.args[1], node.op === 'add' ? sign : (-sign as 1 | -1), perSample, uses, outputs, out);
    return;
  }
  if (private_ && node.op === 'neg') {
    split(fn, node.args[0], -sign as 1 | -1, perSample, uses, outputs, out);
    return;
  }
  if (private_ && node.op === 'outer' && perSample[node.args[0]] && perSample[node.args[1]]) {
    out.push({ kind: 'outer', a: node.args[0], c: node.args[1], sign });
    return;
  }
  out.push({ kind: 'columns', node: v, sign });
}

