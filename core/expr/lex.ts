/**
 * Splits expression text into tokens. The alphabet is plain ASCII digits, letters, `_`,
 * `+ - * / ^ ( ) [ ] , .` and whitespace; anything else is reported with the reason it is
 * not allowed (a string, an assignment, a Unicode look-alike, …).
 */
import type { ExprError, Span } from './ast.ts';
import { describeDisallowedCharacter } from './characters.ts';

/** Single-character tokens of the grammar. */
export type PunctuationKind = '+' | '-' | '*' | '/' | '^' | '(' | ')' | '[' | ']' | ',';

/** A token; `text` is the exact source slice. The last token is always `end`. */
export type Token =
  | { kind: 'number'; text: string; value: number; span: Span }
  | { kind: 'name'; text: string; span: Span }
  | { kind: PunctuationKind; text: string; span: Span }
  | { kind: 'end'; text: string; span: Span };

/** Tokens, or the lexical errors found (then the tokens are not meant to be parsed). */
export interface LexResult {
  tokens: Token[];
  errors: ExprError[];
}

/** Lexing stops after this many errors; a paste of foreign text would otherwise list each character. */
export const MAX_LEX_ERRORS = 20;

const PUNCTUATION: readonly string[] = ['+', '-', '*', '/', '^', '(', ')', '[', ']', ','];

function isPunctuation(c: string): c is PunctuationKind {
  return PUNCTUATION.includes(c);
}
const NOT_A_NUMBER = "an expression computes a number; for a minimum or maximum use min(a, b) or max(a, b)";

/** Longest first: the lexer takes the first entry that matches at the current position. */
const REJECTED_OPERATORS: ReadonlyArray<readonly [string, string]> = [
  ['===', `comparison '===' is not allowed; ${NOT_A_NUMBER}`],
  ['!==', `comparison '!==' is not allowed; ${NOT_A_NUMBER}`],
  ['=>', "arrow functions ('=>') are not allowed; write a plain formula"],
  ['==', `comparison '==' is not allowed; ${NOT_A_NUMBER}`],
  ['!=', `comparison '!=' is not allowed; ${NOT_A_NUMBER}`],
  ['<=', `comparison '<=' is not allowed; ${NOT_A_NUMBER}`],
  ['>=', `comparison '>=' is not allowed; ${NOT_A_NUMBER}`],
  ['&&', "logical operator '&&' is not allowed; expressions have only + - * / ^"],
  ['||', "logical operator '||' is not allowed; expressions have only + - * / ^"],
  ['**', "'**' is not an operator here; write powers with '^', as x[0]^2"],
  ['=', "assignment '=' is not allowed; write only the right-hand side, e.g. theta*(mu - x[0])"],
  ['<', `comparison '<' is not allowed; ${NOT_A_NUMBER}`],
  ['>', `comparison '>' is not allowed; ${NOT_A_NUMBER}`],
  ['!', "'!' is not allowed; expressions have no logical operators"],
  ['&', "'&' is not allowed; expressions have only + - * / ^"],
  ['|', "'|' is not allowed; for an absolute value write abs(...)"],
  ['%', "'%' (remainder) is not supported; expressions have only + - * / ^"],
  [';', "';' is not allowed; write a single expression (each component has its own field)"],
  ['{', "'{' is not allowed; group with parentheses ( )"],
  ['}', "'}' is not allowed; group with parentheses ( )"],
  ['?', "conditional '?' is not allowed; use min, max or abs instead"],
  [':', "':' is not allowed; write a single arithmetic expression"],
  ['.', "'.' is not allowed here: there is no property access; decimal numbers are written like 0.5"],
];

/** Shortens user text quoted inside a message. */
export function excerpt(text: string, max = 40): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

function isNameStart(c: string | undefined): boolean {
  return c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_');
}

function isNamePart(c: string | undefined): boolean {
  return isNameStart(c) || isDigit(c);
}

/** Why a run like `1.2.3`, `0x10`, `1_000` or `3x` is not a number. */
function malformedNumberMessage(raw: string): string {
  const shown = excerpt(raw);
  if (/^0[xXbBoO]/.test(raw)) {
    return `'${shown}' is not allowed: only decimal numbers are supported; write its decimal value`;
  }
  if (raw.includes('_') && /^[0-9._eE]+$/.test(raw)) {
    return `digit separators '_' are not allowed in '${shown}'; write '${excerpt(raw.replaceAll('_', ''))}'`;
  }
  if (/^[0-9.]+$/.test(raw)) return `'${shown}' is not a number: it has more than one decimal point`;
  const product = /^([0-9]*\.?[0-9]*(?:[eE][+-]?[0-9]+)?)([A-Za-z_][A-Za-z0-9_]*)$/.exec(raw);
  if (product && product[1] !== '') {
    return `'${shown}' is not a number; to multiply, write '${product[1]}*${excerpt(product[2])}'`;
  }
  return `'${shown}' is not a valid number; numbers are written like 3, 0.5, .5 or 1e-3`;
}

/** Scans a number at `start`; returns its end and the token or the error. */
function lexNumber(text: string, start: number): { end: number; token?: Token; error?: ExprError } {
  let i = start;
  while (isDigit(text[i])) i++;
  if (text[i] === '.') {
    i++;
    while (isDigit(text[i])) i++;
  }
  if (text[i] === 'e' || text[i] === 'E') {
    let j = i + 1;
    const signed = text[j] === '+' || text[j] === '-';
    if (signed) j++;
    if (isDigit(text[j])) {
      while (isDigit(text[j])) j++;
      i = j;
    } else if (signed) {
      const span = { start, end: j };
      const message = `'${excerpt(text.slice(start, j))}' is not a number: the exponent needs digits, as in 1e-3`;
      return { end: j, error: { message, span } };
    }
  }
  if (isNamePart(text[i]) || text[i] === '.') {
    let j = i;
    while (isNamePart(text[j]) || text[j] === '.') j++;
    return { end: j, error: { message: malformedNumberMessage(text.slice(start, j)), span: { start, end: j } } };
  }
  const raw = text.slice(start, i);
  const value = Number(raw);
  const span = { start, end: i };
  if (!Number.isFinite(value)) {
    return { end: i, error: { message: `number '${excerpt(raw)}' is too large (it overflows to infinity)`, span } };
  }
  return { end: i, token: { kind: 'number', text: raw, value, span } };
}

/** Span of a string or template literal opened at `start`, up to its closing quote or the end. */
function quotedEnd(text: string, start: number): number {
  const close = text.indexOf(text[start], start + 1);
  return close === -1 ? text.length : close + 1;
}

/** End of a line comment (at the newline) or a block comment (after its closer) opened at `start`. */
function commentEnd(text: string, start: number): number {
  const lineComment = text[start + 1] === '/';
  const close = lineComment ? text.indexOf('\n', start) : text.indexOf('*/', start + 2);
  if (close === -1) return text.length;
  return lineComment ? close : close + 2;
}

/** Splits `text` into tokens, or reports every disallowed character (up to MAX_LEX_ERRORS). */
export function tokenize(text: string): LexResult {
  const tokens: Token[] = [];
  const errors: ExprError[] = [];
  let i = 0;
  while (i < text.length && errors.length < MAX_LEX_ERRORS) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (isDigit(c) || (c === '.' && isDigit(text[i + 1]))) {
      const scanned = lexNumber(text, i);
      if (scanned.token) tokens.push(scanned.token);
      if (scanned.error) errors.push(scanned.error);
      i = scanned.end;
    } else if (isNameStart(c)) {
      let j = i + 1;
      while (isNamePart(text[j])) j++;
      tokens.push({ kind: 'name', text: text.slice(i, j), span: { start: i, end: j } });
      i = j;
    } else if (text.startsWith('//', i) || text.startsWith('/*', i)) {
      const end = commentEnd(text, i);
      errors.push({ message: 'comments are not allowed; remove them', span: { start: i, end } });
      i = end;
    } else if (c === "'" || c === '"' || c === '`') {
      const end = quotedEnd(text, i);
      const kind = c === '`' ? 'template literals' : 'string literals';
      const message = `${kind} are not allowed (${excerpt(text.slice(i, end))}); expressions contain only numbers, names and operators`;
      errors.push({ message, span: { start: i, end } });
      i = end;
    } else if (isPunctuation(c) && !text.startsWith('**', i)) {
      tokens.push({ kind: c, text: c, span: { start: i, end: i + 1 } });
      i++;
    } else {
      const rejected = REJECTED_OPERATORS.find(([operator]) => text.startsWith(operator, i));
      const codePoint = text.codePointAt(i) ?? 0;
      const width = rejected ? rejected[0].length : codePoint > 0xffff ? 2 : 1;
      const message = rejected
        ? rejected[1]
        : codePoint < 0x7f && codePoint >= 0x20
          ? `character '${c}' is not allowed; expressions use numbers, x[i], t, constants, + - * / ^, parentheses and function calls`
          : describeDisallowedCharacter(codePoint);
      errors.push({ message, span: { start: i, end: i + width } });
      i += width;
    }
  }
  tokens.push({ kind: 'end', text: '', span: { start: text.length, end: text.length } });
  return { tokens, errors };
}
