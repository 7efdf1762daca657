import { describe, expect, it } from 'vitest';
import type { ExprNode, ParseOptions } from './ast.ts';
import { evaluateExpression } from './evaluate.ts';
import { parseExpression } from './parse.ts';

const options: ParseOptions = { dimension: 2, constants: ['theta', 'mu'] };
const x = [0.7, -1.3];
const t = 0.25;
const constants = { theta: 1.5, mu: -0.5 };

function evaluate(text: string): number {
  const result = parseExpression(text, options);
  if (!result.ok) throw new Error(result.errors[0].message);
  return evaluateExpression(result.ast, x, t, constants);
}

describe('evaluateExpression', () => {
  it('computes every function', () => {
    const cases: Array<[string, number]> = [
      ['sin(x[0])', Math.sin(0.7)], ['cos(x[0])', Math.cos(0.7)], ['tan(x[0])', Math.tan(0.7)],
      ['exp(x[1])', Math.exp(-1.3)], ['log(x[0])', Math.log(0.7)], ['sqrt(x[0])', Math.sqrt(0.7)],
      ['tanh(x[1])', Math.tanh(-1.3)], ['sigmoid(x[1])', 1 / (1 + Math.exp(1.3))], ['sigmoid(0)', 0.5],
      ['abs(x[1])', 1.3], ['min(x[0], x[1])', -1.3], ['max(x[0], x[1])', 0.7], ['pow(x[0], 3)', Math.pow(0.7, 3)],
      ['x[0]^3', Math.pow(0.7, 3)], ['log(-1)', Number.NaN], ['1/0', Infinity],
    ];
    for (const [text, expected] of cases) expect(evaluate(text), text).toBe(expected);
  });

  it('reads t, the state and the constants', () => {
    expect(evaluate('theta*(mu - x[0]) + t')).toBe(1.5 * (-0.5 - 0.7) + 0.25);
  });

  it('never reads a constant from Object.prototype', () => {
    const ast: ExprNode = { kind: 'constant', name: 'constructor', span: { start: 0, end: 11 } };
    expect(() => evaluateExpression(ast, x, t, {})).toThrow(/constant 'constructor' has no numeric value/);
  });

  it('reports a state shorter than the tree needs', () => {
    const ast: ExprNode = { kind: 'state', index: 4, span: { start: 0, end: 4 } };
    expect(() => evaluateExpression(ast, x, t, constants)).toThrow(/x\[4\]/);
  });

  it('walks the longest sum the length cap allows', () => {
    expect(evaluate(`${'t+'.repeat(4_999)}t`)).toBe(0.25 * 5_000);
  });
});

/** mulberry32 with a fixed seed. */
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

interface Generated { text: string; value: number }

const LEAVES: Generated[] = [
  { text: '3', value: 3 }, { text: '.25', value: 0.25 }, { text: '1e-1', value: 0.1 }, { text: '2.5E+0', value: 2.5 },
  { text: 'x[0]', value: x[0] }, { text: 'x[1]', value: x[1] }, { text: 't', value: t },
  { text: 'theta', value: constants.theta }, { text: 'mu', value: constants.mu },
];
const OPERATORS: Array<[string, (a: number, b: number) => number]> = [
  ['+', (a, b) => a + b], ['-', (a, b) => a - b], ['*', (a, b) => a * b], ['/', (a, b) => a / b], ['^', Math.pow],
  ['max', Math.max], ['min', Math.min], ['pow', Math.pow],
];
const UNARIES: Array<[string, (z: number) => number]> = [
  ['-', (z) => -z], ['sin', Math.sin], ['exp', Math.exp], ['tanh', Math.tanh], ['abs', Math.abs], ['sqrt', Math.sqrt],
];

/** A random fully parenthesized expression and its value computed without the parser. */
function generate(random: () => number, depth: number): Generated {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const space = (): string => pick(['', ' ', '  ', '\t', '\n']);
  if (depth === 0 || random() < 0.25) return pick(LEAVES);
  if (random() < 0.3) {
    const [name, apply] = pick(UNARIES);
    const arg = generate(random, depth - 1);
    return { text: `${name}${space()}(${space()}${arg.text}${space()})`, value: apply(arg.value) };
  }
  const [op, apply] = pick(OPERATORS);
  const left = generate(random, depth - 1);
  const right = generate(random, depth - 1);
  const text = /^[a-z]/.test(op)
    ? `${op}(${left.text},${space()}${right.text})`
    : `(${left.text})${space()}${op}${space()}(${right.text})`;
  return { text, value: apply(left.value, right.value) };
}

describe('parse + evaluate on generated expressions', () => {
  it('agree with values computed while generating', () => {
    const random = seededRandom(7);
    for (let run = 0; run < 2_000; run++) {
      const { text, value } = generate(random, 6);
      expect(evaluate(text), text).toBe(value);
    }
  });
});
