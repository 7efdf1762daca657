/** The expression language: parse user text to a tree, evaluate it, format its errors. */
export * from './ast.ts';
export { parseExpression, MAX_EXPRESSION_LENGTH, MAX_NESTING_DEPTH, MAX_ERRORS } from './parse.ts';
export { evaluateExpression } from './evaluate.ts';
export { formatExprError } from './format.ts';
