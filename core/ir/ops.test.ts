import { describe, expect, test } from 'vitest';
import { JS_DIALECT, renderFunctionJs } from '../backends/cpu/renderJs.ts';
import { renderFunctionWgsl } from '../backends/webgpu/renderWgsl.ts';
import { IRBuilder } from './builder.ts';
import { foldUnary } from './fold.ts';
import { interpretIR } from './interpret.ts';
import { printIR } from './print.ts';
import { ACTIVATION_GRAD_OPS, ACTIVATION_OPS, matrixType, SCALAR, vectorType, type IRFunction, type IRNode } from './types.ts';
import { countFlops, validateIR } from './validate.ts';

describe('activation semantics', () => {
  test('reference values', () => {
    expect(foldUnary('silu', 1)).toBeCloseTo(1 / (1 + Math.exp(-1)), 15);
    expect(foldUnary('softplus', 800)).toBe(800);
    expect(foldUnary('softplus', -800)).toBe(0);
    expect(foldUnary('softplus', 0)).toBeCloseTo(Math.LN2, 15);
    expect(foldUnary('relu', -2)).toBe(0);
    expect(foldUnary('relu_grad', 3)).toBe(1);
    // GELU (tanh approximation) at 1: PyTorch's GELU(approximate='tanh')(1.0) = 0.8411919906082768.
    expect(foldUnary('gelu', 1)).toBeCloseTo(0.8411919906082768, 14);
    expect(foldUnary('silu', -800)).toBeCloseTo(0, 300);
  });

  test('the generated JavaScript of every activation agrees with the reference', () => {
    for (const op of [...ACTIVATION_OPS, ...ACTIVATION_GRAD_OPS]) {
      const b = new IRBuilder(op, [{ name: 'x', type: SCALAR }]);
      const fn = b.build([b.unary(op, b.param(0))]);
      const r = renderFunctionJs(fn, { params: [['x']] }, 'v');
      const f = new Function('x', `${r.lines.join('\n')}\nreturn ${r.outputs[0][0]};`) as (x: number) => number;
      for (const x of [-30, -2.5, -0.3, 0.7, 1.9, 40]) {
        const expected = foldUnary(op, x);
        expect(Math.abs(f(x) - expected), `${op}(${x})`).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(expected)));
      }
      // WGSL renders from the same table; check it produces declarations in that dialect.
      const w = renderFunctionWgsl(fn, { params: [['x']] }, 'v');
      expect(w.lines.every((l) => l.startsWith('let '))).toBe(true);
    }
    expect(JS_DIALECT.unary).not.toHaveProperty('silu');
  });
});

describe('validator on network ops', () => {
  const base = (nodes: IRNode[]): IRFunction => ({
    name: 'f', params: [{ name: 'W', type: matrixType(3, 2) }, { name: 'x', type: vectorType(2) }], nodes, outputs: [nodes.length - 1],
  });
  const W: IRNode = { op: 'param', args: [], type: matrixType(3, 2), index: 0 };
  const x: IRNode = { op: 'param', args: [], type: vectorType(2), index: 1 };

  test.each([
    ['matmul with the wrong inner size', { op: 'matmul', args: [0, 1], type: vectorType(2) }],
    ['matmul_t of a vector of the wrong length', { op: 'matmul_t', args: [0, 1], type: vectorType(2) }],
    ['outer of the wrong result shape', { op: 'outer', args: [1, 1], type: matrixType(2, 3) }],
    ['concat of a matrix', { op: 'concat', args: [0, 1], type: vectorType(8) }],
    ['slice past the end', { op: 'slice', args: [1], type: vectorType(2), index: 1 }],
    ['broadcast of a vector', { op: 'broadcast', args: [1], type: matrixType(2, 2) }],
    ['elementwise matrix with a vector', { op: 'add', args: [0, 1], type: matrixType(3, 2) }],
    ['unary that changes shape', { op: 'silu', args: [1], type: vectorType(3) }],
  ] as [string, IRNode][])('flags %s', (_, bad) => {
    expect(validateIR(base([W, x, bad]))).toHaveLength(1);
  });

  test('accepts the same ops with agreeing shapes, and counts their flops', () => {
    const b = new IRBuilder('net', [{ name: 'W', type: matrixType(3, 2) }, { name: 'x', type: vectorType(2) }, { name: 't', type: SCALAR }]);
    const h = b.unary('gelu', b.matmul(b.param(0), b.param(1)));
    const back = b.matmulT(b.param(0), h);
    const grad = b.outer(h, back);
    const input = b.concat([back, b.param(2), b.slice(b.unary('exp', back), 1, 1)]);
    const fn = b.build([b.add(b.sum(grad), b.sum(input))]);
    expect(validateIR(fn)).toEqual([]);
    expect(countFlops(fn)).toBeGreaterThan(2 * 6 + 2 * 6 + 6);
    expect(printIR(fn)).toMatch(/slice %\d+\[1:2\]/);
  });
});

describe('builder simplifications keep shapes', () => {
  test('zeros, broadcasts, slices and concats fold without changing types', () => {
    const b = new IRBuilder('f', [{ name: 'x', type: vectorType(4) }, { name: 't', type: SCALAR }]);
    const x = b.param(0);
    const z = b.zeros([4]);
    expect(b.add(x, z)).toBe(x);
    expect(b.shapeOf(b.mul(z, b.param(1)))).toEqual([4]);
    expect(b.isZero(b.mul(x, b.constant(0)))).toBe(true);
    expect(b.shapeOf(b.mul(x, b.constant(0)))).toEqual([4]);
    const e = b.unary('exp', x);
    const c = b.concat([e, b.param(1)]);
    expect(b.slice(c, 0, 4)).toBe(e);
    expect(b.index(c, 4)).toBe(b.param(1));
    expect(b.index(b.slice(e, 1, 2), 1)).toBe(b.index(e, 2));
    expect(b.sum(b.broadcast(b.param(1), [2, 3]))).toBe(b.mul(b.param(1), b.constant(6)));
    expect(b.matmul(b.zeros([3, 4]), x)).toBe(b.zeros([3]));
  });

  test('the interpreter follows the op definitions', () => {
    const b = new IRBuilder('f', [{ name: 'W', type: matrixType(2, 3) }, { name: 'u', type: vectorType(2) }, { name: 'v', type: vectorType(3) }]);
    const [W, u, v] = [b.param(0), b.param(1), b.param(2)];
    const fn = b.build([b.matmul(W, v), b.matmulT(W, u), b.outer(u, v), b.concat([u, b.slice(b.unary('neg', v), 1, 2)])]);
    const [mv, mtu, uv, cat] = interpretIR(fn, [[1, 2, 3, 4, 5, 6], [1, -1], [1, 0, 2]]);
    expect(Array.from(mv)).toEqual([7, 16]);
    expect(Array.from(mtu)).toEqual([-3, -3, -3]);
    expect(Array.from(uv)).toEqual([1, 0, 2, -1, -0, -2]);
    expect(Array.from(cat)).toEqual([1, -1, -0, -2]);
  });
});
