import { resolveParams } from './params.ts';
import type { Catalog } from './catalog.ts';
import type { GraphDocument } from './types.ts';

/** One file a graph needs: which node and param name it, and the path as written. */
export interface FileRef {
  nodeId: string;
  param: string;
  path: string;
}

/**
 * The files named by `file` params, so a host can load them (relative to the graph) before
 * validating and compiling. Nodes of unknown type or with a malformed path are left out: the
 * validator reports those; so are optional file params left empty (`''`).
 */
export function fileRefs(doc: GraphDocument, catalog: Catalog): FileRef[] {
  const refs: FileRef[] = [];
  for (const node of doc.nodes) {
    const def = typeof node === 'object' && node !== null ? catalog.get(node.type) : undefined;
    if (!def || !def.params.some((p) => p.kind === 'file')) continue;
    const { params, problems } = resolveParams(def, node.params);
    for (const spec of def.params) {
      if (spec.kind !== 'file' || problems.some((p) => p.param === spec.name)) continue;
      // An optional file param left empty names no file.
      if (params[spec.name] === '') continue;
      refs.push({ nodeId: node.id, param: spec.name, path: params[spec.name] as string });
    }
  }
  return refs;
}
