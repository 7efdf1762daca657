import { describe, expect, it } from 'vitest';
import type { GraphDocument } from '../../core/graph/types.ts';
import { CATALOG } from '../../nodes/registry.ts';
import { COLUMN_WIDTH, ROW_HEIGHT, displayPositions } from './layout.ts';

describe('displayPositions', () => {
  it('keeps given positions and lays out the others in columns below them', () => {
    const doc: GraphDocument = {
      format: 'sde-studio.graph',
      version: 1,
      nodes: [
        { id: 'a', type: 'source.gaussian', position: { x: 5, y: 7 } },
        { id: 'b', type: 'drift.ou' },
        { id: 'c', type: 'diffusion.constant' },
        { id: 's', type: 'solver.euler_maruyama' },
      ],
      edges: [],
    };
    const p = displayPositions(doc, CATALOG);
    expect(p.get('a')).toEqual({ x: 5, y: 7 });
    expect(p.get('b')).toEqual({ x: 0, y: 7 + ROW_HEIGHT });
    expect(p.get('c')).toEqual({ x: 0, y: 7 + 2 * ROW_HEIGHT });
    expect(p.get('s')).toEqual({ x: COLUMN_WIDTH, y: 7 + ROW_HEIGHT });
  });
});
