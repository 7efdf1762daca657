import type { NodeDefinition, ParamSpec, Params } from './catalog.ts';
import type { ParamValue, Problem } from './types.ts';

type ParamProblem = Omit<Problem, 'nodeId'>;

/**
 * Checks a node's params against its definition and fills in defaults. Every problem is
 * reported (unknown name, wrong type, out of range), each with the param's name and a fix.
 */
export function resolveParams(def: NodeDefinition, raw: unknown): { params: Params; problems: ParamProblem[] } {
  const problems: ParamProblem[] = [];
  const params: Record<string, ParamValue> = {};
  const given = raw === undefined ? {} : raw;
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    problems.push({ message: '"params" must be an object of name: value pairs' });
  }
  const values = (typeof given === 'object' && given !== null && !Array.isArray(given) ? given : {}) as Record<string, unknown>;
  const known = new Set(def.params.map((p) => p.name));
  for (const name of Object.keys(values)) {
    if (!known.has(name)) {
      const hint = closest(name, [...known]);
      problems.push({ param: name, message: `'${def.type}' has no param '${name}'${hint ? ` — did you mean '${hint}'?` : ''}; its params are ${[...known].join(', ') || '(none)'}` });
    }
  }
  for (const spec of def.params) {
    const v = values[spec.name];
    if (v === undefined) {
      params[spec.name] = spec.default;
      continue;
    }
    const issue = checkValue(spec, v);
    if (issue) problems.push({ param: spec.name, message: issue });
    params[spec.name] = issue ? spec.default : (v as ParamValue);
  }
  return { params, problems };
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isNumberList = (v: unknown): v is number[] => Array.isArray(v) && v.every(isNumber);

/** Returns why `v` is not a valid value for `spec`, or undefined when it is. */
export function checkValue(spec: ParamSpec, v: unknown): string | undefined {
  switch (spec.kind) {
    case 'number':
      return isNumber(v) ? checkRange(spec, v) : `must be a finite number, found ${show(v)}`;
    case 'integer':
      return isNumber(v) && Number.isInteger(v) ? checkRange(spec, v) : `must be a whole number, found ${show(v)}`;
    case 'boolean':
      return typeof v === 'boolean' ? undefined : `must be true or false, found ${show(v)}`;
    case 'enum':
      return typeof v === 'string' && spec.options?.includes(v) ? undefined : `must be one of ${spec.options?.map((o) => `"${o}"`).join(', ')}, found ${show(v)}`;
    case 'vector':
      if (!isNumberList(v) || v.length === 0) return `must be a non-empty list of numbers like [0, 1], found ${show(v)}`;
      return firstRangeIssue(spec, v);
    case 'number_or_vector':
      if (isNumber(v)) return checkRange(spec, v);
      if (!isNumberList(v) || v.length === 0) return `must be a number or a list of numbers, found ${show(v)}`;
      return firstRangeIssue(spec, v);
    case 'vector_list':
      return Array.isArray(v) && v.length > 0 && v.every((r) => isNumberList(r) && r.length > 0)
        ? undefined : `must be a list of number lists like [[0, 0], [1, 1]], found ${show(v)}`;
    case 'expressions':
      return Array.isArray(v) && v.length > 0 && v.every((e) => typeof e === 'string')
        ? undefined : `must be a list of expression strings, one per state component, like ["-x[0]"], found ${show(v)}`;
    case 'file': {
      // An optional file left empty means "no file" (see ParamSpec.optional).
      if (spec.optional && v === '') return undefined;
      if (typeof v !== 'string' || v.trim() === '') return `must be a file path relative to the graph file, like "data/protein.pdb", found ${show(v)}`;
      if (v.includes('\0')) return 'a file path cannot contain a NUL character';
      const ext = spec.extensions;
      if (ext && !ext.some((e) => v.toLowerCase().endsWith(e))) return `'${v}' is not a ${ext.join(' or ')} file; choose a file with one of those extensions`;
      return undefined;
    }
    case 'constants': {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return `must be an object of name: number pairs like {"theta": 1.0}, found ${show(v)}`;
      for (const [name, value] of Object.entries(v)) {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return `constant name '${name}' is not a plain identifier (letters, digits, _; not starting with a digit)`;
        if (!isNumber(value)) return `constant '${name}' must be a finite number, found ${show(value)}`;
      }
      return undefined;
    }
  }
}

function checkRange(spec: ParamSpec, v: number): string | undefined {
  if (spec.min !== undefined && (v < spec.min || (spec.exclusiveMin && v === spec.min))) {
    return `${v} is out of range: must be ${spec.exclusiveMin ? '>' : '≥'} ${spec.min}${spec.max !== undefined ? ` and ≤ ${spec.max}` : ''}`;
  }
  if (spec.max !== undefined && v > spec.max) return `${v} is out of range: must be ≤ ${spec.max}`;
  return undefined;
}

function firstRangeIssue(spec: ParamSpec, list: readonly number[]): string | undefined {
  for (let i = 0; i < list.length; i++) {
    const issue = checkRange(spec, list[i]);
    if (issue) return `entry ${i}: ${issue}`;
  }
  return undefined;
}

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

/** The candidate within edit distance 2 of `name`, for "did you mean" hints. */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const c of candidates) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) { best = c; bestDistance = d; }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}
