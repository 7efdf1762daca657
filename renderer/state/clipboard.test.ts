import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseGraph } from '../../core/graph/document.ts';
import { validateGraph } from '../../core/graph/validate.ts';
import { CATALOG } from '../../nodes/registry.ts';
import { copySelection, parseClipboard, pasteInto } from './clipboard.ts';

const text = readFileSync(new URL('../../assets/examples/ornstein-uhlenbeck.json', import.meta.url), 'utf8');
const doc = parseGraph(text).doc!;

describe('clipboard', () => {
  it('copies the selected nodes and only the edges between them', () => {
    const payload = copySelection(doc, ['init', 'solve'])!;
    expect(payload.nodes.map((n) => n.id)).toEqual(['init', 'solve']);
    expect(payload.edges.map((e) => [e.from.node, e.to.node])).toEqual([['init', 'solve']]);
    expect(copySelection(doc, [])).toBeUndefined();
  });

  it('pastes under fresh ids, keeps internal edges, offsets positions, and validates', () => {
    const payload = copySelection(doc, doc.nodes.map((n) => n.id))!;
    const { doc: next, nodeIds } = pasteInto(doc, payload, { offset: { x: 32, y: 32 } });
    expect(nodeIds).toEqual(['init2', 'f2', 'g2', 'solve2']);
    expect(next.nodes).toHaveLength(8);
    expect(next.edges).toHaveLength(6);
    const pastedEdges = next.edges.slice(3);
    expect(pastedEdges.every((e) => nodeIds.includes(e.from.node) && nodeIds.includes(e.to.node))).toBe(true);
    expect(new Set(next.edges.map((e) => e.id)).size).toBe(6);
    const original = doc.nodes.find((n) => n.id === 'solve')!;
    const pasted = next.nodes.find((n) => n.id === 'solve2')!;
    expect(pasted.position).toEqual({ x: (original.position?.x ?? 0) + 32, y: (original.position?.y ?? 0) + 32 });
    expect(validateGraph(next, CATALOG).problems).toEqual([]);
  });

  it('places a paste at a point', () => {
    const payload = copySelection(doc, ['f', 'g'])!;
    const { doc: next, nodeIds } = pasteInto(doc, payload, { at: { x: 1000, y: 500 } });
    const placed = next.nodes.filter((n) => nodeIds.includes(n.id)).map((n) => n.position!);
    expect(Math.min(...placed.map((p) => p.x))).toBe(1000);
    expect(Math.min(...placed.map((p) => p.y))).toBe(500);
  });

  it('reads back only clipboard payloads', () => {
    const payload = copySelection(doc, ['f'])!;
    expect(parseClipboard(JSON.stringify(payload))).toEqual(payload);
    expect(parseClipboard('{"format":"other"}')).toBeUndefined();
    expect(parseClipboard('not json')).toBeUndefined();
    expect(parseClipboard(null)).toBeUndefined();
  });
});
