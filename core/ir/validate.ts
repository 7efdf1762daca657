import { isBinaryOp, isUnaryOp, sizeOf, type IRFunction, type IRNode } from './types.ts';

/**
 * Checks an IR function's invariants: args defined before use, arity and attributes per op,
 * shapes that agree. Returns every violation (empty = valid). Run after each compiler pass in tests.
 */
export function validateIR(fn: IRFunction): string[] {
  const problems: string[] = [];
  const where = (i: number) => `${fn.name} %${i}`;
  fn.nodes.forEach((node, i) => {
    for (const a of node.args) {
      if (!Number.isInteger(a) || a < 0 || a >= i) problems.push(`${where(i)} (${node.op}) uses %${a}, which is not defined before it`);
    }
    if (problems.length === 0) problems.push(...checkNode(fn, node, i).map((m) => `${where(i)} (${node.op}): ${m}`));
  });
  for (const o of fn.outputs) {
    if (!Number.isInteger(o) || o < 0 || o >= fn.nodes.length) problems.push(`${fn.name}: output %${o} does not exist`);
  }
  return problems;
}

function checkNode(fn: IRFunction, node: IRNode, i: number): string[] {
  const args = node.args.map((a) => fn.nodes[a]);
  const arity = (n: number) => (args.length === n ? [] : [`expects ${n} args, has ${args.length}`]);
  const shapeOf = (k: number) => args[k]?.type.shape ?? [];
  switch (node.op) {
    case 'const': return Number.isFinite(node.value) || Number.isNaN(node.value ?? 0) ? arity(0) : ['constant has no numeric value'];
    case 'param': {
      const p = fn.params[node.index ?? -1];
      if (!p) return [`param index ${node.index} does not exist`];
      return sameShape(p.type.shape, node.type.shape) ? [] : ['type differs from the declared param'];
    }
    case 'index': {
      const n = shapeOf(0)[0];
      if (n === undefined) return ['indexes a scalar'];
      return node.index !== undefined && node.index >= 0 && node.index < n ? arity(1) : [`index ${node.index} out of range 0..${n - 1}`];
    }
    case 'stack':
      return args.every((a) => a.type.shape.length === 0) && node.type.shape[0] === args.length ? [] : ['stacks non-scalars or has a wrong length'];
    case 'select': return arity(3);
    case 'matmul': {
      const [m, k] = shapeOf(0);
      return k === shapeOf(1)[0] && node.type.shape[0] === m ? arity(2) : ['shapes do not agree'];
    }
    case 'sum': return arity(1);
    case 'random_normal': case 'random_uniform':
      return Number.isInteger(node.index) && (node.index ?? -1) >= 0 ? arity(0) : ['draw number must be a non-negative integer'];
    default:
      if (isUnaryOp(node.op)) return arity(1);
      if (isBinaryOp(node.op)) {
        const [a, b] = [shapeOf(0), shapeOf(1)];
        const ok = a.length === 0 || b.length === 0 || sameShape(a, b);
        return ok ? arity(2) : [`cannot broadcast [${a}] with [${b}]`];
      }
      return [`unknown op at %${i}`];
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, k) => x === b[k]);
}

/** Counts elementwise flops of a function (a rough work estimate for the Plan). */
export function countFlops(fn: IRFunction): number {
  let flops = 0;
  for (const node of fn.nodes) {
    if (isUnaryOp(node.op) || isBinaryOp(node.op) || node.op === 'select') flops += sizeOf(node.type);
    else if (node.op === 'matmul') flops += 2 * sizeOf(fn.nodes[node.args[0]].type);
    else if (node.op === 'sum') flops += sizeOf(fn.nodes[node.args[0]].type);
  }
  return flops;
}
