/**
 * Reference semantics of the expression language: a plain tree walk in float64.
 * Tests compare compiled code against it; it generates no code.
 */
import type { BinaryFunction, BinaryOperator, ExprNode, UnaryFunction } from './ast.ts';

const UNARY: Readonly<Record<UnaryFunction, (z: number) => number>> = {
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  tanh: Math.tanh,
  sigmoid: (z) => 1 / (1 + Math.exp(-z)),
  abs: Math.abs,
};

const BINARY: Readonly<Record<BinaryFunction, (a: number, b: number) => number>> = {
  min: Math.min,
  max: Math.max,
  pow: Math.pow,
};

function isUnary(fn: UnaryFunction | BinaryFunction): fn is UnaryFunction {
  return Object.hasOwn(UNARY, fn);
}

function constantValue(name: string, constants: Record<string, number>): number {
  // hasOwn, so a name like 'constructor' can never read Object.prototype.
  const value = Object.hasOwn(constants, name) ? constants[name] : undefined;
  if (typeof value !== 'number') {
    throw new RangeError(`evaluateExpression: constant '${name}' has no numeric value; pass it in constants`);
  }
  return value;
}

function applyOperator(op: BinaryOperator, left: number, right: number): number {
  switch (op) {
    case '+': return left + right;
    case '-': return left - right;
    case '*': return left * right;
    case '/': return left / right;
    case '^': return Math.pow(left, right);
  }
}

/**
 * Evaluates a parsed expression at state `x` and time `t`.
 * `^` and pow are Math.pow; log is the natural logarithm; sigmoid(z) = 1/(1+exp(-z)).
 * Throws a RangeError when a state index or constant the tree uses is missing.
 *
 * @example
 * const parsed = parseExpression('theta*(mu - x[0])', { dimension: 1, constants: ['theta', 'mu'] });
 * if (parsed.ok) evaluateExpression(parsed.ast, [0.2], 0, { theta: 2, mu: 1 }); // 1.6
 */
export function evaluateExpression(
  ast: ExprNode,
  x: ArrayLike<number>,
  t: number,
  constants: Record<string, number>,
): number {
  const walk = (node: ExprNode): number => {
    switch (node.kind) {
      case 'number':
        return node.value;
      case 'time':
        return t;
      case 'state':
        if (node.index >= x.length) {
          throw new RangeError(`evaluateExpression: x[${node.index}] is used but the state has ${x.length} components`);
        }
        return x[node.index];
      case 'constant':
        return constantValue(node.name, constants);
      case 'negate':
        return -walk(node.arg);
      case 'binary':
        return applyOperator(node.op, walk(node.left), walk(node.right));
      case 'call': {
        const args = node.args.map(walk);
        const fn = node.fn;
        return isUnary(fn) ? UNARY[fn](args[0]) : BINARY[fn](args[0], args[1]);
      }
    }
  };
  return walk(ast);
}
