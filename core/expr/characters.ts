/**
 * Messages for characters outside the expression alphabet, naming Unicode look-alikes
 * (Cyrillic 'х' for x, U+2212 for '-', invisible spaces) so the user can see what to retype.
 */

interface CharacterInfo {
  /** The Unicode character name. */
  name: string;
  /** How to fix it, e.g. `did you mean 'x'?`. */
  fix: string;
}

const SPACE_FIX = 'replace it with a plain space';
const DELETE_FIX = 'delete it';
const STRING_FIX = 'strings are not part of the language; remove the quotes';

function asciiFix(ascii: string): string {
  return `did you mean '${ascii}'?`;
}

function spelledFix(word: string): string {
  return `write '${word}' instead and define it as a constant`;
}

/** code point → [Unicode name, fix]. Only characters people actually paste into formulas. */
const KNOWN: ReadonlyArray<readonly [number, string, string]> = [
  [0x00a0, 'NO-BREAK SPACE', SPACE_FIX],
  [0x2002, 'EN SPACE', SPACE_FIX],
  [0x2003, 'EM SPACE', SPACE_FIX],
  [0x2009, 'THIN SPACE', SPACE_FIX],
  [0x200a, 'HAIR SPACE', SPACE_FIX],
  [0x202f, 'NARROW NO-BREAK SPACE', SPACE_FIX],
  [0x205f, 'MEDIUM MATHEMATICAL SPACE', SPACE_FIX],
  [0x3000, 'IDEOGRAPHIC SPACE', SPACE_FIX],
  [0x00ad, 'SOFT HYPHEN', DELETE_FIX],
  [0x200b, 'ZERO WIDTH SPACE', DELETE_FIX],
  [0x200c, 'ZERO WIDTH NON-JOINER', DELETE_FIX],
  [0x200d, 'ZERO WIDTH JOINER', DELETE_FIX],
  [0x2060, 'WORD JOINER', DELETE_FIX],
  [0xfeff, 'ZERO WIDTH NO-BREAK SPACE', DELETE_FIX],
  [0x202a, 'LEFT-TO-RIGHT EMBEDDING', DELETE_FIX],
  [0x202b, 'RIGHT-TO-LEFT EMBEDDING', DELETE_FIX],
  [0x202c, 'POP DIRECTIONAL FORMATTING', DELETE_FIX],
  [0x202d, 'LEFT-TO-RIGHT OVERRIDE', DELETE_FIX],
  [0x202e, 'RIGHT-TO-LEFT OVERRIDE', DELETE_FIX],
  [0x2066, 'LEFT-TO-RIGHT ISOLATE', DELETE_FIX],
  [0x2067, 'RIGHT-TO-LEFT ISOLATE', DELETE_FIX],
  [0x2068, 'FIRST STRONG ISOLATE', DELETE_FIX],
  [0x2069, 'POP DIRECTIONAL ISOLATE', DELETE_FIX],
  [0x2212, 'MINUS SIGN', asciiFix('-')],
  [0x2010, 'HYPHEN', asciiFix('-')],
  [0x2011, 'NON-BREAKING HYPHEN', asciiFix('-')],
  [0x2012, 'FIGURE DASH', asciiFix('-')],
  [0x2013, 'EN DASH', asciiFix('-')],
  [0x2014, 'EM DASH', asciiFix('-')],
  [0xfe63, 'SMALL HYPHEN-MINUS', asciiFix('-')],
  [0x00d7, 'MULTIPLICATION SIGN', asciiFix('*')],
  [0x00b7, 'MIDDLE DOT', asciiFix('*')],
  [0x2217, 'ASTERISK OPERATOR', asciiFix('*')],
  [0x2219, 'BULLET OPERATOR', asciiFix('*')],
  [0x22c5, 'DOT OPERATOR', asciiFix('*')],
  [0x00f7, 'DIVISION SIGN', asciiFix('/')],
  [0x2215, 'DIVISION SLASH', asciiFix('/')],
  [0x2044, 'FRACTION SLASH', asciiFix('/')],
  [0x02c6, 'MODIFIER LETTER CIRCUMFLEX ACCENT', asciiFix('^')],
  [0x00b9, 'SUPERSCRIPT ONE', asciiFix('^1')],
  [0x00b2, 'SUPERSCRIPT TWO', asciiFix('^2')],
  [0x00b3, 'SUPERSCRIPT THREE', asciiFix('^3')],
  [0x2018, 'LEFT SINGLE QUOTATION MARK', STRING_FIX],
  [0x2019, 'RIGHT SINGLE QUOTATION MARK', STRING_FIX],
  [0x201c, 'LEFT DOUBLE QUOTATION MARK', STRING_FIX],
  [0x201d, 'RIGHT DOUBLE QUOTATION MARK', STRING_FIX],
  [0x0430, 'CYRILLIC SMALL LETTER A', asciiFix('a')],
  [0x0435, 'CYRILLIC SMALL LETTER IE', asciiFix('e')],
  [0x043e, 'CYRILLIC SMALL LETTER O', asciiFix('o')],
  [0x0440, 'CYRILLIC SMALL LETTER ER', asciiFix('p')],
  [0x0441, 'CYRILLIC SMALL LETTER ES', asciiFix('c')],
  [0x0443, 'CYRILLIC SMALL LETTER U', asciiFix('y')],
  [0x0445, 'CYRILLIC SMALL LETTER HA', asciiFix('x')],
  [0x0455, 'CYRILLIC SMALL LETTER DZE', asciiFix('s')],
  [0x0456, 'CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I', asciiFix('i')],
  [0x0458, 'CYRILLIC SMALL LETTER JE', asciiFix('j')],
  [0x0410, 'CYRILLIC CAPITAL LETTER A', asciiFix('A')],
  [0x0412, 'CYRILLIC CAPITAL LETTER VE', asciiFix('B')],
  [0x0415, 'CYRILLIC CAPITAL LETTER IE', asciiFix('E')],
  [0x041a, 'CYRILLIC CAPITAL LETTER KA', asciiFix('K')],
  [0x041c, 'CYRILLIC CAPITAL LETTER EM', asciiFix('M')],
  [0x041d, 'CYRILLIC CAPITAL LETTER EN', asciiFix('H')],
  [0x041e, 'CYRILLIC CAPITAL LETTER O', asciiFix('O')],
  [0x0420, 'CYRILLIC CAPITAL LETTER ER', asciiFix('P')],
  [0x0421, 'CYRILLIC CAPITAL LETTER ES', asciiFix('C')],
  [0x0422, 'CYRILLIC CAPITAL LETTER TE', asciiFix('T')],
  [0x0425, 'CYRILLIC CAPITAL LETTER HA', asciiFix('X')],
  [0x03bf, 'GREEK SMALL LETTER OMICRON', asciiFix('o')],
  [0x03c7, 'GREEK SMALL LETTER CHI', asciiFix('x')],
  [0x03a7, 'GREEK CAPITAL LETTER CHI', asciiFix('X')],
  [0x03c4, 'GREEK SMALL LETTER TAU', asciiFix('t')],
  [0x03c0, 'GREEK SMALL LETTER PI', spelledFix('pi')],
  [0x03b8, 'GREEK SMALL LETTER THETA', spelledFix('theta')],
  [0x03bc, 'GREEK SMALL LETTER MU', spelledFix('mu')],
  [0x00b5, 'MICRO SIGN', spelledFix('mu')],
  [0x03c3, 'GREEK SMALL LETTER SIGMA', spelledFix('sigma')],
  [0x03b1, 'GREEK SMALL LETTER ALPHA', spelledFix('alpha')],
  [0x03b2, 'GREEK SMALL LETTER BETA', spelledFix('beta')],
  [0x03b3, 'GREEK SMALL LETTER GAMMA', spelledFix('gamma')],
  [0x03bb, 'GREEK SMALL LETTER LAMDA', spelledFix('lambda')],
  [0x03b5, 'GREEK SMALL LETTER EPSILON', spelledFix('epsilon')],
  [0x03c9, 'GREEK SMALL LETTER OMEGA', spelledFix('omega')],
  [0x212f, 'SCRIPT SMALL E', "write exp(1) for Euler's number"],
  [0x1d465, 'MATHEMATICAL ITALIC SMALL X', asciiFix('x')],
  [0x1d461, 'MATHEMATICAL ITALIC SMALL T', asciiFix('t')],
];

const KNOWN_BY_CODE_POINT = new Map<number, CharacterInfo>(
  KNOWN.map(([codePoint, name, fix]) => [codePoint, { name, fix }]),
);

const DIGIT_NAMES = ['ZERO', 'ONE', 'TWO', 'THREE', 'FOUR', 'FIVE', 'SIX', 'SEVEN', 'EIGHT', 'NINE'];

/** Fullwidth forms U+FF01..U+FF5E are ASCII U+0021..U+007E shifted by 0xFEE0. */
function fullwidthInfo(codePoint: number): CharacterInfo | undefined {
  if (codePoint < 0xff01 || codePoint > 0xff5e) return undefined;
  const ascii = String.fromCharCode(codePoint - 0xfee0);
  let name = `FULLWIDTH form of '${ascii}'`;
  if (ascii >= '0' && ascii <= '9') name = `FULLWIDTH DIGIT ${DIGIT_NAMES[Number(ascii)]}`;
  else if (ascii >= 'a' && ascii <= 'z') name = `FULLWIDTH LATIN SMALL LETTER ${ascii.toUpperCase()}`;
  else if (ascii >= 'A' && ascii <= 'Z') name = `FULLWIDTH LATIN CAPITAL LETTER ${ascii}`;
  return { name, fix: asciiFix(ascii) };
}

/** Characters that show as nothing (or as something else) are described, never quoted. */
const INVISIBLE = /^[\p{C}\p{Z}\p{M}]$/u;

function hex(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Explains why a non-ASCII or control character is rejected.
 *
 * @example describeDisallowedCharacter(0x445)
 * // "character 'х' (U+0445 CYRILLIC SMALL LETTER HA) is not allowed; expressions use plain ASCII — did you mean 'x'?"
 */
export function describeDisallowedCharacter(codePoint: number): string {
  if (codePoint < 0x20 || (codePoint >= 0x7f && codePoint <= 0x9f)) {
    return `control character ${hex(codePoint)} is not allowed — delete it`;
  }
  const info = KNOWN_BY_CODE_POINT.get(codePoint) ?? fullwidthInfo(codePoint);
  const label = info ? `${hex(codePoint)} ${info.name}` : hex(codePoint);
  const char = String.fromCodePoint(codePoint);
  const shown = INVISIBLE.test(char) ? `invisible character ${label}` : `character '${char}' (${label})`;
  const fix = info ? ` — ${info.fix}` : '';
  return `${shown} is not allowed; expressions use plain ASCII${fix}`;
}
