import { describe, expect, it } from 'vitest';
import { align, type Box } from './align.ts';

const boxes: Box[] = [
  { id: 'a', x: 10, y: 0, width: 100, height: 50 },
  { id: 'b', x: 300, y: 40, width: 100, height: 80 },
  { id: 'c', x: 150, y: 200, width: 100, height: 50 },
];

describe('align', () => {
  it('aligns left and top edges to the smallest', () => {
    expect([...align(boxes, 'left')]).toEqual([
      ['b', { x: 10, y: 40 }],
      ['c', { x: 10, y: 200 }],
    ]);
    expect([...align(boxes, 'top')]).toEqual([
      ['b', { x: 300, y: 0 }],
      ['c', { x: 150, y: 0 }],
    ]);
  });

  it('distributes with equal gaps between the outermost boxes', () => {
    const moved = align(boxes, 'distribute-horizontal');
    // span 10..400 holds 300 px of boxes: two gaps of 45 px.
    expect(moved.get('c')).toEqual({ x: 155, y: 200 });
    expect(moved.has('a')).toBe(false);
    expect(moved.has('b')).toBe(false);
  });

  it('spreads overlapping boxes apart instead of stacking them', () => {
    const stacked: Box[] = [0, 1, 2].map((i) => ({ id: `n${i}`, x: 0, y: i, width: 100, height: 100 }));
    const moved = align(stacked, 'distribute-vertical');
    const ys = stacked.map((b) => moved.get(b.id)?.y ?? b.y);
    expect(ys).toEqual([0, 124, 248]);
  });

  it('needs two boxes', () => {
    expect(align(boxes.slice(0, 1), 'left').size).toBe(0);
  });
});
