import { isBinaryOp, isUnaryOp, sameShape, sizeOf, type IRFunction, type IRNode } from './types.ts';

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
  (fn.tables ?? []).forEach((t, k) => {
    if (!Number.isInteger(t.rows) || t.rows < 1 || !Number.isInteger(t.cols) || t.cols < 1) problems.push(`${fn.name}: table ${k} has ${t.rows} rows and ${t.cols} cols; both must be positive integers`);
    else if (t.data.length !== t.rows * t.cols) problems.push(`${fn.name}: table ${k} of ${t.rows} × ${t.cols} holds ${t.data.length} values`);
  });
  for (const o of fn.outputs) {
    if (!Number.isInteger(o) || o < 0 || o >= fn.nodes.length) problems.push(`${fn.name}: output %${o} does not exist`);
  }
  return problems;
}

/** Whether a shape can broadcast against `full` (a scalar, or the same shape). */
function fits(shape: readonly number[], full: readonly number[]): boolean {
  return shape.length === 0 || sameShape(shape, full);
}

function checkNode(fn: IRFunction, node: IRNode, i: number): string[] {
  const args = node.args.map((a) => fn.nodes[a]);
  const arity = (n: number) => (args.length === n ? [] : [`expects ${n} args, has ${args.length}`]);
  const shapeOf = (k: number) => args[k]?.type.shape ?? [];
  const out = node.type.shape;
  const expect = (ok: boolean, what: string) => (ok ? [] : [what]);
  switch (node.op) {
    case 'const': return Number.isFinite(node.value) || Number.isNaN(node.value ?? 0) ? arity(0) : ['constant has no numeric value'];
    case 'param': {
      const p = fn.params[node.index ?? -1];
      if (!p) return [`param index ${node.index} does not exist`];
      return sameShape(p.type.shape, out) ? [] : ['type differs from the declared param'];
    }
    case 'index': {
      const n = shapeOf(0)[0];
      if (n === undefined) return ['indexes a scalar'];
      return node.index !== undefined && node.index >= 0 && node.index < n ? arity(1) : [`index ${node.index} out of range 0..${n - 1}`];
    }
    case 'stack':
      return args.every((a) => a.type.shape.length === 0) && out.length === 1 && out[0] === args.length ? [] : ['stacks non-scalars or has a wrong length'];
    case 'concat': {
      if (!args.every((a) => a.type.shape.length <= 1)) return ['concatenates a matrix'];
      const length = args.reduce((n, a) => n + (a.type.shape[0] ?? 1), 0);
      return expect(out.length === 1 && out[0] === length, `length [${out}] is not the total ${length}`);
    }
    case 'slice': {
      const n = shapeOf(0)[0];
      const offset = node.index ?? -1;
      if (shapeOf(0).length !== 1 || n === undefined) return ['slices a non-vector'];
      return [...arity(1), ...expect(out.length === 1 && offset >= 0 && offset + (out[0] ?? 0) <= n && (out[0] ?? 0) >= 1,
        `slice ${offset}+${out[0]} out of range for length ${n}`)];
    }
    case 'broadcast': return [...arity(1), ...expect(shapeOf(0).length === 0, 'broadcasts a non-scalar')];
    case 'select':
      return [...arity(3), ...expect([0, 1, 2].every((k) => fits(shapeOf(k), out)), `shapes [${shapeOf(0)}], [${shapeOf(1)}], [${shapeOf(2)}] do not broadcast to [${out}]`)];
    case 'matmul': {
      const [m, k] = shapeOf(0);
      return [...arity(2), ...expect(shapeOf(0).length === 2 && shapeOf(1).length === 1 && k === shapeOf(1)[0] && sameShape(out, [m]), 'shapes do not agree')];
    }
    case 'matmul_t': {
      const [m, k] = shapeOf(0);
      return [...arity(2), ...expect(shapeOf(0).length === 2 && shapeOf(1).length === 1 && m === shapeOf(1)[0] && sameShape(out, [k]), 'shapes do not agree')];
    }
    case 'outer':
      return [...arity(2), ...expect(shapeOf(0).length === 1 && shapeOf(1).length === 1 && sameShape(out, [shapeOf(0)[0], shapeOf(1)[0]]), 'shapes do not agree')];
    case 'sum': return [...arity(1), ...expect(out.length === 0, 'result is not a scalar')];
    case 'random_normal': case 'random_uniform':
      return Number.isInteger(node.index) && (node.index ?? -1) >= 0 ? arity(0) : ['draw number must be a non-negative integer'];
    case 'table_row': {
      const table = fn.tables?.[node.index ?? -1];
      if (!table) return [`table ${node.index} does not exist (the function has ${fn.tables?.length ?? 0})`];
      return [...arity(1), ...expect(shapeOf(0).length === 0, 'the row index is not a scalar'),
        ...expect(sameShape(out, [table.cols]), `result [${out}] is not a row of ${table.cols} values`)];
    }
    default:
      if (isUnaryOp(node.op)) return [...arity(1), ...expect(sameShape(shapeOf(0), out), `result [${out}] differs from argument [${shapeOf(0)}]`)];
      if (isBinaryOp(node.op)) {
        const [a, b] = [shapeOf(0), shapeOf(1)];
        const ok = (a.length === 0 || b.length === 0 || sameShape(a, b)) && fits(a, out) && fits(b, out) && (sameShape(a, out) || sameShape(b, out));
        return ok ? arity(2) : [`cannot broadcast [${a}] with [${b}] to [${out}]`];
      }
      return [`unknown op at %${i}`];
  }
}

/**
 * Flops of one evaluation of the activation ops (exp, tanh and friends count 1, plus their
 * arithmetic); the elementary ops count 1 each, as the Plan's estimates always have.
 */
const UNARY_FLOPS: Partial<Record<string, number>> = { silu: 4, softplus: 5, gelu: 8, silu_grad: 7, gelu_grad: 14 };

/** Counts the flops of a function (a rough work estimate for the Plan); loads (`table_row`) count 0. */
export function countFlops(fn: IRFunction): number {
  let flops = 0;
  for (const node of fn.nodes) {
    if (isUnaryOp(node.op)) flops += sizeOf(node.type) * (UNARY_FLOPS[node.op] ?? 1);
    else if (isBinaryOp(node.op) || node.op === 'select') flops += sizeOf(node.type);
    else if (node.op === 'matmul' || node.op === 'matmul_t') flops += 2 * sizeOf(fn.nodes[node.args[0]].type);
    else if (node.op === 'outer') flops += sizeOf(node.type);
    else if (node.op === 'sum') flops += sizeOf(fn.nodes[node.args[0]].type);
  }
  return flops;
}
