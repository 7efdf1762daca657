/**
 * The expression language's syntax tree and the tables that define it.
 *
 * An expression is one user-typed scalar formula such as `theta*(mu - x[0])`. The parser in
 * `parse.ts` is the only way to build these nodes from text; code generators walk the tree and
 * never see the text, so user input cannot reach `eval` or `new Function`.
 */

/**
 * A half-open character range [start, end) into the expression text, in UTF-16 code units
 * (the same indices as `String.prototype.slice`).
 *
 * @example In `1 + thta`, the unknown name `thta` has the span `{ start: 4, end: 8 }`.
 */
export interface Span {
  /** Index of the first character covered. */
  start: number;
  /** Index one past the last character covered. */
  end: number;
}

/** Functions of one argument, in the order error messages list them. */
export const UNARY_FUNCTIONS = [
  'sin', 'cos', 'tan', 'exp', 'log', 'sqrt', 'tanh', 'sigmoid', 'abs',
] as const;

/** Functions of two arguments, in the order error messages list them. */
export const BINARY_FUNCTIONS = ['min', 'max', 'pow'] as const;

/** A function of one argument. `log` is the natural logarithm; sigmoid(z) = 1/(1+exp(-z)). */
export type UnaryFunction = (typeof UNARY_FUNCTIONS)[number];

/** A function of two arguments. `pow(a, b)` is the same as `a^b`. */
export type BinaryFunction = (typeof BINARY_FUNCTIONS)[number];

/** Any callable function name. */
export type FunctionName = UnaryFunction | BinaryFunction;

/** Every function name, unary first. */
export const FUNCTION_NAMES: readonly FunctionName[] = [...UNARY_FUNCTIONS, ...BINARY_FUNCTIONS];

/** True when `name` is one of the callable functions. */
export function isFunctionName(name: string): name is FunctionName {
  return (FUNCTION_NAMES as readonly string[]).includes(name);
}

/** How many arguments a function takes. */
export function functionArity(fn: FunctionName): 1 | 2 {
  return (UNARY_FUNCTIONS as readonly string[]).includes(fn) ? 1 : 2;
}

/** A binary operator. `^` is exponentiation (right-associative). */
export type BinaryOperator = '+' | '-' | '*' | '/' | '^';

/**
 * A node of the expression tree. Every node carries the span of the text it came from,
 * parentheses included, so later passes can point errors at it.
 *
 * @example `-x[0]^2` parses to
 * `{ kind: 'negate', arg: { kind: 'binary', op: '^', left: { kind: 'state', index: 0 }, right: { kind: 'number', value: 2 } } }`
 * (spans omitted).
 */
export type ExprNode =
  /** A finite decimal literal. */
  | { kind: 'number'; value: number; span: Span }
  /** The time variable `t`. */
  | { kind: 'time'; span: Span }
  /** A state component `x[index]`, with 0 <= index < dimension. */
  | { kind: 'state'; index: number; span: Span }
  /** A caller-supplied named constant. */
  | { kind: 'constant'; name: string; span: Span }
  /** Unary minus. Unary plus produces no node. */
  | { kind: 'negate'; arg: ExprNode; span: Span }
  /** A binary operation. */
  | { kind: 'binary'; op: BinaryOperator; left: ExprNode; right: ExprNode; span: Span }
  /** A call; `args.length` always equals `functionArity(fn)`. */
  | { kind: 'call'; fn: FunctionName; args: ExprNode[]; span: Span };

/** A problem in the expression text: what is wrong and how to fix it, and where. */
export interface ExprError {
  /** One line, e.g. `unknown name 'thta' — did you mean 'theta'? …`. */
  message: string;
  /** The offending characters; non-empty whenever the text is non-empty. */
  span: Span;
}

/** What the expression may refer to. */
export interface ParseOptions {
  /** Number of state components: `x[0]` .. `x[dimension-1]` are valid. A non-negative integer. */
  dimension: number;
  /** Names of the constants the expression may use. The caller rejects `x`, `t` and function names. */
  constants: readonly string[];
}

/** The parser's answer: a tree, or at least one error. */
export type ParseResult = { ok: true; ast: ExprNode } | { ok: false; errors: ExprError[] };
