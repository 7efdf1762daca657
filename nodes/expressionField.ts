import type { ExprNode } from '../core/expr/ast.ts';
import { parseExpression } from '../core/expr/parse.ts';
import type { IRBuilder } from '../core/ir/builder.ts';
import type { BinaryOp, UnaryOp, ValueId } from '../core/ir/types.ts';
import type { Params, ParamSpec } from '../core/graph/catalog.ts';
import type { Problem } from '../core/graph/types.ts';

/** The `expr` and `constants` params shared by expression nodes. */
export function expressionParams(example: string[], doc: string): ParamSpec[] {
  return [
    { name: 'expr', kind: 'expressions', default: example, doc },
    { name: 'constants', kind: 'constants', default: {}, doc: 'Named numbers the expressions may use, e.g. {"theta": 1.3}.' },
  ];
}

const RESERVED = new Set(['x', 't', 'sin', 'cos', 'tan', 'exp', 'log', 'sqrt', 'tanh', 'sigmoid', 'abs', 'min', 'max', 'pow']);

function constantsOf(params: Params): Record<string, number> {
  return params.constants as Record<string, number>;
}

/** Parses every expression of the node; problems carry the param, the list item and the character span. */
export function checkExpressions(params: Params): Omit<Problem, 'nodeId'>[] {
  const problems: Omit<Problem, 'nodeId'>[] = [];
  const constants = constantsOf(params);
  for (const name of Object.keys(constants)) {
    if (RESERVED.has(name)) problems.push({ param: 'constants', message: `'${name}' is a built-in name (state, time or function) and cannot be a constant; rename it` });
  }
  const exprs = params.expr as string[];
  exprs.forEach((text, item) => {
    const r = parseExpression(text, { dimension: exprs.length, constants: Object.keys(constants) });
    if (!r.ok) for (const e of r.errors) problems.push({ param: 'expr', item, span: e.span, message: e.message });
  });
  return problems;
}

/** Lowers the node's expressions (already checked) to IR at state x and time t. */
export function lowerExpressions(params: Params, b: IRBuilder, x: readonly ValueId[], t: ValueId): ValueId[] {
  const constants = constantsOf(params);
  return (params.expr as string[]).map((text) => {
    const r = parseExpression(text, { dimension: x.length, constants: Object.keys(constants) });
    if (!r.ok) throw new Error(`expression '${text}' was not validated before lowering: ${r.errors[0]?.message}`);
    return lowerExpr(r.ast, b, x, t, constants);
  });
}

const BINARY: Record<string, BinaryOp> = { '+': 'add', '-': 'sub', '*': 'mul', '/': 'div', '^': 'pow' };

/** AST → IR. Constants become IR constants, so they fold into the generated code as literals. */
export function lowerExpr(node: ExprNode, b: IRBuilder, x: readonly ValueId[], t: ValueId, constants: Readonly<Record<string, number>>): ValueId {
  const lower = (n: ExprNode): ValueId => lowerExpr(n, b, x, t, constants);
  switch (node.kind) {
    case 'number': return b.constant(node.value);
    case 'time': return t;
    case 'state': return x[node.index];
    case 'constant': return b.constant(constants[node.name]);
    case 'negate': return b.neg(lower(node.arg));
    case 'binary': return b.binary(BINARY[node.op], lower(node.left), lower(node.right));
    case 'call': {
      const args = node.args.map(lower);
      if (node.fn === 'min' || node.fn === 'max' || node.fn === 'pow') return b.binary(node.fn, args[0], args[1]);
      return b.unary(node.fn as UnaryOp, args[0]);
    }
  }
}
