import type { IRFunction, IRNode } from './types.ts';

/** Human-readable listing of a function, one instruction a line: `%3 = mul %1, %2 : f64[3]`. */
export function printIR(fn: IRFunction): string {
  const params = fn.params.map((p) => `${p.name}: ${p.type.dtype}[${p.type.shape.join(', ')}]`).join(', ');
  const lines = [`fn ${fn.name}(${params}) {`];
  // Tables are data: their sizes are listed, never their values.
  (fn.tables ?? []).forEach((t, k) => lines.push(`  table ${k}: f64[${t.rows}, ${t.cols}]`));
  fn.nodes.forEach((node, i) => lines.push(`  %${i} = ${describe(node, fn)} : ${node.type.dtype}[${node.type.shape.join(', ')}]`));
  lines.push(`  return ${fn.outputs.map((o) => `%${o}`).join(', ')}`, '}');
  return lines.join('\n');
}

function describe(node: IRNode, fn: IRFunction): string {
  const args = node.args.map((a) => `%${a}`).join(', ');
  switch (node.op) {
    case 'const': return `const ${node.value}`;
    case 'param': return `param ${fn.params[node.index ?? 0]?.name ?? node.index}`;
    case 'index': return `index ${args}[${node.index}]`;
    case 'slice': return `slice ${args}[${node.index}:${(node.index ?? 0) + (node.type.shape[0] ?? 0)}]`;
    case 'broadcast': return `broadcast ${args} to [${node.type.shape.join(', ')}]`;
    case 'random_normal': case 'random_uniform': return `${node.op} draw ${node.index}`;
    case 'table_row': return `table_row ${args} of table ${node.index}`;
    default: return `${node.op} ${args}`;
  }
}
