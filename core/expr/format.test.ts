import { describe, expect, it } from 'vitest';
import { formatExprError } from './format.ts';
import { parseExpression } from './parse.ts';

function firstError(text: string): string {
  const result = parseExpression(text, { dimension: 3, constants: ['theta', 'mu'] });
  if (result.ok) throw new Error(`expected '${text}' to be rejected`);
  return formatExprError(text, result.errors[0]);
}

describe('formatExprError', () => {
  it('puts carets under the offending characters', () => {
    expect(firstError('theta*(mu - thta)').split('\n')).toEqual([
      expect.stringMatching(/^1:13: unknown name 'thta'/),
      'theta*(mu - thta)',
      '            ^^^^',
    ]);
  });

  it('shows only the line of the error in multi-line text', () => {
    expect(firstError('x[0] +\n  x[5]').split('\n').slice(1)).toEqual(['  x[5]', '  ^^^^']);
    expect(firstError('x[0] +\n  x[5]')).toMatch(/^2:3: 'x\[5\]' is out of range/);
  });

  it('keeps carets aligned past invisible, wide and astral characters', () => {
    expect(firstError('1\u200b+2').split('\n').slice(1)).toEqual(['1?+2', ' ^']);
    expect(firstError('😀 + 1').split('\n').slice(1)).toEqual(['? + 1', '^']);
    expect(firstError('t + х').split('\n').slice(1)).toEqual(['t + х', '    ^']);
  });

  it('shows a window of a long line', () => {
    const text = `${'t+'.repeat(300)}thta`;
    const [, line, carets] = firstError(text).split('\n');
    expect(line.length).toBeLessThanOrEqual(102);
    expect(line.slice(carets.indexOf('^'), carets.length)).toBe('thta');
  });

  it('marks one column for an empty expression', () => {
    expect(firstError('').split('\n').slice(1)).toEqual(['', '^']);
  });
});
