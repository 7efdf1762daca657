import { describe, expect, it } from 'vitest';
import { History } from './history.ts';

describe('History', () => {
  it('undoes and redoes to the very same values', () => {
    const a = { v: 1 };
    const b = { v: 2 };
    const c = { v: 3 };
    const h = new History(a);
    h.push(b, 'to b');
    h.push(c, 'to c');
    expect(h.undoLabel).toBe('to c');
    expect(h.undo()).toBe(true);
    expect(h.present).toBe(b);
    expect(h.undo()).toBe(true);
    expect(h.present).toBe(a);
    expect(h.undo()).toBe(false);
    expect(h.redo()).toBe(true);
    expect(h.present).toBe(b);
    expect(h.redoLabel).toBe('to c');
  });

  it('records nothing for an edit that changes nothing', () => {
    const a = { v: 1 };
    const h = new History(a);
    expect(h.push(a, 'nothing')).toBe(false);
    expect(h.canUndo).toBe(false);
  });

  it('drops the redo branch on a new edit', () => {
    const h = new History(0);
    h.push(1, 'one');
    h.undo();
    h.push(2, 'two');
    expect(h.canRedo).toBe(false);
    h.undo();
    expect(h.present).toBe(0);
  });

  it('merges edits with the same coalesce key into one step until sealed', () => {
    const h = new History('');
    h.push('a', 'type', 'field');
    h.push('ab', 'type', 'field');
    h.push('abc', 'type', 'field');
    h.seal();
    h.push('abcd', 'type', 'field');
    h.undo();
    expect(h.present).toBe('abc');
    h.undo();
    expect(h.present).toBe('');
    expect(h.canUndo).toBe(false);
  });

  it('does not merge edits of different fields', () => {
    const h = new History(0);
    h.push(1, 'x', 'x');
    h.push(2, 'y', 'y');
    h.undo();
    expect(h.present).toBe(1);
  });

  it('forgets the oldest steps past its limit', () => {
    const h = new History(0, 3);
    for (let i = 1; i <= 5; i++) h.push(i, `${i}`);
    let undone = 0;
    while (h.undo()) undone++;
    expect(undone).toBe(3);
    expect(h.present).toBe(2);
  });

  it('reset forgets everything', () => {
    const h = new History(0);
    h.push(1, 'one');
    h.reset(9);
    expect(h.present).toBe(9);
    expect(h.canUndo || h.canRedo).toBe(false);
  });
});
