import type { Catalog } from '../../core/graph/catalog.ts';
import { resolveParams } from '../../core/graph/params.ts';
import type { GraphDocument, GraphNode } from '../../core/graph/types.ts';

/** Content hashes of the data files a document names, by the path as written in the param. */
export type FileHashes = ReadonlyMap<string, string>;

/**
 * What a solver node's results depend on, as one canonical string: the node's type and params,
 * and, for each input port, the same description of the node feeding it (recursively). A `file`
 * param stands for the file's content too (its hash from `fileHashes`, or null when not loaded),
 * so choosing another file under the same name is a change.
 *
 * Node ids, positions and unknown fields are left out — none of them changes the numbers (the
 * kernels do not see node ids) — so moving a node, renaming one or duplicating a solver reuses
 * its results. Params are resolved against the catalog first, so an omitted param and its
 * default give the same key.
 *
 * Example: `{"type":"solver.euler","params":{…},"inputs":{"drift":{"port":"out","node":{…}}}}`.
 */
export function serializeSubgraph(doc: GraphDocument, nodeId: string, catalog: Catalog, fileHashes: FileHashes = new Map()): string {
  const byId = new Map<string, GraphNode>();
  for (const n of doc.nodes) if (n && typeof n.id === 'string') byId.set(n.id, n);
  const incoming = new Map<string, { port: string; from: string; fromPort: string }[]>();
  for (const e of doc.edges) {
    if (!e?.to || !e.from) continue;
    const list = incoming.get(e.to.node) ?? [];
    list.push({ port: e.to.port, from: e.from.node, fromPort: e.from.port });
    incoming.set(e.to.node, list);
  }
  const memo = new Map<string, unknown>();
  const describe = (id: string, path: ReadonlySet<string>): unknown => {
    const hit = memo.get(id);
    if (hit !== undefined) return hit;
    const node = byId.get(id);
    if (!node) return { missing: id };
    // A cycle is a validation error; cut it so the key is still finite.
    if (path.has(id)) return { cycle: id };
    const inner = new Set(path).add(id);
    const inputs: Record<string, unknown> = {};
    const edges = [...(incoming.get(id) ?? [])].sort((a, b) => (a.port < b.port ? -1 : a.port > b.port ? 1 : 0));
    for (const e of edges) {
      const entry = { port: e.fromPort, node: describe(e.from, inner) };
      // Two edges into one port are a validation error; keep both so the key still differs.
      inputs[e.port] = e.port in inputs ? [inputs[e.port], entry] : entry;
    }
    const value = { type: node.type, params: resolvedParams(node, catalog, fileHashes), inputs };
    memo.set(id, value);
    return value;
  };
  return canonicalJson(describe(nodeId, new Set()));
}

function resolvedParams(node: GraphNode, catalog: Catalog, fileHashes: FileHashes): unknown {
  const def = catalog.get(node.type);
  if (!def) return node.params ?? {};
  const params: Record<string, unknown> = { ...resolveParams(def, node.params).params };
  for (const spec of def.params) {
    if (spec.kind !== 'file') continue;
    const path = params[spec.name];
    params[spec.name] = { path, content: typeof path === 'string' ? (fileHashes.get(path) ?? null) : null };
  }
  return params;
}

/** JSON with object keys sorted at every level, so equal values always give equal text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.keys(value as object).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}

/**
 * A 64-bit FNV-1a hash of a string as 16 hex digits (two 32-bit halves, since JavaScript numbers
 * cannot hold 64-bit products). Used as a cache key; the cache also keeps the full text, so a
 * collision can never return the wrong results.
 */
export function hashText(text: string): string {
  // FNV-1a 64: offset basis 0xcbf29ce484222325, prime 0x100000001b3 = 2^40 + 0x1b3.
  let hi = 0xcbf29ce4;
  let lo = 0x84222325;
  for (let i = 0; i < text.length; i++) {
    lo = (lo ^ text.charCodeAt(i)) >>> 0;
    // (hi·2^32 + lo) · (2^40 + 0x1b3) mod 2^64
    const loMul = lo * 0x1b3;
    const carry = Math.floor(loMul / 0x100000000);
    const newLo = loMul >>> 0;
    hi = (Math.imul(hi, 0x1b3) + carry + ((lo << 8) >>> 0)) >>> 0;
    lo = newLo;
  }
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}

/** The cache key and its full text, for each solver node of a document. */
export interface SubgraphKey {
  nodeId: string;
  key: string;
  text: string;
}

/**
 * A 64-bit FNV-1a hash of bytes (16 hex digits) with the length in front, e.g. `1234:cbf2…`: the
 * content key of a data file. Not a cryptographic hash; it tells files apart, nobody forges them.
 */
export function hashBytes(bytes: Uint8Array): string {
  let hi = 0xcbf29ce4;
  let lo = 0x84222325;
  for (let i = 0; i < bytes.length; i++) {
    lo = (lo ^ bytes[i]) >>> 0;
    const loMul = lo * 0x1b3;
    const carry = Math.floor(loMul / 0x100000000);
    const newLo = loMul >>> 0;
    hi = (Math.imul(hi, 0x1b3) + carry + ((lo << 8) >>> 0)) >>> 0;
    lo = newLo;
  }
  return `${bytes.length}:${hi.toString(16).padStart(8, '0')}${lo.toString(16).padStart(8, '0')}`;
}

/** Keys of every node whose catalog role is 'solver' (the nodes that produce results). */
export function solverKeys(doc: GraphDocument, catalog: Catalog, fileHashes: FileHashes = new Map()): SubgraphKey[] {
  const keys: SubgraphKey[] = [];
  for (const n of doc.nodes) {
    if (!n || catalog.get(n.type)?.role !== 'solver') continue;
    const text = serializeSubgraph(doc, n.id, catalog, fileHashes);
    keys.push({ nodeId: n.id, key: hashText(text), text });
  }
  return keys;
}
