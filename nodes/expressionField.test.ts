import { describe, expect, test } from 'vitest';
import { renderFunctionJs } from '../core/backends/cpu/renderJs.ts';
import { evaluateExpression } from '../core/expr/evaluate.ts';
import { parseExpression } from '../core/expr/parse.ts';
import { IRBuilder } from '../core/ir/builder.ts';
import { emitTangent } from '../core/ir/derivative.ts';
import { SCALAR, vectorType, type IRFunction } from '../core/ir/types.ts';
import { validateIR } from '../core/ir/validate.ts';
import { lowerExpr } from './expressionField.ts';

/** Small deterministic PRNG for generating test expressions. */
function lcg(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** Random smooth expressions over x[0..2], t and constants a, b (kept away from singularities). */
function randomExpression(rand: () => number, depth: number): string {
  if (depth === 0 || rand() < 0.2) {
    const leaves = ['x[0]', 'x[1]', 'x[2]', 't', 'a', 'b', (rand() * 4 - 2).toFixed(3)];
    return leaves[Math.floor(rand() * leaves.length)];
  }
  const r = rand();
  const sub = () => randomExpression(rand, depth - 1);
  if (r < 0.5) return `(${sub()} ${['+', '-', '*', '/'][Math.floor(rand() * 4)]} ${r < 0.4 ? sub() : `(2 + sin(${sub()}))`})`;
  if (r < 0.6) return `(${sub()})^2`;
  if (r < 0.65) return `-${sub()}`;
  if (r < 0.7) return `pow(1.5 + cos(${sub()}), ${sub()})`;
  const fns = ['sin', 'cos', 'tanh', 'sigmoid', 'exp', 'abs'];
  if (r < 0.9) return `${fns[Math.floor(rand() * fns.length)]}(${sub()})`;
  if (r < 0.95) return `log(2 + sin(${sub()}))`;
  return `sqrt(2 + cos(${sub()}))`;
}

const constants = { a: 0.7, b: -1.3 };

function lower(text: string): IRFunction {
  const parsed = parseExpression(text, { dimension: 3, constants: Object.keys(constants) });
  if (!parsed.ok) throw new Error(`${text}: ${parsed.errors[0].message}`);
  const b = new IRBuilder('f', [{ name: 'x', type: vectorType(3) }, { name: 't', type: SCALAR }]);
  return b.build([lowerExpr(parsed.ast, b, b.elements(b.param(0)), b.param(1), constants)]);
}

/** Compiles an IR function of (x[3], t) to a JavaScript function through the CPU renderer. */
function compileJs(fn: IRFunction): (x: number[], t: number) => number[] {
  const { lines, outputs } = renderFunctionJs(fn, { params: [['x0', 'x1', 'x2'], ['t']] }, 'v');
  const body = `const x0 = x[0], x1 = x[1], x2 = x[2];\n${lines.join('\n')}\nreturn [${outputs.flat().join(', ')}];`;
  return new Function('x', 't', body) as (x: number[], t: number) => number[];
}

describe('expressions → IR → JavaScript', () => {
  const rand = lcg(12345);
  const cases = Array.from({ length: 300 }, () => randomExpression(rand, 4));
  const points = Array.from({ length: 5 }, () => ({ x: [rand() * 2 - 1, rand() * 2 - 1, rand() * 2 - 1], t: rand() }));

  test('lowered IR is valid and the generated code agrees with the reference evaluator', () => {
    for (const text of cases) {
      const fn = lower(text);
      expect(validateIR(fn), text).toEqual([]);
      const js = compileJs(fn);
      const parsed = parseExpression(text, { dimension: 3, constants: Object.keys(constants) });
      if (!parsed.ok) throw new Error('unreachable');
      for (const { x, t } of points) {
        const want = evaluateExpression(parsed.ast, x, t, constants);
        const got = js(x, t)[0];
        if (Number.isFinite(want)) expect(Math.abs(got - want), text).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(want)));
        else expect(Number.isFinite(got), text).toBe(false);
      }
    }
  });

  test('forward-mode derivatives match central finite differences', () => {
    let checked = 0;
    for (const text of cases) {
      const fn = lower(text);
      for (let i = 0; i < 3; i++) {
        const b = new IRBuilder('df', fn.params);
        const seed = b.stack([0, 1, 2].map((j) => b.constant(i === j ? 1 : 0)));
        const d = b.build(emitTangent(b, fn, [b.param(0), b.param(1)], [seed, null]).tangents);
        expect(validateIR(d), text).toEqual([]);
        const f = compileJs(fn);
        const df = compileJs(d);
        for (const { x, t } of points) {
          const h = 1e-6;
          const xp = [...x]; xp[i] += h;
          const xm = [...x]; xm[i] -= h;
          const fd = (f(xp, t)[0] - f(xm, t)[0]) / (2 * h);
          const exact = df(x, t)[0];
          if (!Number.isFinite(fd) || Math.abs(fd) > 1e6) continue;
          // abs() and min/max kinks make finite differences meaningless exactly at the kink; skip those
          if (Math.abs(f(xp, t)[0] - 2 * f(x, t)[0] + f(xm, t)[0]) > 1e-8) continue;
          // central differences lose about eps·|f|/h to cancellation, on top of O(h²) truncation
          const roundoff = (1e-15 * Math.abs(f(x, t)[0])) / h;
          expect(Math.abs(exact - fd), `${text} d/dx${i}`).toBeLessThan(1e-5 * Math.max(1, Math.abs(fd)) + 10 * roundoff);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(2000);
  });
});

describe('IR builder', () => {
  test('folds constants, shares identical nodes and applies identities', () => {
    const b = new IRBuilder('f', [{ name: 'x', type: vectorType(2) }]);
    const [x0] = b.elements(b.param(0));
    expect(b.constantValue(b.mul(b.constant(2), b.constant(3)))).toBe(6);
    expect(b.add(x0, b.constant(0))).toBe(x0);
    expect(b.mul(x0, b.constant(1))).toBe(x0);
    expect(b.constantValue(b.mul(x0, b.constant(0)))).toBe(0);
    expect(b.unary('sin', x0)).toBe(b.unary('sin', x0));
    expect(b.neg(b.neg(x0))).toBe(x0);
  });

  test('the validator rejects malformed IR', () => {
    const bad: IRFunction = {
      name: 'bad', params: [{ name: 'x', type: vectorType(2) }],
      nodes: [
        { op: 'param', args: [], type: vectorType(2), index: 0 },
        { op: 'index', args: [0], type: SCALAR, index: 5 },
        { op: 'add', args: [1, 3], type: SCALAR },
      ],
      outputs: [7],
    };
    const problems = validateIR(bad);
    expect(problems.some((p) => p.includes('out of range'))).toBe(true);
    expect(problems.some((p) => p.includes('not defined before'))).toBe(true);
    expect(problems.some((p) => p.includes('output %7'))).toBe(true);
  });
});
