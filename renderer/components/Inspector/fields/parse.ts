/**
 * Text ↔ value for the inspector's fields. Lists are typed as "1, 2, 3" (brackets optional) and
 * lists of vectors one per line; numbers accept anything JavaScript's Number reads except
 * infinities, and the empty string is not a number.
 */

/** A number, or undefined when `text` is not one. */
export function parseNumber(text: string): number | undefined {
  const t = text.trim().replace(/−/g, '-');
  if (t === '') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

/** `1, 2, 3` or `[1, 2, 3]` → [1, 2, 3]; undefined when an entry is not a number or there is none. */
export function parseNumberList(text: string): number[] | undefined {
  const t = text.trim().replace(/^\[/, '').replace(/\]$/, '').trim();
  if (t === '') return undefined;
  const parts = t.split(/[,;\s]+/).filter((s) => s !== '');
  const values = parts.map(parseNumber);
  return values.every((v): v is number => v !== undefined) ? values : undefined;
}

/** A number when `text` is one number, a list when it is several (or written with brackets). */
export function parseNumberOrList(text: string): number | number[] | undefined {
  const t = text.trim();
  if (!t.startsWith('[') && !/[,;\s]/.test(t)) return parseNumber(t);
  return parseNumberList(t);
}

/** One vector per line (`-2, 0`), or a JSON list of lists. */
export function parseVectorList(text: string): number[][] | undefined {
  const t = text.trim();
  if (t.startsWith('[[')) {
    try {
      const v = JSON.parse(t) as unknown;
      return Array.isArray(v) && v.length > 0 && v.every((r) => Array.isArray(r) && r.length > 0 && r.every((x) => typeof x === 'number' && Number.isFinite(x))) ? (v as number[][]) : undefined;
    } catch {
      return undefined;
    }
  }
  const rows = t.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  if (rows.length === 0) return undefined;
  const parsed = rows.map(parseNumberList);
  return parsed.every((r): r is number[] => r !== undefined) ? parsed : undefined;
}

export function formatNumberList(v: unknown): string {
  return Array.isArray(v) ? v.map(String).join(', ') : String(v ?? '');
}

export function formatVectorList(v: unknown): string {
  return Array.isArray(v) ? v.map(formatNumberList).join('\n') : String(v ?? '');
}

/** The range a number must be in, as a hint: `≥ 0`, `> 0`, `0 … 100`. */
export function rangeHint(spec: { min?: number; max?: number; exclusiveMin?: boolean }): string {
  const { min, exclusiveMin } = spec;
  // Limits like 2^31 - 1 are the integer format's, not advice: leave them out.
  const max = spec.max !== undefined && spec.max >= 2 ** 31 - 1 ? undefined : spec.max;
  if (min !== undefined && max !== undefined) return `${exclusiveMin ? '>' : ''}${min} … ${max}`;
  if (min !== undefined) return `${exclusiveMin ? '>' : '≥'} ${min}`;
  if (max !== undefined) return `≤ ${max}`;
  return '';
}

/** Same value for a field's purpose (so a draft like "1.0" is not rewritten to "1" while typing). */
export function sameJson(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/**
 * A `file` param as typed: the path without surrounding spaces (relative to the graph file, e.g.
 * `data/protein.pdb`); undefined when empty or when it holds a character no path may have.
 */
export function parseFilePath(text: string): string | undefined {
  const t = text.trim();
  return t === '' || t.includes('\0') ? undefined : t;
}

/** `['.pdb', '.xyz']` → `.pdb or .xyz`, for hints. */
export function formatExtensions(extensions: readonly string[] | undefined): string {
  if (!extensions || extensions.length === 0) return 'any file';
  return extensions.length === 1 ? extensions[0] : `${extensions.slice(0, -1).join(', ')} or ${extensions.at(-1)}`;
}
