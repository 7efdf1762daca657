/**
 * Messages about names: unknown names and functions, with a "did you mean" for likely typos
 * and the list of what the expression may use.
 */
import { FUNCTION_NAMES, type ParseOptions } from './ast.ts';
import { excerpt } from './lex.ts';

/** Longest constant list spelled out in a message; longer lists end in "…". */
const MAX_LISTED_CONSTANTS = 12;

/** `x[0]..x[2]` for dimension 3; used when an index is out of range. */
export function stateRangeText(dimension: number): string {
  if (dimension === 0) return 'there is no valid index';
  if (dimension === 1) return 'x[0]';
  return `x[0]..x[${dimension - 1}]`;
}

/** `Allowed: x[0..2], t, constants theta, mu, and functions sin, cos, …`. */
export function allowedNamesText(options: ParseOptions): string {
  const parts: string[] = [];
  if (options.dimension === 1) parts.push('x[0]');
  if (options.dimension > 1) parts.push(`x[0..${options.dimension - 1}]`);
  parts.push('t');
  if (options.constants.length > 0) {
    const listed = options.constants.slice(0, MAX_LISTED_CONSTANTS).map((name) => excerpt(name));
    const more = options.constants.length > MAX_LISTED_CONSTANTS ? ', …' : '';
    parts.push(`constants ${listed.join(', ')}${more}`);
  }
  return `Allowed: ${parts.join(', ')}, and functions ${FUNCTION_NAMES.join(', ')}`;
}

/** Edit distance, or Infinity when the strings are too different in length to be typos of each other. */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2 || a.length > 64 || b.length > 64) return Infinity;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * The candidate `name` was most likely meant to be: same letters in another case, or a close
 * spelling (one edit for names of 3-4 letters, two from 5). Short names get no guess: `y` is
 * not a typo of `t`.
 */
export function suggestName(name: string, candidates: readonly string[]): string | undefined {
  const sameLetters = candidates.find((candidate) => candidate.toLowerCase() === name.toLowerCase());
  if (sameLetters !== undefined) return sameLetters;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const shorter = Math.min(name.length, candidate.length);
    const allowed = shorter >= 5 ? 2 : shorter >= 3 ? 1 : 0;
    const distance = editDistance(name, candidate);
    if (distance <= allowed && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Names JavaScript users reach for that the language deliberately lacks. */
function builtInHint(name: string): string | undefined {
  if (name === 'pi' || name === 'PI' || name === 'Pi') {
    return `'${name}' is not built in; add a constant pi = 3.141592653589793 or write the number`;
  }
  if (name === 'e' || name === 'E') {
    return `'${name}' is not built in; write exp(1) for Euler's number, or add a constant`;
  }
  if (['Infinity', 'NaN', 'undefined', 'null', 'true', 'false'].includes(name)) {
    return `'${name}' is not allowed; expressions use finite decimal numbers`;
  }
  return undefined;
}

/** Message for a bare name that is not x, t, a constant or a function. */
export function unknownNameMessage(name: string, options: ParseOptions): string {
  const allowed = allowedNamesText(options);
  const hint = builtInHint(name);
  if (hint !== undefined) return `${hint}. ${allowed}`;
  const suggestion = suggestName(name, [...options.constants, 't', ...FUNCTION_NAMES]);
  const guess = suggestion === undefined ? '.' : ` — did you mean '${suggestion}'?`;
  return `unknown name '${excerpt(name)}'${guess} ${allowed}`;
}

/** Message for `name(...)` where name is not a function. */
export function unknownFunctionMessage(name: string): string {
  const suggestion = name === 'ln' ? 'log' : suggestName(name, FUNCTION_NAMES);
  const guess = suggestion === undefined ? '.' : ` — did you mean '${suggestion}'?`;
  return `unknown function '${excerpt(name)}'${guess} Functions: ${FUNCTION_NAMES.join(', ')}`;
}
