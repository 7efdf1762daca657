/**
 * The node catalog as the editor sees it: the definitions (nodes/registry.ts), their JSON
 * description (the same one `sde-studio nodes --json` prints) and the editor's grouping, colours
 * and one-line summaries.
 */
import type { NodeDefinition, ParamSpec, PortType } from '../core/graph/catalog.ts';
import { catalogJson } from '../core/cli/catalogJson.ts';
import type { GraphNode, ParamValue } from '../core/graph/types.ts';
import { CATALOG } from '../nodes/registry.ts';

export { CATALOG };

/** One entry of `nodes --json`. */
export type CatalogEntry = ReturnType<typeof catalogJson>['nodes'][number];

export const CATALOG_ENTRIES: readonly CatalogEntry[] = catalogJson(CATALOG).nodes;

/** A palette group. `family` is the part of the type id before the dot. */
export interface Family {
  family: string;
  title: string;
  /** One line under the group heading. */
  hint: string;
}

const KNOWN_FAMILIES: readonly Family[] = [
  { family: 'source', title: 'Sources', hint: 'Initial distributions' },
  { family: 'drift', title: 'Drifts', hint: 'Vector fields f(x, t)' },
  { family: 'diffusion', title: 'Diffusions', hint: 'Noise g(x, t)' },
  { family: 'solver', title: 'Solvers', hint: 'Integrate the particles' },
  { family: 'metric', title: 'Metrics', hint: 'Numbers from the results' },
  { family: 'export', title: 'Exports', hint: 'Files from the results' },
];

/** Families in palette order: the known ones first, then any new family the catalog grows. */
export const FAMILIES: readonly Family[] = [
  ...KNOWN_FAMILIES,
  ...[...new Set(CATALOG_ENTRIES.map((e) => e.family))]
    .filter((f) => !KNOWN_FAMILIES.some((k) => k.family === f))
    .map((f) => ({ family: f, title: f[0].toUpperCase() + f.slice(1), hint: '' })),
];

export function familyOf(type: string): string {
  return type.split('.')[0] ?? type;
}

/** CSS colour variable of a port type (theme-aware, defined in styles/theme.css). */
export function portColor(type: PortType | string): string {
  return `var(--port-${type}, var(--port-other))`;
}

/** CSS colour variable of a node family. */
export function familyColor(family: string): string {
  return `var(--family-${family}, var(--family-other))`;
}

/** Short, readable form of a param value for node cards: `[1, 1, 1]`, `2.667`, `"-x[0]"`. */
export function formatValue(value: ParamValue | undefined): string {
  if (value === undefined) return '—';
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) {
    const inner = value.map((v) => formatValue(v as ParamValue));
    return `[${inner.length > 4 ? [...inner.slice(0, 3), '…'].join(', ') : inner.join(', ')}]`;
  }
  const entries = Object.entries(value);
  return entries.length === 0 ? '{}' : entries.map(([k, v]) => `${k} = ${formatValue(v)}`).join(', ');
}

/** Up to 4 significant digits, thousands grouped with thin spaces, exponents for tiny/huge values. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Number.isInteger(x) && Math.abs(x) < 1e9) return x.toLocaleString('en-US').replace(/,/g, '\u2009');
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return x.toExponential(2).replace('e+', 'e');
  return String(Number(x.toPrecision(4)));
}

/** Characters of the card's monospace summary line. */
const SUMMARY_WIDTH = 32;

/** Lines shown on a node card: the params that say what this node is, most telling first. */
export function paramSummary(def: NodeDefinition, node: GraphNode): string[] {
  const value = (p: ParamSpec) => (node.params?.[p.name] ?? p.default) as ParamValue;
  if (def.role === 'solver') {
    const v = (name: string) => {
      const spec = def.params.find((p) => p.name === name);
      return spec ? value(spec) : undefined;
    };
    const grid = v('steps') !== undefined ? `${formatValue(v('steps'))} steps` : `rtol ${formatValue(v('rtol'))}`;
    return [`t ${formatValue(v('t0'))} → ${formatValue(v('t1'))} · ${grid}`, `${formatValue(v('particles'))} particles · seed ${formatValue(v('seed'))}`];
  }
  // Short "name value" pieces share a line; expressions get a line each.
  const lines: string[] = [];
  let line = '';
  const flush = () => {
    if (line) lines.push(line);
    line = '';
  };
  for (const p of def.params) {
    const v = value(p);
    if (p.kind === 'expressions' && Array.isArray(v)) {
      flush();
      v.forEach((e, i) => lines.push(`${v.length > 1 ? `[${i}] ` : ''}${String(e)}`));
      continue;
    }
    const piece = p.kind === 'constants' ? formatValue(v) : `${p.name} ${formatValue(v)}`;
    if (piece === '{}') continue;
    if (line && line.length + 3 + piece.length > SUMMARY_WIDTH) flush();
    line = line ? `${line} · ${piece}` : piece;
  }
  flush();
  return lines.slice(0, 4);
}
