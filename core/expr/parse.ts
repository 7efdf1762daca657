/**
 * Entry point of the expression front end: text → tokens → tree, or errors with spans.
 */
import type { ExprNode, ParseOptions, ParseResult } from './ast.ts';
import { MAX_ERRORS, SyntaxFailure } from './cursor.ts';
import { Parser } from './grammar.ts';
import { tokenize } from './lex.ts';

export { MAX_ERRORS } from './cursor.ts';
export { MAX_NESTING_DEPTH } from './grammar.ts';

/** Longer text is rejected before it is read. */
export const MAX_EXPRESSION_LENGTH = 10_000;

function checkOptions(options: ParseOptions): void {
  if (!Number.isInteger(options.dimension) || options.dimension < 0) {
    throw new RangeError(`parseExpression: options.dimension must be a non-negative integer, got ${options.dimension}`);
  }
}

/**
 * Parses one expression. Never throws for any `text` (it throws a RangeError only for invalid
 * `options`, a programming error); every problem comes back as an error with a character span.
 *
 * @example parseExpression('theta*(mu - x[0])', { dimension: 1, constants: ['theta', 'mu'] })
 */
export function parseExpression(text: string, options: ParseOptions): ParseResult {
  checkOptions(options);
  if (text.length > MAX_EXPRESSION_LENGTH) {
    const message = `the expression is ${text.length} characters long; the limit is ${MAX_EXPRESSION_LENGTH}. Shorten it, e.g. by moving parts into constants`;
    return { ok: false, errors: [{ message, span: { start: MAX_EXPRESSION_LENGTH, end: text.length } }] };
  }
  const { tokens, errors } = tokenize(text);
  if (errors.length > 0) return { ok: false, errors };
  if (tokens.length === 1) {
    const message = 'the expression is empty; write a formula such as 2*x[0] - t';
    return { ok: false, errors: [{ message, span: { start: 0, end: text.length } }] };
  }
  const parser = new Parser(text, tokens, options);
  let ast: ExprNode | undefined;
  try {
    ast = parser.parseAll();
  } catch (failure) {
    if (!(failure instanceof SyntaxFailure)) throw failure;
    if (parser.errors.length < MAX_ERRORS) parser.errors.push(failure.error);
  }
  if (ast === undefined || parser.errors.length > 0) {
    return { ok: false, errors: [...parser.errors].sort((a, b) => a.span.start - b.span.start) };
  }
  return { ok: true, ast };
}
