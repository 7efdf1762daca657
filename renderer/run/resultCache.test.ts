import { describe, expect, it } from 'vitest';
import { ResultCache } from './resultCache.ts';
import type { SolverResult } from './types.ts';

const result = (floats: number): SolverResult => ({
  nodeId: 's', dims: 1, particles: floats, samples: new Float32Array(floats),
  trajectory: new Float32Array(0), times: new Float32Array(0), wallSeconds: 0, particleSteps: 0,
});

describe('ResultCache', () => {
  it('returns a result only for the same key and text', () => {
    const c = new ResultCache();
    const r = result(4);
    c.set('k', 'text', r);
    expect(c.get('k', 'text')).toBe(r);
    expect(c.get('k', 'other text')).toBeUndefined();
    expect(c.get('x', 'text')).toBeUndefined();
  });

  it('evicts least recently used entries beyond the budget, never kept ones', () => {
    const c = new ResultCache(3 * 400);
    for (const k of ['a', 'b', 'c', 'd']) c.set(k, k, result(100)); // 400 bytes each
    c.get('a', 'a'); // a is now the most recently used
    c.prune(new Set(['b']));
    expect(c.size).toBe(3);
    expect(c.get('c', 'c')).toBeUndefined();
    expect(c.get('b', 'b')).toBeDefined();
    expect(c.get('a', 'a')).toBeDefined();
    expect(c.get('d', 'd')).toBeDefined();
  });
});
