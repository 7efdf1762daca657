/**
 * JSON text for graph files: objects one key a line, except that small "flat" values (numbers,
 * strings, lists of them, and objects of those, like params, positions and edge ends) stay on one
 * line when it is short. Deterministic, so save → load → save gives the same bytes.
 */
export function formatJson(value: unknown, indent = ''): string {
  const flat = flatJson(value);
  if (flat !== undefined && indent.length + flat.length <= MAX_LINE) return flat;
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => inner + formatJson(v, inner)).join(',\n')}\n${indent}]`;
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${formatJson(v, inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const MAX_LINE = 100;

function isPrimitive(v: unknown): boolean {
  return v === null || ['number', 'string', 'boolean'].includes(typeof v);
}

/** One-line form of a value made of primitives, lists of primitives and objects of those; else undefined. */
function flatJson(value: unknown, depth = 0): string | undefined {
  if (isPrimitive(value)) return JSON.stringify(value);
  if (depth > 1) return undefined;
  if (Array.isArray(value)) {
    if (!value.every(isPrimitive) && !(depth === 0 && value.every((v) => Array.isArray(v) && v.every(isPrimitive)))) return undefined;
    const parts = value.map((v) => flatJson(v, depth + 1));
    return parts.includes(undefined) ? undefined : `[${parts.join(', ')}]`;
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    const parts = entries.map(([k, v]) => {
      const f = flatJson(v, depth + 1);
      return f === undefined ? undefined : `${JSON.stringify(k)}: ${f}`;
    });
    return parts.includes(undefined) ? undefined : `{ ${parts.join(', ')} }`;
  }
  return undefined;
}
