import type { Catalog } from '../graph/catalog.ts';

/** The catalog as plain JSON: what `sde-studio nodes --json` prints and the editor's palette reads. */
export function catalogJson(catalog: Catalog) {
  return {
    nodes: [...catalog.values()].map((d) => ({
      type: d.type,
      title: d.title,
      family: d.type.split('.')[0],
      doc: d.doc,
      inputs: d.inputs.map((p) => ({ name: p.name, type: p.type, required: p.required ?? false, doc: p.doc })),
      outputs: d.outputs.map((p) => ({ name: p.name, type: p.type, doc: p.doc })),
      params: d.params.map((p) => ({
        name: p.name, kind: p.kind, default: p.default, doc: p.doc,
        ...(p.min !== undefined ? { min: p.min, exclusiveMin: p.exclusiveMin ?? false } : {}),
        ...(p.max !== undefined ? { max: p.max } : {}),
        ...(p.options ? { options: p.options } : {}),
      })),
      ...(d.role === 'solver' ? { solver: d.method } : {}),
    })),
  };
}

/** A readable listing of the catalog, grouped by family. */
export function catalogTable(catalog: Catalog): string {
  const lines: string[] = [];
  let family = '';
  for (const d of catalog.values()) {
    const f = d.type.split('.')[0];
    if (f !== family) { family = f; lines.push('', `${f}`); }
    lines.push(`  ${d.type.padEnd(26)} ${d.title}`);
    lines.push(`  ${''.padEnd(26)} ${d.doc}`);
    if (d.params.length) lines.push(`  ${''.padEnd(26)} params: ${d.params.map((p) => `${p.name}=${JSON.stringify(p.default)}`).join(', ')}`);
  }
  return lines.join('\n').trimStart();
}
