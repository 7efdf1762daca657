/** Align and distribute for a selection of nodes: pure geometry over boxes. */
import type { Point } from './graphEdits.ts';

/** A node's box on the canvas (flow coordinates). */
export interface Box {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The alignments the Edit menu offers. */
export type Alignment = 'left' | 'top' | 'distribute-horizontal' | 'distribute-vertical';

/** New positions for the boxes; boxes that do not move are left out. */
export function align(boxes: readonly Box[], how: Alignment): Map<string, Point> {
  const moved = new Map<string, Point>();
  if (boxes.length < 2) return moved;
  const set = (b: Box, x: number, y: number) => {
    if (x !== b.x || y !== b.y) moved.set(b.id, { x, y });
  };
  switch (how) {
    case 'left': {
      const left = Math.min(...boxes.map((b) => b.x));
      for (const b of boxes) set(b, left, b.y);
      break;
    }
    case 'top': {
      const top = Math.min(...boxes.map((b) => b.y));
      for (const b of boxes) set(b, b.x, top);
      break;
    }
    case 'distribute-horizontal':
    case 'distribute-vertical': {
      const horizontal = how === 'distribute-horizontal';
      const start = (b: Box) => (horizontal ? b.x : b.y);
      const size = (b: Box) => (horizontal ? b.width : b.height);
      const sorted = [...boxes].sort((a, b) => start(a) - start(b) || a.id.localeCompare(b.id));
      const first = sorted[0];
      const last = sorted[sorted.length - 1];
      const span = start(last) + size(last) - start(first);
      const occupied = sorted.reduce((sum, b) => sum + size(b), 0);
      // Equal gaps between boxes; when they would overlap, a fixed 24 px gap instead.
      const gap = Math.max(24, (span - occupied) / (sorted.length - 1));
      let cursor = start(first);
      for (const b of sorted) {
        const at = Math.round(cursor);
        if (horizontal) set(b, at, b.y);
        else set(b, b.x, at);
        cursor += size(b) + gap;
      }
      break;
    }
  }
  return moved;
}
