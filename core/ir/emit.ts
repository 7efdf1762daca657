import type { IRBuilder } from './builder.ts';
import { isBinaryOp, isUnaryOp, type IRFunction, type IRNode, type IRTable, type ValueId } from './types.ts';

/**
 * Inlines `fn` into `builder` with `args` bound to its params and returns its outputs.
 * Random draws keep their draw numbers, so an inlined sampler still reads its own stream; tables
 * join the builder's (the same table object is shared).
 */
export function emitFunction(builder: IRBuilder, fn: IRFunction, args: readonly ValueId[]): ValueId[] {
  const values: ValueId[] = [];
  for (const node of fn.nodes) values.push(emitNode(builder, node, values, args, fn.tables));
  return fn.outputs.map((o) => values[o]);
}

/**
 * Re-creates one node of another function in `builder`, given the new ids of its args and, for
 * `table_row`, that function's `tables`.
 */
export function emitNode(builder: IRBuilder, node: IRNode, values: readonly ValueId[], args: readonly ValueId[], tables?: readonly IRTable[]): ValueId {
  const a = node.args.map((v) => values[v]);
  switch (node.op) {
    case 'const': return builder.constant(node.value ?? 0);
    case 'param': {
      const bound = args[node.index ?? -1];
      if (bound === undefined) throw new Error(`emitFunction: param ${node.index} is not bound`);
      return bound;
    }
    case 'index': return builder.index(a[0], node.index ?? 0);
    case 'stack': return builder.stack(a);
    case 'concat': return builder.concat(a);
    case 'slice': return builder.slice(a[0], node.index ?? 0, node.type.shape[0] ?? 1);
    case 'broadcast': return builder.broadcast(a[0], node.type.shape);
    case 'select': return builder.select(a[0], a[1], a[2]);
    case 'matmul': return builder.matmul(a[0], a[1]);
    case 'matmul_t': return builder.matmulT(a[0], a[1]);
    case 'outer': return builder.outer(a[0], a[1]);
    case 'sum': return builder.sum(a[0]);
    case 'random_normal': return builder.random('normal', node.index ?? 0);
    case 'random_uniform': return builder.random('uniform', node.index ?? 0);
    case 'table_row': {
      const table = tables?.[node.index ?? -1];
      if (!table) throw new Error(`emitFunction: table_row reads table ${node.index}, which was not passed along with the function`);
      return builder.tableRow(table, a[0]);
    }
    default:
      if (isUnaryOp(node.op)) return builder.unary(node.op, a[0]);
      if (isBinaryOp(node.op)) return builder.binary(node.op, a[0], a[1]);
      throw new Error(`emitFunction: unknown op '${String(node.op)}'`);
  }
}
