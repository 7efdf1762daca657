import { describe, expect, it } from 'vitest';
import { FUNCTION_NAMES, type ExprError, type ExprNode, type ParseOptions } from './ast.ts';
import { evaluateExpression } from './evaluate.ts';
import { MAX_ERRORS, MAX_EXPRESSION_LENGTH, MAX_NESTING_DEPTH, parseExpression } from './parse.ts';

const options: ParseOptions = { dimension: 3, constants: ['theta', 'mu'] };
const x = [2, 3, 5];
const t = 0.5;
const constants = { theta: 1.5, mu: 0.25 };

function parseOk(text: string, parseOptions: ParseOptions = options): ExprNode {
  const result = parseExpression(text, parseOptions);
  if (!result.ok) throw new Error(`expected '${text}' to parse: ${result.errors.map((e) => e.message).join('; ')}`);
  return result.ast;
}

function parseErrors(text: string, parseOptions: ParseOptions = options): ExprError[] {
  const result = parseExpression(text, parseOptions);
  if (result.ok) throw new Error(`expected '${text}' to be rejected`);
  return result.errors;
}

function value(text: string): number {
  return evaluateExpression(parseOk(text), x, t, constants);
}

/** The characters an error points at. */
function blamed(text: string): string {
  const [error] = parseErrors(text);
  return text.slice(error.span.start, error.span.end);
}

describe('parseExpression: trees', () => {
  it('builds the leaves', () => {
    expect(parseOk('x[2]')).toEqual({ kind: 'state', index: 2, span: { start: 0, end: 4 } });
    expect(parseOk('t')).toEqual({ kind: 'time', span: { start: 0, end: 1 } });
    expect(parseOk('mu')).toEqual({ kind: 'constant', name: 'mu', span: { start: 0, end: 2 } });
    expect(parseOk('2.5E+4')).toEqual({ kind: 'number', value: 25000, span: { start: 0, end: 6 } });
  });

  it('reads every decimal number form', () => {
    const forms: Array<[string, number]> = [['3', 3], ['3.5', 3.5], ['.5', 0.5], ['1e-3', 0.001], ['2.5E+4', 25000], ['3.', 3], ['007', 7]];
    for (const [text, expected] of forms) expect(value(text)).toBe(expected);
  });

  it('parses -x[0]^2 as -(x[0]^2) and unary plus as its argument', () => {
    const negated = parseOk('-x[0]^2');
    expect(negated.kind).toBe('negate');
    if (negated.kind === 'negate') expect(negated.arg).toMatchObject({ kind: 'binary', op: '^' });
    expect(parseOk('+t')).toEqual({ kind: 'time', span: { start: 0, end: 2 } });
  });

  it('ignores spaces, tabs and newlines', () => {
    expect(value(' theta *\t( mu -\n x [ 0 ] )\r\n')).toBe(1.5 * (0.25 - 2));
  });
});

describe('parseExpression: precedence and associativity', () => {
  const cases: Array<[string, number]> = [
    ['1+2*3', 7], ['(1+2)*3', 9], ['8-4-2', 2], ['8/4/2', 1], ['2*3/4', 1.5],
    ['2^3^2', 512], ['(2^3)^2', 64], ['2^3*2', 16], ['2*3^2', 18], ['1/2^2', 0.25],
    ['-2^2', -4], ['(-2)^2', 4], ['-x[0]^2', -4], ['2^-1', 0.5], ['2^-1^2', 0.5], ['4^0.5^2', Math.pow(4, 0.25)],
    ['-3*-2', 6], ['1 - -1', 2], ['--1', 1], ['+1', 1], ['-+-1', 1], ['2*-x[1]', -6], ['-2-3', -5],
    ['theta*(mu - x[0])', 1.5 * (0.25 - 2)], ['-x[0]*x[1] + sin(t)^2', -6 + Math.sin(0.5) ** 2],
    ['x[2] - x[1]*x[0] + t/theta', 5 - 6 + 0.5 / 1.5], ['1e-3*1000', 1], ['.5+2.5E+1', 25.5],
    ['max(1, 2)^2', 4], ['-max(1, 2)', -2], ['2^max(1,3)', 8], ['((((t))))', 0.5],
  ];
  it.each(cases)('%s = %d', (text, expected) => {
    expect(value(text)).toBeCloseTo(expected, 12);
  });
});

describe('parseExpression: functions', () => {
  it('calls each function with the right arity', () => {
    for (const fn of FUNCTION_NAMES) {
      const binary = fn === 'min' || fn === 'max' || fn === 'pow';
      const ast = parseOk(binary ? `${fn}(x[0], 0.5)` : `${fn}(0.5)`);
      expect(ast).toMatchObject({ kind: 'call', fn, args: binary ? [{ kind: 'state' }, { kind: 'number' }] : [{ kind: 'number' }] });
    }
  });

  it('rejects the wrong number of arguments', () => {
    expect(parseErrors('sin(1,2)')[0].message).toBe('sin takes 1 argument, as sin(x[0]), but got 2');
    expect(parseErrors('max(1)')[0].message).toBe('max takes 2 arguments, as max(a, b), but got 1');
    expect(parseErrors('pow()')[0].message).toContain('but got none');
    expect(blamed('1 + max(1)')).toBe('max(1)');
  });
});

describe('parseExpression: messages and spans', () => {
  it('suggests the closest name and lists what is allowed', () => {
    const [error] = parseErrors('theta*(mu - thta)');
    expect(error.message).toBe("unknown name 'thta' — did you mean 'theta'? Allowed: x[0..2], t, constants theta, mu, " +
      'and functions sin, cos, tan, exp, log, sqrt, tanh, sigmoid, abs, min, max, pow');
    expect(error.span).toEqual({ start: 12, end: 16 });
    expect(parseErrors('Theta')[0].message).toContain("did you mean 'theta'?");
    expect(parseErrors('sigmod(1)')[0].message).toContain("unknown function 'sigmod' — did you mean 'sigmoid'?");
    expect(parseErrors('ln(2)')[0].message).toContain("did you mean 'log'?");
    expect(parseErrors('y')[0].message).not.toContain('did you mean');
  });

  it('explains out-of-range and malformed indices', () => {
    expect(parseErrors('x[3]')[0]).toEqual({ message: "'x[3]' is out of range: the state has 3 components, x[0]..x[2]", span: { start: 0, end: 4 } });
    expect(parseErrors('x[1]', { dimension: 1, constants: [] })[0].message).toContain('the state has 1 component, x[0]');
    expect(blamed('1 + x[0.5]')).toBe('0.5');
    expect(blamed('x[1+1]')).toBe('1+1');
    expect(blamed('mu[0]')).toBe('[');
  });

  it('names Unicode look-alikes', () => {
    expect(parseErrors('х[0]')[0].message).toBe(
      "character 'х' (U+0445 CYRILLIC SMALL LETTER HA) is not allowed; expressions use plain ASCII — did you mean 'x'?");
    expect(parseErrors('1 \u2212 2')[0]).toMatchObject({ span: { start: 2, end: 3 } });
    expect(parseErrors('1\u200b+2')[0].message).toContain('invisible character U+200B ZERO WIDTH SPACE');
    expect(parseErrors('\u{1d465}')[0].span).toEqual({ start: 0, end: 2 });
  });

  it('points at the offending characters', () => {
    expect(blamed('x[0] + 3x')).toBe('3x');
    expect(blamed("sin('a')")).toBe("'a'");
    expect(blamed('1 + (2 * 3')).toBe('(');
    expect(blamed('1 + 2 )')).toBe(')');
    expect(blamed('t 2')).toBe('2');
    expect(blamed('x[0] +')).toBe('+');
    expect(blamed('x.y')).toBe('.');
  });

  it('reports every independent error, in text order', () => {
    const errors = parseErrors('thta + x[7] + sin(1, 2)');
    expect(errors.map((e) => e.span.start)).toEqual([0, 7, 14]);
    expect(parseErrors(Array(40).fill('zz').join('+')).length).toBe(MAX_ERRORS);
  });
});

describe('parseExpression: limits', () => {
  it('accepts nesting below the cap and rejects deeper nesting', () => {
    const nested = (depth: number): string => `${'('.repeat(depth)}t${')'.repeat(depth)}`;
    expect(value(nested(MAX_NESTING_DEPTH - 1))).toBe(0.5);
    expect(parseErrors(nested(4000))[0].message).toContain('nested too deeply');
    expect(parseErrors(`${'-'.repeat(5000)}1`)[0].message).toContain('nested too deeply');
    expect(parseErrors(`${'2^'.repeat(3000)}2`)[0].message).toContain('nested too deeply');
  });

  it('accepts text up to the length cap', () => {
    const sum = `${'1+'.repeat((MAX_EXPRESSION_LENGTH - 2) / 2)}1`;
    expect(sum.length).toBeLessThanOrEqual(MAX_EXPRESSION_LENGTH);
    expect(value(sum)).toBe(MAX_EXPRESSION_LENGTH / 2);
    const [tooLong] = parseErrors('1'.repeat(MAX_EXPRESSION_LENGTH + 5));
    expect(tooLong.span).toEqual({ start: MAX_EXPRESSION_LENGTH, end: MAX_EXPRESSION_LENGTH + 5 });
  });

  it('throws for invalid options, which are a programming error', () => {
    expect(() => parseExpression('1', { dimension: -1, constants: [] })).toThrow(RangeError);
    expect(() => parseExpression('1', { dimension: 1.5, constants: [] })).toThrow(/non-negative integer/);
  });
});
