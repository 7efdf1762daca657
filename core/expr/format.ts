/**
 * Renders an expression error like a compiler does: `line:column: message`, then the line of
 * text with carets under the offending characters.
 */
import type { ExprError } from './ast.ts';

/** Lines longer than this are shown as a window around the error. */
const MAX_SHOWN_COLUMNS = 100;
/** Columns of context kept before the error in a long line. */
const CONTEXT_BEFORE = 40;

/** East Asian wide ranges (fullwidth forms, CJK): they take two terminal columns and would shift the carets. */
function isWide(codePoint: number): boolean {
  return (codePoint >= 0x1100 && codePoint <= 0x115f) || (codePoint >= 0x2e80 && codePoint <= 0xa4cf)
    || (codePoint >= 0xac00 && codePoint <= 0xd7a3) || (codePoint >= 0xf900 && codePoint <= 0xfaff)
    || (codePoint >= 0xfe30 && codePoint <= 0xfe4f) || (codePoint >= 0xff00 && codePoint <= 0xff60)
    || (codePoint >= 0xffe0 && codePoint <= 0xffe6) || codePoint >= 0x1f300;
}

/** One column per character: invisible, control and wide characters show as '?'. */
function shownCharacter(char: string): string {
  if (char === '\t') return ' ';
  if (char >= ' ' && char <= '~') return char;
  const codePoint = char.codePointAt(0) ?? 0;
  return /^[\p{L}\p{N}\p{P}\p{S}]$/u.test(char) && !isWide(codePoint) ? char : '?';
}

/**
 * Formats `error` for a terminal or a monospace tooltip, as three lines.
 *
 * @example formatExprError('1 + thta', { message: "unknown name 'thta' …", span: { start: 4, end: 8 } })
 * // "1:5: unknown name 'thta' …\n1 + thta\n    ^^^^"
 */
export function formatExprError(text: string, error: ExprError): string {
  const start = Math.max(0, Math.min(error.span.start, text.length));
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const newline = text.indexOf('\n', start);
  const lineEnd = newline === -1 ? text.length : newline;
  const lineNumber = text.slice(0, lineStart).split('\n').length;

  // Work in code points so a surrogate pair is one column and one caret.
  const before = Array.from(text.slice(lineStart, start));
  const marked = Array.from(text.slice(start, Math.max(start, Math.min(error.span.end, lineEnd))));
  const after = Array.from(text.slice(start + marked.join('').length, lineEnd).replace(/\r$/, ''));
  const shown = [...before, ...marked, ...after].map(shownCharacter);

  const caretStart = before.length;
  const caretWidth = Math.max(1, marked.length);
  let first = 0;
  if (shown.length > MAX_SHOWN_COLUMNS) first = Math.max(0, Math.min(caretStart - CONTEXT_BEFORE, shown.length - MAX_SHOWN_COLUMNS));
  const last = Math.min(shown.length, first + MAX_SHOWN_COLUMNS);
  const prefix = first > 0 ? '…' : '';
  const suffix = last < shown.length ? '…' : '';
  const visibleWidth = Math.max(1, Math.min(caretWidth, last - caretStart));

  return [
    `${lineNumber}:${caretStart + 1}: ${error.message}`,
    `${prefix}${shown.slice(first, last).join('')}${suffix}`,
    `${' '.repeat(prefix.length + caretStart - first)}${'^'.repeat(visibleWidth)}`,
  ].join('\n');
}
