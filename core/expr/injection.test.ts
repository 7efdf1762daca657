/**
 * Hostile and malformed input: every entry must be rejected with a message and a span inside
 * the text, and no input may make the parser throw.
 */
import { describe, expect, it } from 'vitest';
import type { ParseOptions, ParseResult } from './ast.ts';
import { parseExpression } from './parse.ts';

const options: ParseOptions = { dimension: 3, constants: ['theta', 'mu'] };

const HOSTILE: readonly string[] = [
  "constructor.constructor('return process')()", 'x.constructor', 'constructor', 'x.__proto__', '__proto__',
  'process.exit(1)', 'process', "require('fs')", 'require', 'this', 'globalThis', 'globalThis.x',
  '(()=>1)()', 'x=>x', 'function f(){}', 'function', 'x[0]=1', 'x[0]==1', 'x[0]===1', 'x[0]<1', 'x[0]>=1',
  '!x[0]', 'x[0]&&1', 'x[0]||1', 'x[0]|1', 'x[0]%2', 'x[0]?1:2', '`${1}`', '`x`', "'a'", '"a"',
  'x[0];x[1]', '1;', 'new Date()', 'new', "import('fs')", 'import(1)', "x['0']", 'x["constructor"]', 'x[0.5]',
  'x[-1]', 'x[1e9]', 'x[3]', 'x[99999999999999999999]', 'x[i]', 'x[]', 'x[x[0]]', 'x[0][0]', 'mu[0]', 't[0]',
  'Math.sin(1)', 'Math', 'sin.call(1)', 'sin', "eval('1')", 'eval(1)', 'Function(1)', '{}', '{x:1}', '[1]', '[]',
  'х[0]', 'ｘ[0]', 'x［0］', '１+2', '1 \u2212 2', '1\u200b+2', '1\u00a0+2', '\u202ex[0]', '1\ufeff', 'ℯ', 'π',
  '2×3', 'x[0]²', '😀', '\ud800', 'sin(1,2)', 'max(1)', 'pow(1,2,3)', 'min()', 'abs(,)', 'max(1,)',
  'x', 'x[0', 'x[', '1+', '1*', '2^', '-', '(', ')', '())', '(1', '((1)', '()', '1 2', 'x[0] x[1]', '2(3)',
  '(1)(2)', '1,2', '0x10', '0b1', '1_000', '1.2.3', '3x', '1e', '1e+', '1e999', '1n', 'Infinity', 'NaN',
  'undefined', 'null', 'true', 'e', 'pi', 'PI', 'x[0]**2', '// comment', '/* c */1', 'a.b', 'theta.mu',
  'theta(1)', 't(1)', 'x(0)', 'a\\u0041', '#1', '@x', '$x', '~1', 'x[0]\\', '',
  ' \t\n', 'y', 'thta',
  'a'.repeat(10_001), `${'('.repeat(10_000)}1${')'.repeat(10_000)}`, `${'('.repeat(4_000)}1${')'.repeat(4_000)}`,
  `${'-'.repeat(9_000)}1`, `${'sin('.repeat(2_000)}1${')'.repeat(2_000)}`, '\u0000', '\u0007x',
];

/** Rejected, with messages and spans that lie inside the text (non-empty unless the text is empty). */
function expectWellFormedRejection(text: string, result: ParseResult): void {
  expect(result.ok, `'${text.slice(0, 60)}' should be rejected`).toBe(false);
  if (result.ok) return;
  expect(result.errors.length).toBeGreaterThan(0);
  for (const { message, span } of result.errors) {
    expect(message.trim().length).toBeGreaterThan(0);
    expect(span.start).toBeGreaterThanOrEqual(0);
    expect(span.end).toBeLessThanOrEqual(text.length);
    if (text.length > 0) expect(span.end).toBeGreaterThan(span.start);
  }
}

describe('parseExpression: hostile input', () => {
  it('has a corpus of at least 40 entries', () => {
    expect(HOSTILE.length).toBeGreaterThanOrEqual(40);
  });

  it.each(HOSTILE.map((text) => [text.length > 60 ? `${text.slice(0, 30)}… (${text.length} chars)` : JSON.stringify(text), text]))(
    'rejects %s',
    (_label, text) => {
      expectWellFormedRejection(text, parseExpression(text, options));
    },
  );

  it('does not treat Object.prototype names as constants', () => {
    for (const name of ['constructor', 'toString', 'hasOwnProperty', '__proto__', 'valueOf']) {
      expectWellFormedRejection(name, parseExpression(name, { dimension: 1, constants: ['theta'] }));
    }
  });
});

/** mulberry32: small, fixed-seed, good enough to spread fuzz cases. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = [
  ...'x[]0123456789.eE+-*/^(),  \t\ntmuhesinco_adpqwz\'"`{}=;:<>!&|%$#@\\?~',
  'theta', 'mu', 'sin(', 'max(', 'x[0]', 'x[2]', '1e-3', '2.5', 'х', 'ｘ', '\u2212', '\u200b', '\u00a0', '\ud83d', '😀', 'π',
];

describe('parseExpression: fuzz', () => {
  it('always returns a result with well-formed errors for random strings', () => {
    const random = seededRandom(20_240_601);
    let accepted = 0;
    for (let run = 0; run < 5_000; run++) {
      const length = Math.floor(random() * 30);
      let text = '';
      for (let i = 0; i < length; i++) text += ALPHABET[Math.floor(random() * ALPHABET.length)];
      const result = parseExpression(text, options);
      if (result.ok) {
        accepted++;
        continue;
      }
      expectWellFormedRejection(text, result);
    }
    // The alphabet is hostile on purpose; a few short sums like '1+2' still get through.
    expect(accepted).toBeLessThan(5_000);
  });
});
