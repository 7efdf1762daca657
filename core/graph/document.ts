import { formatJson } from './formatJson.ts';
import { GRAPH_FORMAT, GRAPH_VERSION, type GraphDocument, type Problem } from './types.ts';

/** Result of reading a document: the document when it has the basic shape, plus every problem. */
export interface LoadResult {
  doc?: GraphDocument;
  problems: Problem[];
}

/**
 * Parses graph JSON text. Only the envelope is checked here (JSON syntax, format, version, node
 * and edge lists); {@link validateGraph} checks the contents. Unknown fields are kept as they are.
 */
export function parseGraph(text: string): LoadResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return { problems: [{ message: `the file is not valid JSON (${(e as Error).message}); check for a missing comma or quote at that position` }] };
  }
  return checkEnvelope(data);
}

/** Checks that parsed JSON has the envelope of a graph document. */
export function checkEnvelope(data: unknown): LoadResult {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { problems: [{ message: 'a graph file must contain one JSON object with "format", "version", "nodes" and "edges"' }] };
  }
  const o = data as Record<string, unknown>;
  const problems: Problem[] = [];
  if (o.format !== GRAPH_FORMAT) problems.push({ message: `"format" must be "${GRAPH_FORMAT}", found ${JSON.stringify(o.format) ?? 'nothing'}; is this an SDE Studio graph?` });
  if (o.version !== GRAPH_VERSION) {
    const newer = typeof o.version === 'number' && o.version > GRAPH_VERSION;
    problems.push({ message: newer
      ? `this graph has format version ${o.version}, newer than this app reads (${GRAPH_VERSION}); update SDE Studio`
      : `"version" must be ${GRAPH_VERSION}, found ${JSON.stringify(o.version) ?? 'nothing'}` });
  }
  if (!Array.isArray(o.nodes)) problems.push({ message: '"nodes" must be a list of nodes' });
  if (!Array.isArray(o.edges)) problems.push({ message: '"edges" must be a list of edges (use [] when there are none)' });
  if (o.name !== undefined && typeof o.name !== 'string') problems.push({ message: '"name" must be a string' });
  if (problems.length > 0) return { problems };
  return { doc: data as GraphDocument, problems };
}

/**
 * Writes a document as JSON (see formatJson.ts): two-space indent, short flat values on one line,
 * keys in the order they were read, a final newline. Saving a loaded document gives back the same
 * bytes when it was written by this function.
 */
export function serializeGraph(doc: GraphDocument): string {
  return `${formatJson(doc)}\n`;
}
